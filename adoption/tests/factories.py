"""Helpers that build assessments through the real services."""

import datetime

from django.utils import timezone

from adoption import services
from adoption.models import Assessment


def start(*, user, unit=None, title="") -> Assessment:
    return services.assessment_start(subject=services.subject_for(unit), user=user, title=title)


def answer_all(assessment: Assessment, level: int | None = None, *, by_area=None, note="") -> None:
    """Set every answer to `level`, or per area from `by_area` {area_key: level or "unsure"}.
    Writes rows directly: these are fixtures, the service is tested on its own."""
    for answer in assessment.answers.select_related("area"):
        value = (by_area or {}).get(answer.area.key, level)
        answer.level = value if isinstance(value, int) else None
        answer.is_unsure = value == "unsure"
        answer.note = note
        answer.save(update_fields=["level", "is_unsure", "note"])


def submit(assessment: Assessment, *, user, days_ago: int | None = None) -> Assessment:
    assessment = services.assessment_submit(assessment=assessment, user=user)
    if days_ago is not None:
        when = timezone.now() - datetime.timedelta(days=days_ago)
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=when)
        assessment.refresh_from_db()
    return assessment
