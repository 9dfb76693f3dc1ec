from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, BusinessUnit, Organisation, User
from .policy import ROLE_GROUPS
from .services import audit_record


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "currency"]

    def has_add_permission(self, request):
        return not Organisation.objects.exists()


@admin.register(BusinessUnit)
class BusinessUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "leader"]
    list_select_related = ["parent", "leader"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "leader"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "business_unit", "is_active"]
    list_filter = ["groups", "is_active", "business_unit"]
    list_select_related = ["business_unit"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("business_unit", "job_title")}),
        (_("Preferences"), {"fields": ("language", "time_zone")}),
        # Linking a local account to its Microsoft Entra ID identity (see README, entra).
        ("Microsoft Entra ID", {"fields": ("entra_tenant_id", "entra_object_id", "department")}),
    )
    autocomplete_fields = ["business_unit"]

    def save_related(self, request, form, formsets, change):
        # Role changes are audited: compare the role groups before and after the form saves them.
        role_names = set(ROLE_GROUPS.values())
        user = form.instance
        before = set(user.groups.filter(name__in=role_names).values_list("name", flat=True))
        super().save_related(request, form, formsets, change)
        after = set(user.groups.filter(name__in=role_names).values_list("name", flat=True))
        if before != after:
            audit_record(
                actor=request.user,
                verb="roles_changed",
                target=user,
                before=sorted(before),
                after=sorted(after),
            )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "verb", "target_type", "target_repr"]
    list_filter = ["verb", "target_type"]
    search_fields = ["target_repr", "verb"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
