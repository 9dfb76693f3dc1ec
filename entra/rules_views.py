"""The admin's page for sign-in rules: role mappings, department rules and unmapped departments."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import BusinessUnit
from accounts.policy import PolicyRequiredMixin

from . import conf, services
from .forms import DepartmentRuleForm, RoleMappingForm
from .models import DepartmentRule, RoleMapping


class SignInRulesView(PolicyRequiredMixin, TemplateView):
    """Everything the mappings decide, on one page (a few dozen rules at most)."""

    permission_action = "entra.manage_rules"
    template_name = "entra/rules.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("role_form", RoleMappingForm())
        context.setdefault(
            "department_form",
            DepartmentRuleForm(initial={"department": self.request.GET.get("department", "")}),
        )
        context["department_form"].fields["business_unit"].queryset = BusinessUnit.objects.order_by(
            "name"
        )
        context["mappings"] = RoleMapping.objects.all()
        context["rules"] = DepartmentRule.objects.select_related("business_unit")
        context["unmapped"] = DepartmentRule.objects.unmapped_departments()
        context["entra_enabled"] = conf.is_configured()
        return context


def _page_with_errors(request, **forms):
    """The rules page again, with the invalid form and its errors next to the fields."""
    page = SignInRulesView()
    page.setup(request)
    return page.render_to_response(page.get_context_data(**forms))


class RoleMappingCreateView(PolicyRequiredMixin, View):
    permission_action = "entra.manage_rules"

    def post(self, request):
        form = RoleMappingForm(request.POST)
        if not form.is_valid():
            return _page_with_errors(request, role_form=form)
        services.role_mapping_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Mapping added. It applies at each person's next sign-in."))
        return redirect("entra:rules")


class RoleMappingDeleteView(PolicyRequiredMixin, View):
    permission_action = "entra.manage_rules"

    def post(self, request, uuid):
        mapping = get_object_or_404(RoleMapping, uuid=uuid)
        services.role_mapping_delete(actor=request.user, mapping=mapping)
        messages.success(
            request, _("Mapping removed. Its people lose the role at their next sign-in.")
        )
        return redirect("entra:rules")


class DepartmentRuleCreateView(PolicyRequiredMixin, View):
    permission_action = "entra.manage_rules"

    def post(self, request):
        form = DepartmentRuleForm(request.POST)
        if not form.is_valid():
            return _page_with_errors(request, department_form=form)
        services.department_rule_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Rule added. It applies at each person's next sign-in."))
        return redirect("entra:rules")


class DepartmentRuleDeleteView(PolicyRequiredMixin, View):
    permission_action = "entra.manage_rules"

    def post(self, request, uuid):
        rule = get_object_or_404(DepartmentRule, uuid=uuid)
        services.department_rule_delete(actor=request.user, rule=rule)
        messages.success(request, _("Rule removed."))
        return redirect("entra:rules")
