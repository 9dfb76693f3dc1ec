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
