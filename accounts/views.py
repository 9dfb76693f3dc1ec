from django.utils.module_loading import import_string
from django.views.generic import DetailView, ListView, TemplateView

from config.navigation import HOME_PANELS

from .models import BusinessUnit
from .policy import PolicyRequiredMixin, primary_role


class HomeView(TemplateView):
    """The start page: panels chosen by the user's highest role."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = primary_role(self.request.user)
        panels = [import_string(path)(self.request) for path in HOME_PANELS.get(role or "", [])]
        context["role"] = role
        context["panels"] = [panel for panel in panels if panel]
        return context


class BusinessUnitListView(PolicyRequiredMixin, ListView):
    """The organisation's units as an indented tree."""

    permission_action = "accounts.view_directory"
    template_name = "accounts/business_unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return BusinessUnit.objects.with_depth()


class BusinessUnitDetailView(PolicyRequiredMixin, DetailView):
    permission_action = "accounts.view_directory"
    template_name = "accounts/business_unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):
        return BusinessUnit.objects.select_related("parent", "leader")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.select_related("leader")
        context["members"] = self.object.members.filter(is_active=True).prefetch_related("groups")
        return context


class ProfileView(TemplateView):
    """The signed-in user's own details and roles."""

    template_name = "accounts/profile.html"
