from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import BusinessUnit
from config.dates import SerializerDateField
from reports.forms import clean_recipients
from reports.models import ReportDefinition, ReportSnapshot, validate_cron


class ReportDefinitionSerializer(serializers.ModelSerializer):
    scope_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = ReportDefinition
        fields = [
            "uuid",
            "name",
            "kind",
            "scope_unit",
            "cadence",
            "cron_expression",
            "period_length",
            "recipients",
            "is_active",
        ]
        read_only_fields = ["uuid"]

    def validate_recipients(self, value: str) -> str:
        try:
            return clean_recipients(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate(self, attrs):
        cadence = attrs.get("cadence", getattr(self.instance, "cadence", None))
        expression = attrs.get("cron_expression", getattr(self.instance, "cron_expression", ""))
        if cadence == ReportDefinition.Cadence.CRON:
            if not expression.strip():
                raise serializers.ValidationError(
                    {"cron_expression": gettext("Enter a cron expression for a custom schedule.")}
                )
            try:
                validate_cron(expression.strip())
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"cron_expression": exc.messages}) from exc
        return attrs


class ReportSnapshotSerializer(serializers.ModelSerializer):
    definition = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = ReportSnapshot
        fields = [
            "uuid",
            "definition",
            "period_start",
            "period_end",
            "status",
            "error",
            "mail_error",
            "generated_at",
            "sent_at",
            "data",
            "downloads",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_downloads(self, snapshot) -> dict:
        if snapshot.status != ReportSnapshot.Status.DONE:
            return {}
        return {
            fmt: reverse("reports:snapshot_download", args=[snapshot.uuid, fmt])
            for fmt in ("pdf", "csv", "html")
        }


class GenerateInputSerializer(serializers.Serializer):
    """Any day in the past period to report on (its month or quarter is used)."""

    day = SerializerDateField()
