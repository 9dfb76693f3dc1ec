from django.contrib import admin

from .models import Solution


@admin.register(Solution)
class SolutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "business_unit", "owner", "status", "go_live_on"]
    list_filter = ["kind", "status"]
    list_select_related = ["business_unit", "owner"]
    search_fields = ["name"]
    autocomplete_fields = ["business_unit", "owner"]
