"""Serializers of the ideas API. They shape data; the rules are the guided form's (IdeaForm),
so the page and the API refuse the same input with the same reasons, and the services write."""

from rest_framework import serializers

from ..models import (
    MAX_ITEMS_PER_YEAR,
    MAX_MINUTES,
    MAX_OCCURRENCES,
    MAX_PEOPLE,
    Badge,
    BadgeRule,
    Idea,
    MakerProfile,
)


class IdeaKeyResultSerializer(serializers.Serializer):
    key_result = serializers.UUIDField()
    how = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class IdeaSerializer(serializers.ModelSerializer):
    """An idea as the backlog shows it, with its stored score and vote count."""

    business_unit = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    maturity_area = serializers.SlugRelatedField(slug_field="key", read_only=True)
    solution = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    key_results = serializers.SerializerMethodField()

    class Meta:
        model = Idea
        fields = [
            "uuid",
            "title",
            "status",
            "business_unit",
            "author",
            "process",
            "pain_point",
            "tools_today",
            "risk_today",
            "people_affected",
            "occurrences",
            "period",
            "minutes_now",
            "minutes_after",
            "items_avoided_per_year",
            "maturity_area",
            "potential_hours_year",
            "potential_value_year",
            "effort",
            "risk",
            "vote_count",
            "score",
            "decline_reason",
            "solution",
            "key_results",
            "submitted_at",
        ]
        read_only_fields = fields

    def get_key_results(self, idea) -> list[dict]:
        return [
            {
                "key_result": str(link.key_result.uuid),
                "title": link.key_result.title,
                "how": link.how,
            }
            for link in idea.key_result_links.all()
        ]


class IdeaWriteSerializer(serializers.Serializer):
    """What a person may write on their idea (never its status, score or author)."""

    title = serializers.CharField(max_length=160)
    business_unit = serializers.SlugField(help_text="The unit's slug.")
    process = serializers.CharField(max_length=200)
    pain_point = serializers.CharField(max_length=10000)
    tools_today = serializers.CharField(max_length=200, required=False, allow_blank=True)
    risk_today = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    people_affected = serializers.IntegerField(min_value=1, max_value=MAX_PEOPLE)
    occurrences = serializers.IntegerField(min_value=1, max_value=MAX_OCCURRENCES)
    period = serializers.ChoiceField(choices=Idea.Period.choices)
    minutes_now = serializers.IntegerField(min_value=0, max_value=MAX_MINUTES)
    minutes_after = serializers.IntegerField(min_value=0, max_value=MAX_MINUTES)
    cost_item = serializers.UUIDField(required=False, allow_null=True)
    items_avoided_per_year = serializers.IntegerField(
        min_value=0, max_value=MAX_ITEMS_PER_YEAR, required=False, default=0
    )
    maturity_area = serializers.SlugField(required=False, allow_blank=True)
    key_results = IdeaKeyResultSerializer(many=True, required=False, max_length=3)
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Put a draft into the backlog."
    )


class IdeaVoteSerializer(serializers.Serializer):
    voted = serializers.BooleanField()
    changed = serializers.BooleanField(help_text="False when the request changed nothing.")
    vote_count = serializers.IntegerField()


class IdeaReviewSerializer(serializers.Serializer):
    effort = serializers.ChoiceField(choices=Idea.Effort.choices)
    risk = serializers.IntegerField(min_value=0, max_value=5)


class ScorePartSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    weight = serializers.DecimalField(max_digits=8, decimal_places=2)
    contribution = serializers.DecimalField(max_digits=8, decimal_places=2)


class IdeaScoreSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=8, decimal_places=2)
    parts = ScorePartSerializer(many=True)


class BadgeRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = BadgeRule
        fields = ["uuid", "name", "description", "kind", "threshold", "is_active"]


class BadgeSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.name", read_only=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Badge
        fields = ["rule", "user", "reason", "awarded_at"]


class MakerProfileSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    skills = serializers.ListField(source="skill_list", child=serializers.CharField())
    learning = serializers.ListField(source="learning_list", child=serializers.CharField())

    class Meta:
        model = MakerProfile
        fields = ["uuid", "username", "name", "headline", "skills", "learning"]
        read_only_fields = fields
