"""Role mappings and department rules, edited in the admin; the department rules' list also shows
the departments that no rule maps yet. The admin's password form follows LOCAL_PASSWORD_SIGN_IN."""

from django.contrib import admin

from accounts.services import audit_record

from .forms import AdminLocalSignInForm, DepartmentRuleForm, RoleMappingForm
from .models import DepartmentRule, RoleMapping

# With password sign-in turned off, /admin/login/ serves superusers only, like the sign-in page.
admin.site.login_form = AdminLocalSignInForm


class AuditedAdmin(admin.ModelAdmin):
    """Changes to the rules decide people's roles: each one is an audit row, as on our page."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        verb = "changed" if change else "added"
        audit_record(actor=request.user, verb=f"entra_{obj._meta.model_name}_{verb}", target=obj)

    def delete_model(self, request, obj):
        audit_record(actor=request.user, verb=f"entra_{obj._meta.model_name}_removed", target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(RoleMapping)
class RoleMappingAdmin(AuditedAdmin):
    form = RoleMappingForm
    list_display = ["value", "kind", "role", "note"]
    list_filter = ["kind", "role"]
    search_fields = ["value", "note"]


@admin.register(DepartmentRule)
class DepartmentRuleAdmin(AuditedAdmin):
    form = DepartmentRuleForm
    list_display = ["department", "business_unit"]
    list_select_related = ["business_unit"]
    search_fields = ["department", "business_unit__name"]
    autocomplete_fields = ["business_unit"]
    change_list_template = "entra/admin/departmentrule_changelist.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "unmapped": DepartmentRule.objects.unmapped_departments(),
        }
        return super().changelist_view(request, extra_context=extra_context)
