"""The stories API: the same policy and services as the pages."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.api import PolicyModelViewSet, PolicyReadOnlyViewSet
from value import from_stories

from .. import services
from ..models import Newsletter, NewsletterItem, ShowAndTellSession, Story, StoryMetric
from ..services import StoryStateError
from .serializers import (
    NewsletterSerializer,
    ShowAndTellSessionSerializer,
    StoryLikeOutputSerializer,
    StoryMetricListSerializer,
    StoryRecordValueInputSerializer,
    StoryRecordValueOutputSerializer,
    StoryReviewInputSerializer,
    StoryScoreInputSerializer,
    StorySerializer,
    StoryWriteSerializer,
)


def _current_content(story: Story) -> dict:
    """A story's content in the shape StoryWriteSerializer reads, for partial updates."""
    return {
        **{field: getattr(story, field) for field in ("title", "solution_kind", *Story.SECTIONS)},
        "business_unit": story.business_unit.slug,
        "solution": str(story.solution.uuid) if story.solution else None,
        "highlights": story.highlights,
        "team_members": story.team_member_list,
        "tags": [tag.name for tag in story.tags.all()],
        "hours_saved_per_year": story.hours_saved_per_year,
        "cost_saved_per_year": story.cost_saved_per_year,
        "metrics": [
            {
                "uuid": str(m.uuid),
                "name": m.name,
                "unit": m.unit,
                "period": m.period,
                "before_value": m.before_value,
                "after_value": m.after_value,
            }
            for m in story.metrics.all()
        ],
        "quotes": [{"who": q.who, "role": q.role, "text": q.text} for q in story.quotes.all()],
    }


class StoryViewSet(PolicyModelViewSet):
    """Stories: everyone reads published ones; makers write their own drafts; the CoE reviews."""

    serializer_class = StorySerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    policy_actions = {
        "read": "stories.view_story",
        "write": "stories.edit_story",
        "create": "stories.submit_story",
        "submit": "stories.edit_story",
        "review": "stories.review_story",
        "score": "stories.review_story",
        "like": "stories.like_story",
        "record_value": "stories.record_value",
    }
    filterset_fields = ["status", "business_unit__slug", "solution_kind", "tags__slug"]
    search_fields = ["title", "overview"]
    ordering_fields = ["published_at", "created_at", "title"]

    def get_queryset(self):
        return (
            Story.objects.visible_to(self.request.user)
            .select_related("business_unit", "author", "solution")
            .prefetch_related("tags", "metrics", "quotes", "images")
            .order_by("-published_at", "-created_at")
        )

    def _read(self, story, code=status.HTTP_200_OK):
        story = self.get_queryset().get(pk=story.pk)
        return Response(self.get_serializer(story).data, status=code)

    @extend_schema(request=StoryWriteSerializer, responses={201: StorySerializer})
    def create(self, request, *args, **kwargs):
        payload = StoryWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        story, created = services.story_create(
            author=request.user,
            token=payload.validated_data.get("submission_token"),
            images=[],
            **payload.to_service(),
        )
        return self._read(story, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=StoryWriteSerializer, responses=StorySerializer)
    def update(self, request, *args, **kwargs):
        story = self.get_object()
        payload = StoryWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        payload.is_valid(raise_exception=True)
        if kwargs.get("partial"):
            # A partial update starts from the story as it is.
            payload = StoryWriteSerializer(data={**_current_content(story), **request.data})
            payload.is_valid(raise_exception=True)
        images = [{"uuid": i.uuid, "caption": i.caption} for i in story.images.all()]
        story = services.story_update(
            story=story, editor=request.user, images=images, **payload.to_service()
        )
        return self._read(story)

    @extend_schema(request=StoryWriteSerializer, responses=StorySerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses=StorySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, uuid=None):
        """Send a draft (or a story sent back) to the CoE."""
        story = self.get_object()
        try:
            services.story_submit(story=story, actor=request.user)
        except StoryStateError as error:
            raise ValidationError({"detail": str(error)}) from None
        return self._read(story)

    @extend_schema(request=StoryReviewInputSerializer, responses=StorySerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, uuid=None):
        """A CoE decision: start_review, request_changes, approve, publish or reject."""
        story = self.get_object()
        payload = StoryReviewInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.story_review(
                story=story,
                reviewer=request.user,
                action=payload.validated_data["action"],
                comment=payload.validated_data["comment"],
                base_url=request.build_absolute_uri("/"),
            )
        except StoryStateError as error:
            raise ValidationError({"detail": str(error)}) from None
        return self._read(story)

    @extend_schema(request=StoryScoreInputSerializer, responses=StorySerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, uuid=None):
        """The five selection criteria, each 1-5."""
        story = self.get_object()
        payload = StoryScoreInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.story_score(story=story, reviewer=request.user, scores=payload.validated_data)
        except StoryStateError as error:
            raise ValidationError({"detail": str(error)}) from None
        return self._read(story)

    @extend_schema(request=None, responses=StoryLikeOutputSerializer)
    @action(detail=True, methods=["post"])
    def like(self, request, uuid=None):
        """Like a published story, or take the like back."""
        story = self.get_object()
        if not story.is_published:
            raise ValidationError({"detail": "Only published stories can be liked."})
        liked = services.story_toggle_like(story=story, user=request.user)
        return Response({"liked": liked, "like_count": story.likes.count()})

    @extend_schema(
        request=StoryRecordValueInputSerializer,
        responses={201: StoryRecordValueOutputSerializer, 200: StoryRecordValueOutputSerializer},
    )
    @action(detail=True, methods=["post"], url_path="record-value")
    def record_value(self, request, uuid=None):
        """Turn the published story's metrics into value records of its solution, one per metric
        and month. 201 with the records created; 200 when every month was already recorded."""
        story = self.get_object()
        payload = StoryRecordValueInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        metrics = {m.uuid: m for m in story.metrics.all()}
        unknown = [
            index for index, row in enumerate(data["metrics"]) if row["metric"] not in metrics
        ]
        if unknown:
            raise ValidationError(
                {"metrics": {i: {"metric": ["Not a metric of this story."]} for i in unknown}}
            )
        default_from, default_to = from_stories.default_months(story)
        try:
            result = from_stories.story_value_record(
                story=story,
                actor=request.user,
                conversions=[
                    from_stories.MetricConversion(
                        metric=metrics[row["metric"]],
                        method=row["method"],
                        volume=row["volume"],
                        unit_cost=row.get("unit_cost"),
                    )
                    for row in data["metrics"]
                ],
                month_from=data.get("month_from", default_from),
                month_to=data.get("month_to", default_to),
                source=data["source"],
                solution=data.get("solution"),
                note=data["note"],
            )
        except from_stories.StoryValueError as error:
            raise ValidationError(_problems(error)) from None
        body = StoryRecordValueOutputSerializer(
            {
                "solution": result.solution.uuid,
                "created": result.created,
                "already_recorded": [
                    {"metric": metric.uuid, "month": month}
                    for metric, month in result.already_recorded
                ],
            }
        ).data
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(body, status=code)


