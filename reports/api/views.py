from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.api import PolicyModelViewSet, PolicyReadOnlyViewSet
from reports import services
from reports.models import ReportDefinition, ReportSnapshot

from .serializers import (
    GenerateInputSerializer,
    ReportDefinitionSerializer,
    ReportSnapshotSerializer,
)


class ReportDefinitionViewSet(PolicyModelViewSet):
    """Report definitions; saving one brings its beat schedule in step."""

    serializer_class = ReportDefinitionSerializer
    policy_actions = {"read": "reports.view_reports", "write": "reports.manage_reports"}
    filterset_fields = ["kind", "cadence", "is_active"]
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return ReportDefinition.objects.select_related("scope_unit").order_by("name", "pk")

    def _save(self, serializer, definition):
        try:
            serializer.instance = services.definition_save(
                definition=definition, actor=self.request.user, data=dict(serializer.validated_data)
            )
        except DjangoValidationError as exc:
            raise ValidationError(getattr(exc, "message_dict", exc.messages)) from exc

    def perform_create(self, serializer):
        self._save(serializer, ReportDefinition())

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        if instance.periodic_task_id:
            instance.periodic_task.delete()
        instance.delete()

    @extend_schema(request=GenerateInputSerializer, responses={201: ReportSnapshotSerializer})
    @action(detail=True, methods=["post"])
    def generate(self, request, uuid=None):
        """Generate the report now for the past period (month or quarter) containing `day`."""
        definition = self.get_object()
        payload = GenerateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        start, end = services.period_containing(definition, payload.validated_data["day"])
        if end >= timezone.localdate():
            raise ValidationError(
                {"day": gettext("Only a period that has ended can be reported on.")}
            )
        snapshot, created = services.snapshot_request(
            definition=definition, start=start, end=end, requested_by=request.user
        )
        return Response(
            ReportSnapshotSerializer(snapshot, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ReportSnapshotViewSet(PolicyReadOnlyViewSet):
    """Generated reports with their frozen figures and download links."""

    serializer_class = ReportSnapshotSerializer
    policy_actions = {"read": "reports.view_reports", "write": "reports.manage_reports"}
    filterset_fields = ["definition__uuid", "status"]
    ordering_fields = ["period_start", "generated_at"]

    def get_queryset(self):
        return ReportSnapshot.objects.select_related("definition").order_by("-period_start", "pk")
