from django.contrib import admin

from . import rollup
from .models import ProgrammeCost, Solution, UnitCost, ValueRecord


class RollupInStepMixin:
    """Edits made in the admin bypass the services, so refresh the units' roll-up here."""

    def units_of(self, obj) -> list[int]:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        before = self.units_of(type(obj).objects.get(pk=obj.pk)) if change else []
        super().save_model(request, obj, form, change)
        rollup.refresh_units([*before, *self.units_of(obj)])

    def delete_model(self, request, obj):
        units = self.units_of(obj)
        super().delete_model(request, obj)
        rollup.refresh_units(units)

    def delete_queryset(self, request, queryset):
        units = {unit for obj in queryset for unit in self.units_of(obj)}
        super().delete_queryset(request, queryset)
        rollup.refresh_units(units)


@admin.register(Solution)
class SolutionAdmin(RollupInStepMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "business_unit", "owner", "status", "go_live_on"]
    list_filter = ["kind", "status"]
    list_select_related = ["business_unit", "owner"]
    search_fields = ["name", "external_id"]
    autocomplete_fields = ["business_unit", "owner"]

    def units_of(self, obj) -> list[int]:
        return [obj.business_unit_id]


@admin.register(ValueRecord)
class ValueRecordAdmin(RollupInStepMixin, admin.ModelAdmin):
    list_display = ["solution", "month", "hours_saved", "amount", "source"]
    list_filter = ["source", "month"]
    list_select_related = ["solution"]
    search_fields = ["solution__name"]
    raw_id_fields = ["solution", "recorded_by"]

    def units_of(self, obj) -> list[int]:
        return [obj.solution.business_unit_id]


@admin.register(UnitCost)
class UnitCostAdmin(admin.ModelAdmin):
    list_display = ["name", "business_unit", "amount", "measure", "is_staff_hour"]
    list_select_related = ["business_unit"]


@admin.register(ProgrammeCost)
class ProgrammeCostAdmin(admin.ModelAdmin):
    list_display = ["kind", "business_unit", "starts_on", "ends_on", "amount"]
    list_select_related = ["business_unit"]
