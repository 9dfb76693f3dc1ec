from django.contrib import admin

from .models import Area, AreaLevel, Level, ModelVersion, Opportunity


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "is_current", "loaded_at"]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "summary"]


class AreaLevelInline(admin.StackedInline):
    model = AreaLevel
    extra = 0


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "section", "order"]
    list_filter = ["section"]
    inlines = [AreaLevelInline]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["text", "level", "area", "order"]
    list_filter = ["level", "area"]
    list_select_related = ["level", "area"]
    search_fields = ["text"]
