"""The weekly CoE digest: its sections, one function each, listed in DIGEST_SECTIONS.

Extension point: another app adds a section by appending the dotted path of a function
`section(now) -> dict | None` to DIGEST_SECTIONS (one line, like config.navigation.HOME_PANELS).
A section is {"title": str, "count": int, "rows": [[label, value], ...], "link": path,
"empty": text shown when count is 0}; None leaves it out. Ideas waiting for triage are meant to be
added this way by the ideas app ("ideas.digest.ideas_waiting")."""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DIGEST_SECTIONS: list[str] = [
    "notifications.digest.stories_waiting",
    "notifications.digest.assessments_due",
    "notifications.digest.reports_failed",
]
ROWS_SHOWN = 10


def stories_waiting(now: datetime) -> dict:
    """Stories submitted or in review, oldest first, with how many days they have waited."""
    from stories.models import Story

    waiting = Story.objects.filter(
        status__in=[Story.Status.SUBMITTED, Story.Status.IN_REVIEW]
    ).order_by("submitted_at", "pk")
    rows = [
        [
            story.title,
            ngettext("%(days)s day, %(status)s", "%(days)s days, %(status)s", _days(now, story))
            % {
                "days": _days(now, story),
                "status": story.get_status_display().lower(),
            },
        ]
        for story in waiting.only("title", "submitted_at", "status")[:ROWS_SHOWN]
    ]
    return {
        "title": _("Stories waiting for review"),
        "count": waiting.count(),
        "rows": rows,
        "link": reverse("stories:story_review_queue"),
        "empty": _("No story is waiting."),
    }


def _days(now: datetime, story) -> int:
    return (now - story.submitted_at).days if story.submitted_at else 0


def assessments_due(now: datetime) -> dict:
    """Assessment subjects (units) due within two weeks or overdue, soonest first."""
    from adoption.services import due_subjects

    due = due_subjects(within_days=14)
    today = timezone.localdate(now)
    rows = [
        [
            str(item.subject),
            (_("overdue since %s") if item.due_on < today else _("due %s"))
            % date_format(item.due_on, "DATE_FORMAT"),
        ]
        for item in due[:ROWS_SHOWN]
    ]
    return {
        "title": _("Assessments due or overdue"),
        "count": len(due),
        "rows": rows,
        "link": reverse("adoption:assessment_list"),
        "empty": _("No assessment is due."),
    }


def reports_failed(now: datetime) -> dict:
    """Report snapshots that failed to generate or to be e-mailed in the last seven days."""
    from django.db.models import Q

    from reports.models import ReportSnapshot

    failed = (
        ReportSnapshot.objects.filter(created_at__gte=now - timedelta(days=7))
        .filter(Q(status=ReportSnapshot.Status.FAILED) | ~Q(mail_error=""))
        .select_related("definition")
        .order_by("-created_at")
    )
    rows = [
        [
            f"{snapshot.definition.name} ({snapshot.period_start:%d %b %Y})",
            (snapshot.error or snapshot.mail_error)[:120],
        ]
        for snapshot in failed[:ROWS_SHOWN]
    ]
    return {
        "title": _("Reports that failed"),
        "count": failed.count(),
        "rows": rows,
        "link": reverse("reports:definition_list"),
        "empty": _("No report failed."),
    }


def sections(now: datetime) -> list[dict]:
    """Every section of the digest, computed once per run (the same for every CoE lead)."""
    result = []
    for path in DIGEST_SECTIONS:
        section = import_string(path)(now)
        if section is not None:
            result.append(section)
    return result
