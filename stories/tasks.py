"""Background jobs of the stories app: decision e-mails, newsletter sending, and a sweep."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from config.jobs import enqueue_on_commit

from .models import Newsletter
from .services import newsletter_deliver_batch, story_notification_send, unsent_notification_ids

logger = logging.getLogger(__name__)

TRANSIENT = (SMTPException, ConnectionError, TimeoutError)


# Retries wait at most 5 minutes: a message held for a later retry must come back before the
# broker's visibility timeout (time limit + 60 s) hands it to a second worker.
@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=300, max_retries=6)
def story_notify_author_task(notification_id: int) -> None:
    """E-mail an author about a review decision; a duplicate or a retry after success sends
    nothing (the notification row is claimed first)."""
    story_notification_send(notification_id=notification_id)


@shared_task(
    bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=300, max_retries=8
)
def newsletter_send_task(self, newsletter_id: int) -> None:
    """Send one batch of a newsletter issue, then publish itself again for the next batch.
    Every recipient gets the issue at most once (see services.newsletter_deliver_batch)."""
    remaining = newsletter_deliver_batch(newsletter_id=newsletter_id)
    if remaining:
        enqueue_on_commit(newsletter_send_task, newsletter_id)


@shared_task
def stories_sweep_task() -> None:
    """Publish again (through the outbox) what a lost message left behind: decision e-mails never
    claimed, and newsletter issues still sending with pending deliveries."""
    older_than = timezone.now() - timedelta(minutes=10)
    for notification_id in unsent_notification_ids(older_than=older_than):
        enqueue_on_commit(story_notify_author_task, notification_id)
    for newsletter_id in (
        Newsletter.objects.filter(
            status=Newsletter.Status.SENDING,
            send_started_at__lt=older_than,
            deliveries__status="pending",
        )
        .values_list("pk", flat=True)
        .distinct()
    ):
        enqueue_on_commit(newsletter_send_task, newsletter_id)
