"""Serializers of the stories API. They shape and validate data; the views call services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import BusinessUnit, User
from accounts.policy import is_coe
from config.dates import SerializerDateField
from value.models import Solution, UnitCost, ValueRecord

from ..models import (
    Newsletter,
    SessionSlot,
    ShowAndTellSession,
    Story,
    StoryImage,
    StoryMetric,
    StoryQuote,
)
from ..services.record_value import Method
from ..uploads import clean_image


class StoryMetricSerializer(serializers.ModelSerializer):
    uuid = serializers.UUIDField(required=False, allow_null=True)
    change_percent = serializers.DecimalField(
        max_digits=10, decimal_places=1, read_only=True, allow_null=True
    )

    class Meta:
        model = StoryMetric
        fields = ["uuid", "name", "unit", "before_value", "after_value", "period", "change_percent"]


class StoryMetricListSerializer(StoryMetricSerializer):
    """A metric with the story it belongs to (for value records built from stories)."""

    story = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    story_title = serializers.CharField(source="story.title", read_only=True)

    class Meta(StoryMetricSerializer.Meta):
        fields = ["story", "story_title", *StoryMetricSerializer.Meta.fields]


class StoryQuoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = StoryQuote
        fields = ["who", "role", "text"]


class StoryImageSerializer(serializers.ModelSerializer):
    url = serializers.FileField(source="image", read_only=True, use_url=True)

    class Meta:
        model = StoryImage
        fields = ["uuid", "url", "caption", "width", "height"]


class StoryImageInputSerializer(serializers.Serializer):
    """A new picture for a story: checked, size-capped and re-encoded like the page's upload."""

    image = serializers.FileField(
        help_text=_("PNG, JPEG or WebP, at most 5 MB and 6000 x 6000 pixels.")
    )
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_image(self, upload):
        try:
            return clean_image(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class StorySerializer(serializers.ModelSerializer):
    """A story as readers see it; review scores only for the CoE."""

    business_unit = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    solution = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    highlights = serializers.ListField(child=serializers.CharField(), read_only=True)
    team_members = serializers.ListField(
        source="team_member_list", child=serializers.CharField(), read_only=True
    )
    metrics = StoryMetricSerializer(many=True, read_only=True)
    quotes = StoryQuoteSerializer(many=True, read_only=True)
    images = StoryImageSerializer(many=True, read_only=True)
    score_total = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Story
        fields = [
            "uuid",
            "title",
            "status",
            "business_unit",
            "solution_kind",
            "solution",
            "author",
            *Story.SECTIONS,
            "highlights",
            "team_members",
            "tags",
            "hours_saved_per_year",
            "cost_saved_per_year",
            "metrics",
            "quotes",
            "images",
            "score_relevance",
            "score_impact",
            "score_diversity",
            "score_engagement",
            "score_scalability",
            "score_total",
            "rejection_reason",
            "created_at",
            "submitted_at",
            "published_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not is_coe(request.user):
            for field, _label, _question in Story.CRITERIA:
                data[field] = None
            data["score_total"] = None
        return data


class StoryWriteSerializer(serializers.Serializer):
    """The content a maker writes (pictures go through the page, which checks each upload)."""

    title = serializers.CharField(max_length=160)
    business_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all()
    )
    solution_kind = serializers.ChoiceField(choices=Solution.Kind.choices)
    # Only solutions the story's author may see: context["author"] (and context["keep_solution_id"],
    # the one an edited story names already). Any other uuid reads as "does not exist".
    solution = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Solution.objects.none(), required=False, allow_null=True
    )
    overview = serializers.CharField(max_length=3000)
    business_scenario = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    before_process = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    solution_summary = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    impact_summary = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    architecture = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    meet_the_team = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    highlights = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=3, required=False, default=list
    )
    team_members = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=30, required=False, default=list
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=10, required=False, default=list
    )
    hours_saved_per_year = serializers.DecimalField(
        max_digits=10, decimal_places=1, required=False, allow_null=True, min_value=0
    )
    cost_saved_per_year = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    metrics = StoryMetricSerializer(many=True, required=False, default=list, max_length=20)
    quotes = StoryQuoteSerializer(many=True, required=False, default=list, max_length=10)
    submission_token = serializers.UUIDField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        author = self.context.get("author")
        if author is not None:
            self.fields["solution"].queryset = Solution.objects.linkable_to_story(
                author, keep_id=self.context.get("keep_solution_id")
            )

    def to_service(self) -> dict:
        """cleaned data → keyword arguments of story_create / story_update."""
        data = dict(self.validated_data)
        highlights = [*data.pop("highlights", []), "", "", ""][:3]
        content = {field: data[field] for field in ("title", "business_unit", "solution_kind",
                                                     "overview", *Story.SECTIONS[1:])}  # fmt: skip
        content.update(
            solution=data.get("solution"),
            highlight_1=highlights[0],
            highlight_2=highlights[1],
            highlight_3=highlights[2],
            team_members="\n".join(data.get("team_members", [])),
            hours_saved_per_year=data.get("hours_saved_per_year"),
            cost_saved_per_year=data.get("cost_saved_per_year"),
        )
        return {
            "data": content,
            "tags": data.get("tags", []),
            "metrics": [dict(m) for m in data.get("metrics", [])],
            "quotes": [dict(q) for q in data.get("quotes", [])],
        }


class StoryReviewInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["start_review", "request_changes", "approve", "publish", "reject"]
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class StoryScoreInputSerializer(serializers.Serializer):
    score_relevance = serializers.IntegerField(min_value=1, max_value=5, allow_null=True)
    score_impact = serializers.IntegerField(min_value=1, max_value=5, allow_null=True)
    score_diversity = serializers.IntegerField(min_value=1, max_value=5, allow_null=True)
    score_engagement = serializers.IntegerField(min_value=1, max_value=5, allow_null=True)
    score_scalability = serializers.IntegerField(min_value=1, max_value=5, allow_null=True)


class StoryLikeOutputSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()


class StoryMetricValueInputSerializer(serializers.Serializer):
    """How one metric of the story turns into value each month."""

    metric = serializers.UUIDField(help_text=_("The uuid of one of the story's metrics."))
    method = serializers.ChoiceField(choices=Method.choices)
    volume = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        help_text=_("Items per month, or periods per month (4.33 for a weekly figure)."),
    )
    unit_cost = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=UnitCost.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A cost from the library: hourly for time, the cost of one thing for counts."),
    )


class StoryRecordValueInputSerializer(serializers.Serializer):
    """Months, source and metrics of "record value"; months as YYYY-MM or any day in them.
    The months default to those since publication."""

    metrics = StoryMetricValueInputSerializer(many=True, max_length=50)
    month_from = SerializerDateField(required=False, input_formats=["%Y-%m", "%Y-%m-%d"])
    month_to = SerializerDateField(required=False, input_formats=["%Y-%m", "%Y-%m-%d"])
    source = serializers.ChoiceField(
        choices=ValueRecord.Source.choices, default=ValueRecord.Source.MEASURED
    )
    solution = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=Solution.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("For a story not linked to a solution yet: links it to this one."),
    )
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class StoryValueRecordSerializer(serializers.ModelSerializer):
    """A value record created from a story metric."""

    solution = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)

    class Meta:
        model = ValueRecord
        fields = [
            "uuid",
            "solution",
            "month",
            "hours_saved",
            "hourly_rate",
            "cost_avoided",
            "amount",
            "source",
            "note",
            "origin_key",
            "created_at",
        ]
        read_only_fields = fields


class StoryAlreadyRecordedSerializer(serializers.Serializer):
    metric = serializers.UUIDField()
    month = serializers.DateField()


class StoryRecordValueOutputSerializer(serializers.Serializer):
    solution = serializers.UUIDField()
    created = StoryValueRecordSerializer(many=True)
    already_recorded = StoryAlreadyRecordedSerializer(many=True)


class SessionSlotSerializer(serializers.ModelSerializer):
    story = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    story_title = serializers.CharField(source="story.title", read_only=True)
    presenter = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = SessionSlot
        fields = ["story", "story_title", "presenter", "starts_at", "minutes"]


class ShowAndTellSessionSerializer(serializers.ModelSerializer):
    # No host (null) once the host's account is gone; a session may be planned without one.
    host = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), allow_null=True
    )
    meeting_url = serializers.URLField(required=False, allow_blank=True, max_length=200)
    recording_url = serializers.URLField(required=False, allow_blank=True, max_length=200)
    slots = SessionSlotSerializer(many=True, read_only=True)

    class Meta:
        model = ShowAndTellSession
        fields = [
            "uuid",
            "title",
            "starts_at",
            "location",
            "meeting_url",
            "host",
            "description",
            "recording_url",
            "slots",
        ]
        read_only_fields = ["uuid", "slots"]

    def validate(self, attrs):
        location = attrs.get("location", getattr(self.instance, "location", ""))
        link = attrs.get("meeting_url", getattr(self.instance, "meeting_url", ""))
        if not location and not link:
            raise serializers.ValidationError(
                {"location": gettext("Give a place or a meeting link.")}
            )
        return attrs


class NewsletterSerializer(serializers.ModelSerializer):
    stories = serializers.SerializerMethodField()

    class Meta:
        model = Newsletter
        fields = ["uuid", "subject", "intro", "status", "sent_at", "sent_count", "stories"]

    def get_stories(self, newsletter) -> list[str]:
        return [str(item.story.uuid) for item in newsletter.items.all()]


class NewsletterWriteSerializer(serializers.Serializer):
    """A draft issue: its subject, intro and the published stories in it, in this order."""

    subject = serializers.CharField(max_length=160)
    intro = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    stories = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=60)

    def validate_stories(self, uuids):
        repeated = sorted({str(u) for u in uuids if uuids.count(u) > 1})
        if repeated:
            raise serializers.ValidationError(
                gettext("Listed more than once: %(items)s.") % {"items": ", ".join(repeated)}
            )
        return uuids
