"""Role mappings and department rules, edited in the admin; the department rules' list also shows
the departments that no rule maps yet. The admin's password form follows LOCAL_PASSWORD_SIGN_IN."""

from django.contrib import admin

from .forms import AdminLocalSignInForm, DepartmentRuleForm, RoleMappingForm
from .models import DepartmentRule, RoleMapping

# With password sign-in turned off, /admin/login/ serves superusers only, like the sign-in page.
admin.site.login_form = AdminLocalSignInForm


@admin.register(RoleMapping)
class RoleMappingAdmin(admin.ModelAdmin):
    form = RoleMappingForm
    list_display = ["value", "kind", "role", "note"]
    list_filter = ["kind", "role"]
    search_fields = ["value", "note"]


@admin.register(DepartmentRule)
class DepartmentRuleAdmin(admin.ModelAdmin):
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
