"""The ideas API under the one policy: ideas (with votes, scores and the CoE's review),
maker profiles, badges and badge rules."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.models import BusinessUnit
from config.api import (
    CONFLICT,
    PolicyModelViewSet,
    PolicyReadOnlyViewSet,
    PolicyViewSetMixin,
    refused,
)
from maturity.models import Area
from value.models import UnitCost

from .. import services
from ..forms import IdeaForm
from ..models import Badge, BadgeRule, Idea, IdeaKeyResult, MakerProfile
from ..services import IdeaStateError
from .serializers import (
    BadgeRuleSerializer,
    BadgeSerializer,
    IdeaReviewSerializer,
    IdeaScoreSerializer,
    IdeaSerializer,
    IdeaVoteSerializer,
    IdeaWriteSerializer,
    MakerProfileSerializer,
)


def _form_data(payload: dict) -> dict:
    """The API's names (slugs and uuids) as the guided form's fields (primary keys)."""
    data = {k: v for k, v in payload.items() if k not in ("key_results", "submit")}
    unit = BusinessUnit.objects.filter(slug=payload["business_unit"]).first()
    if unit is None:
        raise ValidationError({"business_unit": "No business unit has this slug."})
    data["business_unit"] = unit.pk
    if payload.get("maturity_area"):
        area = Area.objects.filter(key=payload["maturity_area"]).first()
        if area is None:
            raise ValidationError({"maturity_area": "No maturity area has this key."})
        data["maturity_area"] = area.pk
    if payload.get("cost_item"):
        cost = UnitCost.objects.filter(uuid=payload["cost_item"]).first()
        if cost is None:
            raise ValidationError({"cost_item": "No cost in the library has this id."})
        data["cost_item"] = cost.pk
    for i, link in enumerate(payload.get("key_results") or [], start=1):
        data[f"kr_{i}"] = str(link["key_result"])
        data[f"how_{i}"] = link.get("how", "")
    return {k: ("" if v is None else v) for k, v in data.items()}


def _form_errors(form) -> dict:
    errors = {}
    for name, messages in form.errors.items():
        if name.startswith(("kr_", "how_")):  # the form's key-result slots
            name = "key_results"
        errors.setdefault("non_field_errors" if name == "__all__" else name, []).extend(messages)
    return errors


class IdeaViewSet(
    PolicyViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Ideas: everyone signed in reads the backlog and submits ideas; authors change theirs
    while new; the CoE scores and decides. Sorted by score by default."""

    serializer_class = IdeaSerializer
    lookup_field = "uuid"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    policy_actions = {
        "read": "ideas.view_idea",
        "write": "ideas.edit_idea",
        "create": "ideas.submit_idea",
        "vote": "ideas.vote_idea",
        "score": "ideas.view_idea",
        "review": "ideas.review_idea",
    }
    filterset_fields = ["status", "business_unit__slug", "maturity_area__key"]
    search_fields = ["title", "process"]
    ordering_fields = ["score", "vote_count", "submitted_at", "potential_value_year"]

    def get_queryset(self):
        links = IdeaKeyResult.objects.select_related("key_result")
        return (
            Idea.objects.visible_to(self.request.user)
            .select_related("business_unit", "author", "maturity_area", "solution")
            .prefetch_related(Prefetch("key_result_links", queryset=links))
            .defer("search_vector")
            .by_score()
        )

    def _read(self, idea, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=idea.pk)).data, status=code)

    def _save(self, request, idea: Idea | None):
        payload = IdeaWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        form = IdeaForm(_form_data(payload.validated_data), instance=idea or Idea())
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        try:
            return services.idea_save(
                idea=idea or Idea(),
                actor=request.user,
                data=form.idea_data(),
                key_results=form.key_result_links,
                submit=payload.validated_data["submit"],
            )
        except (IdeaStateError, DjangoValidationError) as error:
            messages = error.messages if isinstance(error, DjangoValidationError) else [str(error)]
            raise ValidationError({"non_field_errors": messages}) from None

    @extend_schema(request=IdeaWriteSerializer, responses={201: IdeaSerializer})
    def create(self, request, *args, **kwargs):
        return self._read(self._save(request, None), status.HTTP_201_CREATED)

    @extend_schema(request=IdeaWriteSerializer, responses=IdeaSerializer)
    def update(self, request, *args, **kwargs):
        return self._read(self._save(request, self.get_object()))

    @extend_schema(request=IdeaWriteSerializer, responses=IdeaSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(
        methods=["POST"], request=None, responses={200: IdeaVoteSerializer, 409: CONFLICT}
    )
    @extend_schema(methods=["DELETE"], request=None, responses={200: IdeaVoteSerializer})
    @action(detail=True, methods=["post", "delete"])
    def vote(self, request, uuid=None):
        """POST votes (a second POST changes nothing); DELETE withdraws. 409 on a declined or
        draft idea."""
        idea = self.get_object()
        try:
            if request.method == "DELETE":
                idea, changed = services.idea_unvote(idea=idea, user=request.user)
                voted = False
            else:
                idea, changed = services.idea_vote(idea=idea, user=request.user)
                voted = True
        except IdeaStateError as error:
            raise refused(error) from None
        return Response({"voted": voted, "changed": changed, "vote_count": idea.vote_count})

    @extend_schema(responses=IdeaScoreSerializer)
    @action(detail=True, methods=["get"])
    def score(self, request, uuid=None):
        """The score and its parts, with the CoE's current weights."""
        breakdown = services.idea_breakdown(self.get_object())
        parts = [
            {
                "key": p.key,
                "label": p.label,
                "points": p.points,
                "weight": p.weight,
                "contribution": p.contribution,
            }
            for p in breakdown.parts
        ]
        return Response(IdeaScoreSerializer({"score": breakdown.total, "parts": parts}).data)

    @extend_schema(request=IdeaReviewSerializer, responses={200: IdeaSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def review(self, request, uuid=None):
        """The CoE's effort and risk estimate (CoE only); an idea not open for it is a 409."""
        idea = self.get_object()
        payload = IdeaReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.idea_review(idea=idea, actor=request.user, **payload.validated_data)
        except IdeaStateError as error:
            raise refused(error) from None
        return self._read(idea)


class MakerProfileViewSet(PolicyReadOnlyViewSet):
    """Maker profiles the user may see (a hidden one only by readers and its owner)."""

    serializer_class = MakerProfileSerializer
    policy_actions = {"read": "ideas.view_profile", "write": "ideas.edit_profile"}
    search_fields = ["user__username", "user__first_name", "user__last_name", "skills"]

    def get_queryset(self):
        return (
            MakerProfile.objects.visible_to(self.request.user)
            .select_related("user")
            .order_by("user__username")
        )


class BadgeViewSet(PolicyViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Badges awarded, newest first."""

    serializer_class = BadgeSerializer
    policy_actions = {"read": "ideas.view_badges", "write": "ideas.manage_badges"}
    filterset_fields = ["user__username", "rule__kind"]

    def get_queryset(self):
        return Badge.objects.select_related("rule", "user").order_by("-awarded_at", "-pk")


class BadgeRuleViewSet(PolicyModelViewSet):
    """The badge rules: everyone reads them, the CoE writes them."""

    serializer_class = BadgeRuleSerializer
    policy_actions = {"read": "ideas.view_badges", "write": "ideas.manage_badges"}
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return BadgeRule.objects.order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.badge_rule_save(
            rule=BadgeRule(), actor=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.badge_rule_save(
            rule=serializer.instance, actor=self.request.user, data=serializer.validated_data
        )
