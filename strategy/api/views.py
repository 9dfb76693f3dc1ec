"""REST endpoints of the strategy app. Reads follow "strategy.view_plan"; writes the same policy
actions as the pages; check-ins and measurements are actions that ask the policy about the
object itself, so that a key result's owner may check it in."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.policy import require
from config.api import CONFLICT, PolicyModelViewSet, PolicyReadOnlyViewSet, refused
from strategy import services
from strategy.models import CheckIn, Initiative, KeyResult, Kpi, Objective, Plan

from .serializers import (
    CheckInInputSerializer,
    CheckInSerializer,
    InitiativeSerializer,
    KeyResultSerializer,
    KpiMeasurementSerializer,
    KpiSerializer,
    MeasurementInputSerializer,
    ObjectiveSerializer,
    PlanSerializer,
)

NO_DELETE = ["get", "post", "put", "patch", "head", "options"]


def _saved(call):
    """Run a service; a model-level validation error becomes a 400, never a 500, and a
    conflict with what is stored (services.StrategyConflict) a 409."""
    try:
        return call()
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "message_dict") else error.messages
        raise ValidationError(detail) from error
    except services.StrategyError as error:
        raise refused(error) from error


class PlanViewSet(PolicyModelViewSet):
    """Adoption plans with their progress; CoE leads and admins write (no deletion: close a plan
    instead)."""

    serializer_class = PlanSerializer
    policy_actions = {"read": "strategy.view_plan", "write": "strategy.edit_plan"}
    http_method_names = NO_DELETE
    filterset_fields = ["status", "business_unit__slug"]
    search_fields = ["title", "vision"]
    ordering_fields = ["starts_on", "ends_on", "title"]

    def get_queryset(self):
        return Plan.objects.visible_to(self.request.user).for_list().order_by("-starts_on", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = _saved(
            lambda: services.plan_create(data=data, actor=self.request.user)
        )

    def perform_update(self, serializer):
        plan = serializer.instance
        data = dict(serializer.validated_data)
        serializer.instance = _saved(
            lambda: services.plan_update(plan=plan, data=data, actor=self.request.user)
        )


class ObjectiveViewSet(PolicyModelViewSet):
    serializer_class = ObjectiveSerializer
    policy_actions = {"read": "strategy.view_plan", "write": "strategy.edit_plan"}
    http_method_names = NO_DELETE
    filterset_fields = ["plan__uuid"]
    ordering_fields = ["order", "title"]

    def get_queryset(self):
        return (
            Objective.objects.filter(plan__in=Plan.objects.visible_to(self.request.user))
            .prefetch_live_key_results()
            .select_related("plan")
            .order_by("plan_id", "order", "pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = data.pop("plan")
        serializer.instance = services.objective_save(plan=plan, data=data, actor=self.request.user)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        objective = serializer.instance
        data.pop("plan", None)
        serializer.instance = services.objective_save(
            plan=objective.plan, objective=objective, data=data, actor=self.request.user
        )


class KeyResultViewSet(PolicyModelViewSet):
    """Live key results with progress and status. DELETE hides one and keeps its check-ins."""

    serializer_class = KeyResultSerializer
    policy_actions = {
        "read": "strategy.view_plan",
        "write": "strategy.edit_plan",
        # the object rule "strategy.check_in" is asked inside the action
        "check_in": "strategy.view_plan",
    }
    filterset_fields = ["objective__uuid", "objective__plan__uuid", "kind", "owner__username"]
    search_fields = ["title"]
    ordering_fields = ["due_on", "title", "order"]

    def get_queryset(self):
        return (
            KeyResult.objects.visible_to(self.request.user)
            .alive()
            .with_latest_check_in()
            .for_display()
            .order_by("objective_id", "order", "pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        objective = data.pop("objective")
        serializer.instance = services.key_result_save(
            objective=objective, data=data, actor=self.request.user
        )

    def perform_update(self, serializer):
        kr = serializer.instance
        data = dict(serializer.validated_data)
        data.pop("objective", None)
        serializer.instance = services.key_result_save(
            objective=kr.objective, key_result=kr, data=data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        services.key_result_delete(key_result=instance, actor=self.request.user)

    @extend_schema(
        request=CheckInInputSerializer, responses={201: CheckInSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, uuid=None):
        """Record a new value; only the owner, CoE leads and admins may (else 403). A deleted
        key result is a 409."""
        kr = self.get_object()
        require(request.user, "strategy.check_in", kr)
        payload = CheckInInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        check_in = _saved(
            lambda: services.key_result_check_in(
                key_result=kr, author=request.user, **payload.validated_data
            )
        )
        return Response(CheckInSerializer(check_in).data, status=status.HTTP_201_CREATED)


class CheckInViewSet(PolicyReadOnlyViewSet):
    """Every check-in of live key results, newest first."""

    serializer_class = CheckInSerializer
    policy_actions = {"read": "strategy.view_plan", "write": "strategy.edit_plan"}
    filterset_fields = ["key_result__uuid"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        key_results = KeyResult.objects.visible_to(self.request.user).alive()
        return (
            CheckIn.objects.filter(key_result__in=key_results)
            .select_related("key_result", "author")
            .order_by("-created_at", "-pk")
        )


class InitiativeViewSet(PolicyModelViewSet):
    serializer_class = InitiativeSerializer
    policy_actions = {"read": "strategy.view_plan", "write": "strategy.edit_plan"}
    filterset_fields = ["plan__uuid", "horizon", "status"]
    search_fields = ["title"]
    ordering_fields = ["order", "target_on", "title"]

    def get_queryset(self):
        return Initiative.objects.visible_to(self.request.user).for_board().order_by("order", "pk")

    def _save(self, serializer, initiative=None):
        data = dict(serializer.validated_data)
        plan = data.pop("plan", None) or initiative.plan
        links = {
            name: data.pop(name)
            for name in ("objectives", "areas", "opportunities")
            if name in data
        }
        serializer.instance = services.initiative_save(
            plan=plan, initiative=initiative, data=data, links=links, actor=self.request.user
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)


class KpiViewSet(PolicyModelViewSet):
    """KPIs with their latest value; `measurements` lists and records values."""

    serializer_class = KpiSerializer
    policy_actions = {
        "read": "strategy.view_plan",
        "write": "strategy.manage_kpi",
        # the object rule "strategy.record_measurement" is asked inside the action
        "measurements": "strategy.view_plan",
    }
    http_method_names = NO_DELETE
    filterset_fields = ["business_unit__slug", "unit"]
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return (
            Kpi.objects.visible_to(self.request.user)
            .with_latest_measurement()
            .select_related("owner", "business_unit")
            .order_by("name", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.kpi_save(
            data=dict(serializer.validated_data), actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = services.kpi_save(
            kpi=serializer.instance, data=dict(serializer.validated_data), actor=self.request.user
        )

    @extend_schema(
        methods=["GET"], request=None, responses={200: KpiMeasurementSerializer(many=True)}
    )
    @extend_schema(
        methods=["POST"],
        request=MeasurementInputSerializer,
        responses={201: KpiMeasurementSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def measurements(self, request, uuid=None):
        """GET: every measurement, oldest first. POST: record one (the KPI's owner, CoE leads
        and admins); key results bound to the KPI are checked in with it. A second
        measurement for the same date is a 409."""
        kpi = self.get_object()
        if request.method == "GET":
            rows = kpi.measurements.select_related("recorded_by", "kpi").order_by("measured_on")
            return Response(KpiMeasurementSerializer(rows, many=True).data)
        require(request.user, "strategy.record_measurement", kpi)
        payload = MeasurementInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        measurement = _saved(
            lambda: services.kpi_record_measurement(
                kpi=kpi, actor=request.user, **payload.validated_data
            )
        )
        return Response(KpiMeasurementSerializer(measurement).data, status=status.HTTP_201_CREATED)
