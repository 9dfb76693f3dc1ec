from django.contrib import admin

from .models import Answer, Assessment, Question, QuestionBank, QuestionOption, Subject, Target


class QuestionOptionInline(admin.TabularInline):
    model = QuestionOption
    extra = 0
    max_num = 5


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Editing a question changes new assessments only: started ones keep their own copy."""

    list_display = ["key", "text", "area", "order", "is_active"]
    list_filter = ["area", "is_active"]
    list_select_related = ["area"]
    search_fields = ["key", "text"]
    inlines = [QuestionOptionInline]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "cadence_days"]
    list_select_related = ["business_unit"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    fields = ["question_key", "question_text", "level", "is_unsure", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only: assessments are answered and submitted in the application."""

    list_display = ["__str__", "status", "submitted_at", "model_version", "is_imported"]
    list_filter = ["status", "is_imported"]
    list_select_related = ["subject__business_unit", "model_version"]
    readonly_fields = [
        "uuid",
        "subject",
        "model_version",
        "status",
        "title",
        "revision",
        "started_by",
        "submitted_by",
        "submitted_at",
        "is_imported",
    ]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["subject", "area", "level", "target_on"]
    list_select_related = ["subject__business_unit", "area"]


admin.site.register(QuestionBank)
