from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import BusinessUnit
from inventory.models import ImportChange, ImportRun, MappingRule
from inventory.progress import progress_get
from value.models import SolutionUsage


class ImportRunSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField(allow_null=True)  # null: the user was deleted
    confirmed_by = serializers.StringRelatedField(allow_null=True)  # null until confirmed
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = [
            "uuid",
            "source",
            "status",
            "file_name",
            "file_format",
            "is_full",
            "created_by",
            "confirmed_by",
            "created_at",
            "started_at",
            "previewed_at",
            "finished_at",
            "rows_total",
            "rows_done",
            "new_count",
            "changed_count",
            "retired_count",
            "rejected_count",
            "unchanged_count",
            "usage_count",
            "rows_written",
            "error",
            "progress",
        ]
        read_only_fields = fields

    def get_progress(self, run) -> dict:
        return progress_get(run)


class ImportRunUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    is_full = serializers.BooleanField(default=True)


class ImportChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportChange
        fields = ["action", "line", "resource_id", "name", "reason", "fields"]


class MappingPreviewSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Known environments the rule maps.")
    sample = serializers.ListField(
        child=serializers.CharField(), help_text="The first few of their names."
    )


class MappingRuleSerializer(serializers.ModelSerializer):
    """A rule: environments matching `match_on` = `value` go to `business_unit` (by slug). The
    first rule by position that matches wins; `maps` says what the rule maps now."""

    business_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all()
    )
    value = serializers.CharField(
        max_length=200,
        help_text="An environment id, a group name, or a name pattern with * wildcards.",
    )
    maps = serializers.SerializerMethodField()

    class Meta:
        model = MappingRule
        fields = ["uuid", "position", "match_on", "value", "business_unit", "maps"]
        read_only_fields = ["uuid", "maps"]

    def validate_value(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("The value is empty."))
        return value

    def validate_position(self, position: int) -> int:
        if position > 100_000:
            raise serializers.ValidationError(_("Use a position of at most 100000."))
        return position

    @extend_schema_field(MappingPreviewSerializer(allow_null=True))
    def get_maps(self, rule):
        """From the view's preview of every rule (first match wins); null when not given."""
        previews = self.context.get("previews")
        if previews is None:
            return None
        found = previews.get(rule.pk)
        return {"count": found["count"], "sample": found["sample"]} if found else None


class SolutionUsageSerializer(serializers.ModelSerializer):
    solution = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    resource_id = serializers.CharField(source="solution.resource_id", read_only=True)

    class Meta:
        model = SolutionUsage
        fields = ["solution", "resource_id", "month", "runs", "launches", "active_users"]
