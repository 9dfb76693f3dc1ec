from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from adoption.models import Assessment
from adoption.scoring import score_answers
from adoption.services import answers_of


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
        return round(self._score(obj).share_answered, 4)

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
