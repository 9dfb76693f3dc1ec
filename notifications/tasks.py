"""Background jobs: the reminder run (beat), delivering the outbox, and a sweep."""

import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import KombuError, OperationalError

from config.jobs import enqueue_on_commit

from . import services

BATCH = 200
logger = logging.getLogger(__name__)


@shared_task
def notification_deliver_task(notification_id: int) -> None:
    """Deliver one outbox row now; a duplicate or a retry after success finds it claimed or sent
    and does nothing (services.deliver_one). Failures are recorded on the row, not raised."""
    services.deliver_one(notification_id=notification_id)


@shared_task
def notifications_deliver_task() -> None:
    """Deliver a batch of due rows, then publish itself again while more are due (a reminder run
    for 10,000 people goes out in batches of 200)."""
    if services.deliver_pending(limit=BATCH) >= BATCH:
        enqueue_on_commit(notifications_deliver_task)


@shared_task
def reminders_run_task() -> None:
    """Beat: put every reminder owed now in the outbox and publish delivery. Safe to run twice or
    in two beat processes at once (unique outbox rows)."""
    services.reminders_run()


@shared_task
def notifications_sweep_task() -> None:
    """Beat: deliver rows whose publish was lost or whose retry delay has passed, and fail rows
    whose worker died mid-send."""
    services.stuck_fail()
    services.deliver_pending(limit=BATCH)


def notification_deliver_later(notification_id: int, delay: float) -> None:
    """After commit, publish the delivery of one row to run in `delay` seconds (a retry that
    honours the webhook's Retry-After). A failed publish only delays it: the minute sweep
    delivers every due row anyway."""

    def publish() -> None:
        try:
            notification_deliver_task.apply_async(args=(notification_id,), countdown=delay)
        except (OperationalError, KombuError, OSError, TimeoutError):
            logger.warning("Could not publish a retry; the sweep will deliver it.", exc_info=True)

    transaction.on_commit(publish)
