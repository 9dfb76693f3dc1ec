"""The dashboard's panels as HTML, made from its figures alone: the same for every reader, so the
page keeps them in the cache and reports.prepared renders them ahead of the first reader."""

from datetime import date

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from . import dashboard


def render_panels(data: dict) -> str:
    """The panels of the page for `data` (dashboard_figures()), in the active language. No
    request: nothing in them depends on the reader."""
    return render_to_string(
        "reports/dashboard/_panels.html", {"data": data, "charts": chart_data(data), "links": True}
    )


def chart_data(data: dict) -> dict:
    """What the three charts draw, as numbers (the tables show the same figures as text)."""
    number = dashboard.as_number
    areas = data["maturity"]["areas"]
    months = data["value"]["by_month"]
    units = data["value"]["by_unit"]
    targets = [row["target"] for row in areas]
    return {
        "currency": data["currency"],
        "locale": get_language() or "en-gb",
        "labels": {
            "current": gettext("Current score"),
            "target": gettext("Target"),
            "value": gettext("Value"),
            "cost": gettext("Cost"),
            "projected": gettext("Business case"),
        },
        "radar": {
            "labels": [row["area"] for row in areas],
            "current": [row["score"] for row in areas],
            # Only series with data are drawn: no target set, no "Target" in the legend.
            "target": targets if any(t is not None for t in targets) else None,
        },
        "trend": {
            "labels": [
                date_format(date.fromisoformat(row["month"]), "YEAR_MONTH_FORMAT") for row in months
            ],
            "value": [number(row["value"]) for row in months],
            "cost": [number(row["cost"]) for row in months],
            "projected": [number(row["projected_value"]) for row in months],
        },
        "units": {
            "labels": [row.get("label", row["unit"]) for row in units],
            "value": [number(row["value"]) for row in units],
        },
    }