def _problems(error: "from_stories.StoryValueError") -> dict:
    """The reasons of a refused "record value", keyed like the input: `{"month_to": [...]}`,
    `{"metrics": {0: {"volume": [...]}}}`, or `{"detail": [...]}` for the request as a whole."""
    body: dict = {}
    for problem in error.problems:
        if problem.index is None:
            body.setdefault(problem.field or "detail", []).append(problem.message)
        else:
            row = body.setdefault("metrics", {}).setdefault(problem.index, {})
            row.setdefault(problem.field or "non_field_errors", []).append(problem.message)
    return body


class StoryMetricViewSet(PolicyReadOnlyViewSet):
    """Measured metrics of published stories, one row each (for value records)."""

    serializer_class = StoryMetricListSerializer
    policy_actions = {"read": "stories.view_story", "write": "stories.review_story"}
    filterset_fields = ["story__uuid"]
    ordering_fields = ["name"]

    def get_queryset(self):
        stories = Story.objects.visible_to(self.request.user).published()
        return (
            StoryMetric.objects.filter(story__in=stories)
            .select_related("story")
            .order_by("story_id", "position", "id")
        )


class ShowAndTellSessionViewSet(PolicyModelViewSet):
    """Show-and-tell sessions with their agendas; the CoE plans them."""

    serializer_class = ShowAndTellSessionSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    policy_actions = {"read": "stories.view_story", "write": "stories.manage_sessions"}
    filterset_fields: list[str] = []
    search_fields = ["title"]
    ordering_fields = ["starts_at", "title"]

    def get_queryset(self):
        return (
            ShowAndTellSession.objects.visible_to(self.request.user)
            .with_agenda()
            .order_by("-starts_at")
        )

    def perform_create(self, serializer):
        serializer.instance = services.session_save(
            actor=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.session_save(
            actor=self.request.user, data=serializer.validated_data, session=serializer.instance
        )


class NewsletterViewSet(PolicyReadOnlyViewSet):
    """Newsletter issues: the archive of sent ones (and drafts for the CoE)."""

    serializer_class = NewsletterSerializer
    policy_actions = {"read": "stories.view_story", "write": "stories.manage_newsletters"}
    filterset_fields = ["status"]
    search_fields = ["subject"]
    ordering_fields = ["sent_at", "created_at"]

    def get_queryset(self):
        return (
            Newsletter.objects.visible_to(self.request.user)
            .prefetch_related(
                Prefetch("items", queryset=NewsletterItem.objects.select_related("story"))
            )
            .order_by("-sent_at", "-created_at")
        )
