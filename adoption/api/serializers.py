from collections import Counter

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import BusinessUnit
from adoption.models import LEVEL_CHOICES, Answer, Assessment
from adoption.scoring import score_answers
from adoption.services import answers_of
from config.numbers import FOUR_DECIMALS, display_float


class AreaScoreSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.key")
    name = serializers.CharField(source="area.name")
    questions = serializers.IntegerField(source="total")
    answered = serializers.IntegerField()
    not_sure = serializers.IntegerField(source="unsure")
    score = serializers.FloatField(source="mean", allow_null=True)
    level = serializers.IntegerField(allow_null=True)


class AssessmentSerializer(serializers.ModelSerializer):
    """An assessment with its scores; answers are in the JSON export of the page."""

    subject = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    subject_name = serializers.CharField(source="subject.__str__", read_only=True)
    model_version = serializers.SlugRelatedField(slug_field="key", read_only=True)
    overall_level = serializers.SerializerMethodField()
    share_answered = serializers.SerializerMethodField()
    areas = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "uuid",
            "subject",
            "subject_name",
            "title",
            "status",
            "revision",
            "model_version",
            "created_at",
            "submitted_at",
            "is_imported",
            "overall_level",
            "share_answered",
            "areas",
        ]

    def _score(self, obj):
        # Scored once per object; answers come prefetched by the viewset's queryset.
        if not hasattr(obj, "_api_score"):
            obj._api_score = score_answers(answers_of(obj))
        return obj._api_score

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_overall_level(self, obj) -> int | None:
        return self._score(obj).overall_level

    @extend_schema_field(serializers.FloatField())
    def get_share_answered(self, obj) -> float:
        return display_float(self._score(obj).share_answered, FOUR_DECIMALS)

    @extend_schema_field(AreaScoreSerializer(many=True))
    def get_areas(self, obj):
        return AreaScoreSerializer(self._score(obj).areas, many=True).data


class QuestionActionSerializer(serializers.Serializer):
    question_key = serializers.CharField()
    question_text = serializers.CharField()
    answered_level = serializers.IntegerField(allow_null=True)
    action = serializers.CharField()


class RecommendationSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.key")
    name = serializers.CharField(source="area.name")
    score = serializers.FloatField(source="score.mean", allow_null=True)
    reached_level = serializers.IntegerField(allow_null=True)
    next_level = serializers.IntegerField(source="next_level.number", allow_null=True)
    characteristics = serializers.ListField(child=serializers.CharField())
    opportunities = serializers.SerializerMethodField()
    actions = QuestionActionSerializer(many=True)
    target_level = serializers.IntegerField(source="target.level", allow_null=True)
    target_on = serializers.DateField(source="target.target_on", allow_null=True)
    gap = serializers.IntegerField(allow_null=True)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_opportunities(self, obj) -> list[dict]:
        return [{"key": o.key, "text": o.text} for o in obj.opportunities]


class AssessmentStartInputSerializer(serializers.Serializer):
    """What the start page asks: a business unit (null: the whole organisation) and a title."""

    business_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all(), allow_null=True, required=False
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.ModelSerializer):
    """One answer with the texts it was given; `options` maps each level to its text."""

    area = serializers.CharField(source="area.key", read_only=True)
    options = serializers.DictField(source="option_texts", child=serializers.CharField())
    not_sure = serializers.BooleanField(source="is_unsure")

    class Meta:
        model = Answer
        fields = ["question_key", "area", "question_text", "options", "level", "not_sure", "note"]
        read_only_fields = fields


class AssessmentAnswersSerializer(serializers.Serializer):
    """The answers of an assessment and the revision to send back with the next change."""

    revision = serializers.IntegerField()
    answers = AnswerSerializer(many=True)


class AnswerInputSerializer(serializers.Serializer):
    """One answer to set: a level, or "not sure", or neither (which clears it)."""

    question_key = serializers.CharField(max_length=12)
    level = serializers.ChoiceField(
        choices=LEVEL_CHOICES, allow_null=True, required=False, default=None
    )
    not_sure = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["level"] is not None and attrs["not_sure"]:
            raise serializers.ValidationError(
                {"not_sure": _("Choose a level or “not sure”, not both.")}
            )
        return attrs


class AssessmentAnswersInputSerializer(serializers.Serializer):
    """Answers to save in a draft. `revision` is the one read with the answers: if someone
    saved in between, nothing is written (409). Questions left out keep their answers."""

    revision = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    answers = AnswerInputSerializer(many=True, allow_empty=False, max_length=500)

    def validate_answers(self, answers):
        counts = Counter(item["question_key"] for item in answers)
        repeated = sorted(key for key, count in counts.items() if count > 1)
        if repeated:
            raise serializers.ValidationError(
                _("Answered more than once: %(keys)s.") % {"keys": ", ".join(repeated)}
            )
        return answers
