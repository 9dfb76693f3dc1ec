from django.contrib import admin

from . import services
from .models import ReportDefinition, ReportSnapshot


@admin.register(ReportDefinition)
class ReportDefinitionAdmin(admin.ModelAdmin):
    """Admins edit definitions here; saving brings the beat schedule (PeriodicTask) in step."""

    list_display = ["name", "kind", "scope_unit", "cadence", "cron_expression", "is_active"]
    list_select_related = ["scope_unit"]
    readonly_fields = ["periodic_task"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.definition_sync_schedule(obj)

    def delete_model(self, request, obj):
        if obj.periodic_task_id:
            obj.periodic_task.delete()
        super().delete_model(request, obj)


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(admin.ModelAdmin):
    """Read-only: snapshots are never changed once generated."""

    list_display = ["definition", "period_start", "period_end", "status", "generated_at", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["definition"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
