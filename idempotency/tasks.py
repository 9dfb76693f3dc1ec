"""Background job of the idempotency app: forget old form tokens."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import FormToken

# A form left open longer than this and then sent twice is not guarded any more; a week covers
# any tab left open over a weekend.
KEEP = timedelta(days=7)


@shared_task
def form_tokens_prune_task() -> int:
    """Delete tokens older than a week; returns how many (safe to run twice)."""
    deleted, _ = FormToken.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted
