from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api.permissions import PolicyPermission
from config.api import (
    CONFLICT,
    KeysetPagination,
    OneObjectListSchema,
    PolicyModelViewSet,
    refused,
)
from value import figures, services
from value.models import ProgrammeCost, Solution, UnitCost, ValueRecord

from .serializers import (
    FiguresQuerySerializer,
    ProgrammeCostSerializer,
    RoiFiguresSerializer,
    SolutionSerializer,
    UnitCostSerializer,
    ValueRecordSerializer,
)


def _django_errors(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(getattr(exc, "message_dict", None) or {"detail": exc.messages})


# A solution with value records is retired, not deleted: 409.
@extend_schema_view(destroy=extend_schema(responses={204: None, 409: CONFLICT}))
class SolutionViewSet(PolicyModelViewSet):
    """The solution inventory: every solution for readers, their own for makers."""

    serializer_class = SolutionSerializer
    policy_actions = {
        "read": "value.list_solutions",
        "write": "value.edit_solution",
        "create": "value.create_solution",
        "destroy": "value.import_solutions",  # removing from the inventory is the CoE's call
    }
    filterset_fields = ["kind", "status", "business_unit__slug"]
    search_fields = ["name", "environment"]
    ordering_fields = ["name", "go_live_on", "created_at"]

    def get_queryset(self):
        return Solution.objects.visible_to(self.request.user).for_list().order_by("name", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data["owner"] = self.request.user
        try:
            serializer.instance = services.solution_save(
                solution=Solution(), actor=self.request.user, data=data
            )
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc

    def perform_update(self, serializer):
        try:
            services.solution_save(
                solution=serializer.instance,
                actor=self.request.user,
                data=dict(serializer.validated_data),
            )
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc

    def perform_destroy(self, instance):
        try:
            services.solution_delete(solution=instance, actor=self.request.user)
        except services.ValueRecordError as exc:
            raise refused(exc) from exc


class ValueRecordViewSet(PolicyModelViewSet):
    """Value records: read those of visible solutions; add one for a solution you may edit.
    Records are not changed through the API (the CoE verifies them on the solution page).
    An enterprise holds hundreds of thousands: pages by cursor, never counted."""

    serializer_class = ValueRecordSerializer
    pagination_class = KeysetPagination
    keyset_ordering = "-month"
    http_method_names = ["get", "post", "head", "options"]
    policy_actions = {"read": "value.list_solutions", "write": "value.record_value"}
    filterset_fields = ["solution__uuid", "month", "source"]
    ordering_fields = ["month", "amount", "created_at"]

    def get_queryset(self):
        return (
            ValueRecord.objects.visible_to(self.request.user)
            .select_related("solution")
            .order_by("-month", "pk")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.value_record_create(
                solution=data.pop("solution"),
                month=data.pop("month"),
                source=data.pop("source", ValueRecord.Source.MAKER_ESTIMATE),
                actor=self.request.user,
                **data,
            )
        except services.ValueRecordError as exc:
            raise ValidationError({"hourly_rate": str(exc)}) from exc
        except DjangoValidationError as exc:
            raise _django_errors(exc) from exc


class UnitCostViewSet(PolicyModelViewSet):
    """The cost library."""

    serializer_class = UnitCostSerializer
    policy_actions = {"read": "value.view_value", "write": "value.edit_value"}
    filterset_fields = ["business_unit__slug", "is_staff_hour", "measure"]
    search_fields = ["name"]
    ordering_fields = ["name", "amount"]

    def get_queryset(self):
        return UnitCost.objects.select_related("business_unit").order_by("name", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.unit_cost_save(
            unit_cost=UnitCost(), actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        services.unit_cost_save(
            unit_cost=serializer.instance,
            actor=self.request.user,
            data=dict(serializer.validated_data),
        )


class ProgrammeCostViewSet(PolicyModelViewSet):
    """Programme costs per period and unit."""

    serializer_class = ProgrammeCostSerializer
    policy_actions = {"read": "value.view_value", "write": "value.edit_value"}
    filterset_fields = ["business_unit__slug", "kind"]
    ordering_fields = ["starts_on", "amount"]

    def get_queryset(self):
        return ProgrammeCost.objects.select_related("business_unit").order_by("-starts_on", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.programme_cost_create(
            actor=self.request.user, data=dict(serializer.validated_data)
        )


class ValueFiguresViewSet(viewsets.ViewSet):
    """ROI figures of a scope and period (the same numbers as the pages and reports)."""

    permission_classes = [PolicyPermission]
    policy_actions = {"read": "value.view_value", "write": "value.edit_value"}
    schema = OneObjectListSchema()  # one object of figures, not a list

    @extend_schema(
        operation_id="v1_value_figures_list",
        parameters=[FiguresQuerySerializer],
        responses={200: RoiFiguresSerializer},
    )
    def list(self, request):
        empty = sorted(name for name, value in request.query_params.items() if not value.strip())
        if empty:  # the serializer would read an empty `?unit=` as "left out"
            raise ValidationError(
                dict.fromkeys(empty, _("Give a value, or leave the parameter out."))
            )
        query = FiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        result = figures.cached_roi_figures(query.validated_data.get("unit"), start, end)
        return Response(result.as_dict())
