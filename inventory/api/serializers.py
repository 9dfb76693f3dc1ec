from rest_framework import serializers

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


class MappingRuleSerializer(serializers.ModelSerializer):
    business_unit = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = MappingRule
        fields = ["uuid", "position", "match_on", "value", "business_unit"]


class SolutionUsageSerializer(serializers.ModelSerializer):
    solution = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    resource_id = serializers.CharField(source="solution.resource_id", read_only=True)

    class Meta:
        model = SolutionUsage
        fields = ["solution", "resource_id", "month", "runs", "launches", "active_users"]
