"""The outbox dispatcher, run by beat (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import jobs_dispatch


@shared_task(ignore_result=True)
def jobs_dispatch_task() -> int:
    """Publish the jobs whose publish after commit failed (the broker was down or hung)."""
    return jobs_dispatch()
