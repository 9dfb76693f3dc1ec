"""`{{ value|kr_value:kr }}`: a key result's (or KPI's) figure with its unit, no trailing zeros."""

from django import template

from strategy.models import format_value

register = template.Library()


@register.filter
def kr_value(value, owner) -> str:
    """Format `value` in the unit of `owner` (a KeyResult or Kpi); milestones read done/not done."""
    if getattr(owner, "kind", None) == "milestone":
        return "Done" if value is not None and value >= 1 else "Not done"
    return format_value(value, owner.unit, getattr(owner, "currency", ""))
