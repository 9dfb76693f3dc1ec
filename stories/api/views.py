"""The stories API: the same policy and services as the pages."""

import uuid as uuidlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.api import (
    CONFLICT,
    Conflict,
    PolicyModelViewSet,
    PolicyReadOnlyViewSet,
    PolicyViewSetMixin,
    refused,
)

from .. import services
from ..models import Newsletter, NewsletterItem, ShowAndTellSession, Story, StoryMetric
from ..services import NewsletterStateError, StoryStateError, record_value
from ..uploads import MAX_IMAGES_PER_STORY, too_many_images
from .serializers import (
    NewsletterSerializer,
    NewsletterWriteSerializer,
    ShowAndTellSessionSerializer,
    StoryImageInputSerializer,
    StoryImageSerializer,
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


def _unchanged_content(story: Story) -> dict:
    """story_update's arguments that keep a story's text, tags, metrics and quotes as they
    are: picture changes go through the same service as a full edit."""
    metrics, quotes = services.story_content_rows(story)
    tags = [tag.name for tag in story.tags.all()]
    return {"data": {}, "tags": tags, "metrics": metrics, "quotes": quotes}


IMAGE_UUID = OpenApiParameter("image_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)


class StoryViewSet(
    PolicyViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Stories: everyone reads published ones; makers write their own drafts; the CoE reviews.
    Stories are never deleted through the API (DELETE is only for their pictures)."""

    serializer_class = StorySerializer
    lookup_field = "uuid"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
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
        payload = StoryWriteSerializer(data=request.data, context={"author": request.user})
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
        context = {"author": story.author, "keep_solution_id": story.solution_id}
        payload = StoryWriteSerializer(
            data=request.data, partial=kwargs.get("partial", False), context=context
        )
        payload.is_valid(raise_exception=True)
        if kwargs.get("partial"):
            # A partial update starts from the story as it is.
            payload = StoryWriteSerializer(
                data={**_current_content(story), **request.data}, context=context
            )
            payload.is_valid(raise_exception=True)
        images = [{"uuid": i.uuid, "caption": i.caption} for i in story.images.all()]
        story = services.story_update(
            story=story, editor=request.user, images=images, **payload.to_service()
        )
        return self._read(story)

    @extend_schema(request=StoryWriteSerializer, responses=StorySerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @transaction.atomic
    def _change_images(self, story, change) -> Story:
        """Save `change(pictures)` (story_update's image rows, from the pictures the story has
        now) through the edit service. The story is locked first and read afresh, so two
        uploads at once both keep their picture and no concurrent edit is undone."""
        story = Story.objects.select_for_update().get(pk=story.pk)
        rows = change(list(story.images.all()))
        try:
            services.story_update(
                story=story, editor=self.request.user, images=rows, **_unchanged_content(story)
            )
        except DjangoValidationError as error:
            raise ValidationError({"image": error.messages}) from None
        return story

    @extend_schema(request=StoryImageInputSerializer, responses={201: StoryImageSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def images(self, request, uuid=None):
        """Add a picture (multipart `image`, optional `caption`): the author while the story
        is a draft or sent back, the CoE always. A file that is not a PNG, JPEG or WebP
        picture, is over 5 MB or 6000 x 6000 pixels is a 400 with the reason."""
        story = self.get_object()
        payload = StoryImageInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        before: list = []

        def add(pictures):
            # Counted before the upload is stored, as the page's form does.
            if len(pictures) >= MAX_IMAGES_PER_STORY:
                raise ValidationError({"image": [too_many_images()]})
            before.extend(i.pk for i in pictures)
            kept = [{"uuid": i.uuid, "caption": i.caption} for i in pictures]
            added = {
                "file": payload.validated_data["image"],
                "caption": payload.validated_data["caption"],
            }
            return [*kept, added]

        with transaction.atomic():
            story = self._change_images(story, add)
            image = story.images.exclude(pk__in=before).get()
        return Response(
            StoryImageSerializer(image, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(parameters=[IMAGE_UUID], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"images/(?P<image_uuid>[0-9a-fA-F-]{32,36})",
        url_name="image",
    )
    def delete_image(self, request, uuid=None, image_uuid=None):
        """Remove one picture from a story (who may: as for adding one)."""
        story = self.get_object()
        try:
            target = uuidlib.UUID(image_uuid)
        except ValueError:
            raise NotFound from None

        def remove(pictures):
            if target not in {i.uuid for i in pictures}:
                raise NotFound
            return [{"uuid": i.uuid, "caption": i.caption, "delete": i.uuid == target}
                    for i in pictures]  # fmt: skip

        self._change_images(story, remove)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: StorySerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def submit(self, request, uuid=None):
        """Send a draft (or a story sent back) to the CoE; a story in another status, or
        without a title and an overview, is a 409."""
        story = self.get_object()
        try:
            services.story_submit(story=story, actor=request.user)
        except StoryStateError as error:
            raise refused(error) from None
        return self._read(story)

    @extend_schema(
        request=StoryReviewInputSerializer, responses={200: StorySerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def review(self, request, uuid=None):
        """A CoE decision: start_review, request_changes, approve, publish or reject. A
        decision the story's status does not allow (approving an approved story) is a 409;
        sending back or rejecting without a comment is a 400."""
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
            raise refused(error, field="comment") from None
        return self._read(story)

    @extend_schema(
        request=StoryScoreInputSerializer, responses={200: StorySerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    def score(self, request, uuid=None):
        """The five selection criteria, each 1-5; a story not yet in review is a 409."""
        story = self.get_object()
        payload = StoryScoreInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.story_score(story=story, reviewer=request.user, scores=payload.validated_data)
        except StoryStateError as error:
            raise refused(error) from None
        return self._read(story)

    @extend_schema(request=None, responses={200: StoryLikeOutputSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def like(self, request, uuid=None):
        """Like a published story, or take the like back; a story not published is a 409."""
        story = self.get_object()
        if not story.is_published:
            raise Conflict(gettext("Only published stories can be liked."))
        liked = services.story_toggle_like(story=story, user=request.user)
        return Response({"liked": liked, "like_count": story.likes.count()})

    @extend_schema(
        request=StoryRecordValueInputSerializer,
        responses={
            201: StoryRecordValueOutputSerializer,
            200: StoryRecordValueOutputSerializer,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], url_path="record-value")
    def record_value(self, request, uuid=None):
        """Turn the published story's metrics into value records of its solution, one per metric
        and month. 201 with the records created; 200 when every month was already recorded;
        409 for a story not published."""
        story = self.get_object()
        payload = StoryRecordValueInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if not story.is_published:
            raise Conflict(gettext("Only published stories can be turned into value records."))
        data = payload.validated_data
        metrics = {m.uuid: m for m in story.metrics.all()}
        unknown = [
            index for index, row in enumerate(data["metrics"]) if row["metric"] not in metrics
        ]
        if unknown:
            raise ValidationError(
                {
                    "metrics": {
                        i: {"metric": [gettext("Not a metric of this story.")]} for i in unknown
                    }
                }
            )
        default_from, default_to = record_value.default_months(story)
        try:
            result = record_value.story_value_record(
                story=story,
                actor=request.user,
                conversions=[
                    record_value.MetricConversion(
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
        except record_value.StoryValueError as error:
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


def _problems(error: "record_value.StoryValueError") -> dict:
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

    def policy_object(self, metric):
        return metric.story  # a metric is read as its story is

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

    def policy_object(self, session):
        # "stories.view_story" judges stories; which sessions a user sees is visible_to's call.
        return None

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


class NewsletterViewSet(
    PolicyViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Newsletter issues: the archive of sent ones for everyone; the CoE composes drafts from
    published stories and sends them (each subscriber gets an issue at most once)."""

    serializer_class = NewsletterSerializer
    lookup_field = "uuid"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    policy_actions = {"read": "stories.view_story", "write": "stories.manage_newsletters"}
    filterset_fields = ["status"]
    search_fields = ["subject"]
    ordering_fields = ["sent_at", "created_at"]

    def policy_object(self, newsletter):
        # "stories.view_story" judges stories; drafts are hidden from readers by visible_to.
        return None

    def get_queryset(self):
        return (
            Newsletter.objects.visible_to(self.request.user)
            .prefetch_related(
                Prefetch("items", queryset=NewsletterItem.objects.select_related("story"))
            )
            .order_by("-sent_at", "-created_at")
        )

    def _read(self, newsletter, code=status.HTTP_200_OK):
        newsletter = self.get_queryset().get(pk=newsletter.pk)
        return Response(self.get_serializer(newsletter).data, status=code)

    def _save(self, request, newsletter=None, partial=False):
        payload = NewsletterWriteSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        if partial:
            # A partial update starts from the issue as it is.
            current = {
                "subject": newsletter.subject,
                "intro": newsletter.intro,
                "stories": [str(item.story.uuid) for item in newsletter.items.all()],
            }
            payload = NewsletterWriteSerializer(data={**current, **request.data})
            payload.is_valid(raise_exception=True)
        uuids = payload.validated_data["stories"]
        found = {s.uuid: s for s in Story.objects.visible_to(request.user).filter(uuid__in=uuids)}
        missing = [str(u) for u in uuids if u not in found]
        if missing:
            raise ValidationError(
                {"stories": gettext("No such story: %(uuids)s.") % {"uuids": ", ".join(missing)}}
            )
        try:
            return services.newsletter_save(
                actor=request.user,
                newsletter=newsletter,
                subject=payload.validated_data["subject"],
                intro=payload.validated_data["intro"],
                stories=[found[u] for u in uuids],
            )
        except NewsletterStateError as error:
            raise refused(error, field="stories") from None

    @extend_schema(request=NewsletterWriteSerializer, responses={201: NewsletterSerializer})
    def create(self, request, *args, **kwargs):
        """Compose a draft issue from published stories, in the order given."""
        return self._read(self._save(request), status.HTTP_201_CREATED)

    @extend_schema(
        request=NewsletterWriteSerializer, responses={200: NewsletterSerializer, 409: CONFLICT}
    )
    def update(self, request, *args, **kwargs):
        """Change a draft issue; a sent one is a 409."""
        newsletter = self.get_object()
        return self._read(self._save(request, newsletter, partial=kwargs.get("partial", False)))

    @extend_schema(
        request=NewsletterWriteSerializer, responses={200: NewsletterSerializer, 409: CONFLICT}
    )
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses={200: NewsletterSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def send(self, request, uuid=None):
        """Send a draft issue to every active subscriber, in the background. Sending again
        (or an issue without stories) is a 409: nobody gets an issue twice."""
        newsletter = self.get_object()
        try:
            services.newsletter_send(
                newsletter=newsletter, actor=request.user, base_url=request.build_absolute_uri("/")
            )
        except NewsletterStateError as error:
            raise refused(error) from None
        return self._read(newsletter)
