"""Home-page panel of the value app (see config.navigation.HOME_PANELS)."""

from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.home import organisation_of
from config import figures_cache

from . import figures
from .views import default_period


def home_figures(request, today: date | None = None) -> dict:
    """The organisation's figures that the home page shows, computed once per request: the last
    twelve complete months (this panel) and this quarter to the end of this month (the
    dashboard's panel), in one pass over the roll-up."""
    if not hasattr(request, "_home_value_figures"):
        today = today or timezone.localdate()
        twelve = default_period(today)
        quarter = (figures.quarter_of(today)[0], figures.month_end(today))
        twelve_totals, quarter_totals = figures_cache.cached(
            f"home-value:{today.isoformat()}",
            lambda: figures.periods_figures(None, [twelve, quarter]),
        )
        request._home_value_figures = {
            "twelve_months": twelve,
            "twelve_months_totals": twelve_totals,
            "quarter": quarter,
            "quarter_totals": quarter_totals,
        }
    return request._home_value_figures


def value_panel(request) -> str:
    """Value delivered in the last twelve complete months against its cost (executives, CoE)."""
    shared = home_figures(request)
    start, end = shared["twelve_months"]
    return render_to_string(
        "value/_value_panel.html",
        {
            "totals": shared["twelve_months_totals"],
            "start": start,
            "end": end,
            "currency": organisation_of(request).currency,
        },
        request=request,
    )
