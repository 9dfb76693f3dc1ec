from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    CheckIn,
    Initiative,
    KeyResult,
    Kpi,
    KpiMeasurement,
    Objective,
    Plan,
    PlanStep,
    PlanTemplate,
)


class PlanStepInline(admin.TabularInline):
    model = PlanStep
    extra = 0


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["title", "owner", "order"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "business_unit", "starts_on", "ends_on", "owner"]
    list_filter = ["status"]
    list_select_related = ["business_unit", "owner"]
    search_fields = ["title", "vision"]
    inlines = [PlanStepInline, ObjectiveInline]


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0
    fields = ["created_at", "value", "confidence", "author", "comment"]


@admin.register(KeyResult)
class KeyResultAdmin(admin.ModelAdmin):
    """Deleted key results stay here (filter "deleted") and can be restored with an action."""

    list_display = ["title", "objective", "kind", "target", "current", "due_on", "deleted_at"]
    list_filter = ["kind", "unit", ("deleted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["objective"]
    search_fields = ["title"]
    inlines = [CheckInInline]
    actions = ["restore"]

    @admin.action(description=_("Restore the selected deleted key results"))
    def restore(self, request, queryset):
        for key_result in queryset.filter(deleted_at__isnull=False):
            services.key_result_restore(key_result=key_result, actor=request.user)


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "horizon", "status", "owner", "target_on"]
    list_filter = ["horizon", "status"]
    list_select_related = ["plan", "owner"]
    filter_horizontal = ["objectives", "areas", "opportunities"]


class MeasurementInline(admin.TabularInline):
    model = KpiMeasurement
    extra = 0


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "direction", "frequency", "owner", "business_unit"]
    inlines = [MeasurementInline]


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "order", "loaded_at"]
