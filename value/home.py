"""Home-page panel of the value app (see config.navigation.HOME_PANELS)."""

from datetime import date

from django.template.loader import render_to_string

from accounts.models import Organisation

from . import figures
from .views import default_period


def value_panel(request) -> str:
    """Value delivered in the last twelve complete months against its cost (executives, CoE)."""
    start, end = default_period(date.today())
    totals = figures.period_figures(None, start, end)
    return render_to_string(
        "value/_value_panel.html",
        {
            "totals": totals,
            "start": start,
            "end": end,
            "currency": Organisation.current().currency,
        },
        request=request,
    )
