from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from config.api import (
    CONFLICT,
    KeysetPagination,
    PolicyModelViewSet,
    PolicyReadOnlyViewSet,
    PolicyViewSetMixin,
    refused,
)
from inventory import mapping, services
from inventory.models import ImportRun, MappingRule
from inventory.sources import FileRejected
from value.models import Solution, SolutionUsage

from .serializers import (
    ImportChangeSerializer,
    ImportRunSerializer,
    ImportRunUploadSerializer,
    MappingPreviewSerializer,
    MappingRuleSerializer,
    SolutionUsageSerializer,
)


class ImportRunViewSet(PolicyReadOnlyViewSet):
    """Inventory import runs with their counts and live progress; POST a file (multipart) to
    start one, then confirm it once its preview is ready."""

    serializer_class = ImportRunSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    lookup_field = "uuid"
    policy_actions = {"read": "inventory.manage_imports", "write": "inventory.manage_imports"}
    filterset_fields = ["status", "source"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return ImportRun.objects.visible_to(self.request.user).for_list().order_by("-created_at")

    @extend_schema(request=ImportRunUploadSerializer, responses={201: ImportRunSerializer})
    def create(self, request):
        upload = ImportRunUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            run = services.run_start(
                file=file,
                file_name=file.name,
                source=ImportRun.Source.API,
                is_full=upload.validated_data["is_full"],
                actor=request.user,
            )
        except FileRejected as exc:
            raise ValidationError({"file": str(exc)}) from exc
        return Response(ImportRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ImportRunSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def confirm(self, request, uuid=None):
        """Import a previewed run. 409 when another import is working, or the run is not
        waiting for confirmation (already confirmed, or with rejected rows)."""
        run = self.get_object()
        try:
            run = services.run_confirm(run=run, actor=request.user)
        except (services.RunBusy, services.RunStateError) as exc:
            raise refused(exc) from exc
        return Response(ImportRunSerializer(run).data)

    @extend_schema(responses={200: ImportChangeSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def changes(self, request, uuid=None):
        run = self.get_object()
        page = self.paginate_queryset(run.changes.all())
        return self.get_paginated_response(ImportChangeSerializer(page, many=True).data)


class MappingRuleViewSet(PolicyModelViewSet):
    """Environment → business unit rules, in the order they are tried (the first that matches
    an environment wins). Each rule shows what it maps now; POST a rule to `preview/` to see
    what it would map before saving it."""

    serializer_class = MappingRuleSerializer
    lookup_field = "uuid"
    policy_actions = {"read": "inventory.manage_imports", "write": "inventory.manage_imports"}
    filterset_fields = ["match_on"]
    ordering_fields = ["position"]

    def get_queryset(self):
        return MappingRule.objects.select_related("business_unit").order_by("position", "id")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action in ("list", "retrieve", "create", "update", "partial_update"):
            context["previews"] = _previews()
        return context

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        unit = data.pop("business_unit")
        serializer.instance = _save(MappingRule(**data), unit, self.request.user)
        serializer.context["previews"] = _previews()

    def perform_update(self, serializer):
        rule = serializer.instance
        data = dict(serializer.validated_data)
        unit = data.pop("business_unit", rule.business_unit)
        for name, value in data.items():
            setattr(rule, name, value)
        _save(rule, unit, self.request.user)
        serializer.context["previews"] = _previews()

    def perform_destroy(self, instance):
        services.mapping_rule_delete(rule=instance, actor=self.request.user)

    @extend_schema(request=MappingRuleSerializer, responses={200: MappingPreviewSerializer})
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """What a proposed rule would map if it were tried before the others; saves nothing."""
        proposed = MappingRuleSerializer(data=request.data)
        proposed.is_valid(raise_exception=True)
        data = dict(proposed.validated_data)
        rule = MappingRule(**data)
        found = mapping.rule_preview([rule])[0]
        return Response({"count": found["count"], "sample": found["sample"]})


def _save(rule: MappingRule, unit, actor) -> MappingRule:
    try:
        return services.mapping_rule_save(rule=rule, unit=unit, actor=actor)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def _previews() -> dict:
    """What every rule maps now (first match wins): two queries, rules and environments."""
    return {
        item["rule"].pk: item
        for item in mapping.rule_preview(MappingRule.objects.order_by("position", "id"))
    }


class SolutionUsageViewSet(PolicyViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Usage per solution and month, as imported: for the solutions the reader may see (a list
    only: a usage row has no address of its own). A tenant holds hundreds of thousands of rows:
    pages by cursor, never counted, newest month first off an index."""

    serializer_class = SolutionUsageSerializer
    pagination_class = KeysetPagination
    keyset_ordering = "-month"
    policy_actions = {"read": "value.list_solutions"}
    filterset_fields = ["solution__uuid", "month"]
    ordering_fields = ["month", "runs", "launches", "active_users"]

    def get_queryset(self):
        visible = Solution.objects.visible_to(self.request.user)
        return (
            SolutionUsage.objects.filter(solution__in=visible)
            .select_related("solution")
            .order_by("-month", "solution_id")
        )
