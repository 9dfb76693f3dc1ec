"""The home-page panel that leads executives and the CoE to the dashboard (HOME_PANELS)."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.home import organisation_of
from accounts.policy import can
from config import figures_cache
from value.home import home_figures

from .dashboard import DEFAULT_PERIOD, PERIODS, _maturity, _strategy, period_bounds, period_label


def dashboard_panel(request) -> str | None:
    """This quarter at a glance for the whole organisation, with a link to the dashboard: value
    and ROI (shared with the value panel: one pass over the roll-up for both), the maturity
    level and plan progress, by the dashboard's own rules. Five queries, none of them repeated
    by the other panels."""
    if not can(request.user, "reports.view_dashboard"):
        return None
    today = timezone.localdate()
    start, end = period_bounds(DEFAULT_PERIOD, today, None)
    shared = home_figures(request, today)
    context = {
        "period_name": PERIODS[DEFAULT_PERIOD],
        "period_label": period_label(start, end),
        "currency": organisation_of(request).currency,
        "totals": shared["quarter_totals"],
        **figures_cache.cached(
            f"home-dashboard:{today.isoformat()}",
            lambda: {
                "maturity_level": _maturity(None, end)["level"],
                "progress": _strategy(None, today)["progress"],
            },
        ),
    }
    return render_to_string("reports/dashboard/_home_panel.html", context, request=request)
