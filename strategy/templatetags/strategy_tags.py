"""`{{ value|kr_value:kr }}`: a key result's (or KPI's) figure with its unit, no trailing zeros."""

from django import template
from django.utils.translation import gettext

from strategy.models import format_value

register = template.Library()


@register.filter
def kr_value(value, owner) -> str:
    """Format `value` in the unit of `owner` (a KeyResult or Kpi); milestones read done/not done."""
    if value is None:
        return "—"  # no check-in (or measurement) yet
    if getattr(owner, "kind", None) == "milestone":
        return gettext("Done") if value >= 1 else gettext("Not done")
    return format_value(value, owner.unit, getattr(owner, "currency", ""))


@register.simple_tag(takes_context=True)
def open_plans(context):
    """Draft and active plans, for "plan the gap" links on an assessment result; empty for users
    who may not edit plans."""
    from accounts.policy import can
    from strategy.models import Plan

    if not can(context["request"].user, "strategy.edit_plan"):
        return []
    return list(Plan.objects.exclude(status=Plan.Status.CLOSED).order_by("title")[:10])
