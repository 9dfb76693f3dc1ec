"""Background jobs of the ideas app: awarding badges."""

from celery import shared_task

from accounts.models import User

from .badges import badges_award, badges_award_all


@shared_task
def badges_award_task(user_id: int) -> int:
    """Award one person the badges they have earned; a retry or duplicate awards nothing twice."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return len(badges_award(user=user)) if user else 0


@shared_task
def badges_award_all_task() -> int:
    """Check everyone who may have earned a badge (the CoE's "award now", and nightly)."""
    return badges_award_all()
