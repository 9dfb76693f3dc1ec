"""The home-page panel that leads executives and the CoE to the dashboard (HOME_PANELS)."""

from django.template.loader import render_to_string

from accounts.policy import can

from .dashboard import cached_dashboard_figures


def dashboard_panel(request) -> str | None:
    """This quarter at a glance for the whole organisation, with a link to the dashboard."""
    if not can(request.user, "reports.view_dashboard"):
        return None
    data = cached_dashboard_figures()
    return render_to_string("reports/dashboard/_home_panel.html", {"data": data}, request=request)
