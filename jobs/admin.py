from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["task", "args", "created_at", "published_at", "attempts", "last_error"]
    list_filter = ["task", ("published_at", admin.EmptyFieldListFilter)]
    readonly_fields = [field.name for field in Job._meta.fields]
    show_full_result_count = False
