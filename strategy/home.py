"""Home-page panels of the strategy app (see config.navigation.HOME_PANELS)."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config import figures_cache

from .models import KeyResult, Plan

PANEL_ROWS = 6


def check_in_due_panel(request) -> str:
    """For CoE leads: key results across active plans whose check-in is overdue."""
    due = KeyResult.objects.visible_to(request.user).check_in_due(timezone.localdate())
    rows = list(due[: PANEL_ROWS + 1])
    return render_to_string(
        "strategy/_check_in_due_panel.html",
        {
            "key_results": rows[:PANEL_ROWS],
            "more": len(rows) > PANEL_ROWS,
            "title": _("Check-ins due"),
            "empty": _("Every running key result has a recent check-in."),
        },
        request=request,
    )


def my_key_results_panel(request) -> str | None:
    """For makers: the key results they own that wait for a check-in (nothing if they own none)."""
    today = timezone.localdate()
    owned = KeyResult.objects.alive().owned_by(request.user)
    if not owned.exists():
        return None
    rows = list(KeyResult.objects.check_in_due(today).owned_by(request.user)[: PANEL_ROWS + 1])
    return render_to_string(
        "strategy/_check_in_due_panel.html",
        {
            "key_results": rows[:PANEL_ROWS],
            "more": len(rows) > PANEL_ROWS,
            "title": _("My key results to check in"),
            "empty": _("You are up to date with your key results."),
        },
        request=request,
    )


def plans_panel(request) -> str:
    """For executives (and admins): the active plans with their progress, read-only. Every
    signed-in person reads every plan (PlanQuerySet.visible_to), so the rows are the same for
    all readers of a language: kept under the figures version (config.figures_cache)."""

    def rows() -> list[dict]:
        plans = Plan.objects.visible_to(request.user).active().for_list()[:PANEL_ROWS]
        return [
            {
                "title": plan.title,
                "get_absolute_url": plan.get_absolute_url(),
                "scope_label": str(plan.scope_label),
                "progress": plan.progress(),
            }
            for plan in plans
        ]

    plans = figures_cache.cached(f"home-plans:{get_language()}", rows)
    return render_to_string("strategy/_plans_panel.html", {"plans": plans}, request=request)
