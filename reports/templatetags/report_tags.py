from datetime import date, datetime

from django import template
from django.utils.translation import gettext_lazy as _

from reports.schedules import describe_schedule

register = template.Library()

TRENDS = {"better": _("better"), "worse": _("worse"), "unchanged": _("unchanged")}


@register.filter
def schedule_in_words(definition) -> str:
    """{{ definition|schedule_in_words }}: "monthly, on the 1st at 06:00"."""
    return describe_schedule(definition)


@register.filter
def as_date(value):
    """{{ data.end|as_date|date:"DATE_FORMAT" }}: a report's frozen ISO date ("2026-02-28") or
    timestamp back as a date or datetime, so the named, locale-aware formats apply. Anything
    else is returned as it is."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    return value


@register.filter
def trend_label(value) -> str:
    """The frozen trend key of a KPI ("better", "worse", "unchanged") in the reader's language."""
    return TRENDS.get(value, value or "—")
