"""The home-page panel of CoE leads and admins: assessments that are due (HOME_PANELS)."""

from django.template.loader import render_to_string

from accounts.policy import can

from .services import due_subjects


def due_panel(request) -> str | None:
    """Subjects whose re-assessment is due within two weeks or overdue, and open drafts."""
    if not can(request.user, "adoption.create_assessment"):
        return None
    return render_to_string(
        "adoption/_due_panel.html", {"due": due_subjects(within_days=14)}, request=request
    )


def latest_results_panel(request) -> str | None:
    """For executives: the organisation's latest submitted result and its change."""
    from .models import Assessment
    from .services import assessment_deltas, assessment_score

    latest = (
        Assessment.objects.visible_to(request.user)
        .submitted()
        .filter(subject__business_unit__isnull=True)
        .for_list()
        .with_answers()
        .first()
    )
    if latest is None:
        return None
    previous, _ = assessment_deltas(latest)
    score = assessment_score(latest)
    before = assessment_score(previous).overall_level if previous else None
    return render_to_string(
        "adoption/_latest_results_panel.html",
        {"assessment": latest, "score": score, "previous_level": before},
        request=request,
    )
