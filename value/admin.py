from django.contrib import admin

from .models import ProgrammeCost, Solution, UnitCost, ValueRecord


@admin.register(Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "business_unit", "owner", "status", "go_live_on"]
    list_filter = ["kind", "status"]
    list_select_related = ["business_unit", "owner"]
    search_fields = ["name", "external_id"]
    autocomplete_fields = ["business_unit", "owner"]


@admin.register(ValueRecord)
class ValueRecordAdmin(admin.ModelAdmin):
    list_display = ["solution", "month", "hours_saved", "amount", "source"]
    list_filter = ["source", "month"]
    list_select_related = ["solution"]
    search_fields = ["solution__name"]
    raw_id_fields = ["solution", "recorded_by"]


@admin.register(UnitCost)
class UnitCostAdmin(admin.ModelAdmin):
    list_display = ["name", "business_unit", "amount", "measure", "is_staff_hour"]
    list_select_related = ["business_unit"]


@admin.register(ProgrammeCost)
class ProgrammeCostAdmin(admin.ModelAdmin):
    list_display = ["kind", "business_unit", "starts_on", "ends_on", "amount"]
    list_select_related = ["business_unit"]
