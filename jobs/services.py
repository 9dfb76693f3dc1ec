"""The outbox: background work is recorded in the database with the data it belongs to, then
handed to the broker. Nothing depends on a publish succeeding.

- `job_enqueue` writes a Job row in the caller's transaction and publishes it after commit,
  with a short bound (the broker socket and connect timeouts in settings, no publish retry), so
  a web request never waits more than about half a second on a broker that is down or hung.
- When that publish fails, the row stays waiting and this process skips publishing for a few
  seconds (a request that enqueues several jobs pays the wait once).
- `jobs_dispatch`, run by beat every few seconds, publishes what is still waiting, oldest first,
  so queued work starts within a minute of the broker's return.

A job may be published twice (a crash between the publish and the row update): every task is
idempotent by its own database guard, so a duplicate does nothing twice."""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Job

logger = logging.getLogger(__name__)

# Until this monotonic time, publishing after commit is skipped: the broker just failed, and the
# dispatcher will publish the waiting rows once it answers again.
_skip_until = 0.0


def job_enqueue(task_name: str, args=(), kwargs: dict | None = None) -> Job:
    """Record a job in the current transaction and publish it once the transaction commits (a
    rollback leaves neither the row nor a message). Arguments must be plain JSON."""
    job = Job.objects.create(task=task_name, args=list(args), kwargs=kwargs or {})
    transaction.on_commit(lambda: _publish_after_commit(job.pk))
    return job


def _publish_after_commit(job_id: int) -> None:
    # Runs inside the request that saved the data: whatever goes wrong, the row is committed and
    # the dispatcher publishes it later, so never turn a saved form into an error page.
    if time.monotonic() < _skip_until:
        return
    try:
        job_publish(job_id)
    except Exception:
        logger.exception("Could not publish job %s; the dispatcher will retry it.", job_id)


def _send(job: Job) -> None:
    from config.celery import app

    # retry=False: one attempt, bounded by the broker timeouts in settings (see README). A task
    # this process knows goes through apply_async, which honours task_always_eager (tests).
    task = app.tasks.get(job.task)
    if task is not None:
        task.apply_async(args=job.args, kwargs=job.kwargs, retry=False)
    else:
        app.send_task(job.task, args=job.args, kwargs=job.kwargs, retry=False)


def job_publish(job_id: int) -> bool | None:
    """Hand one waiting job to the broker and mark it published. Returns True when published,
    False when the broker refused or did not answer (the row records the error), None when the
    job is gone, published already or being published by another process (its row is locked)."""
    global _skip_until
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, published_at__isnull=True)
            .first()
        )
        if job is None:
            return None
        try:
            _send(job)
        except Exception as error:  # any failure leaves the job waiting for the dispatcher
            _skip_until = time.monotonic() + settings.JOBS_BROKER_BACKOFF_SECONDS
            Job.objects.filter(pk=job.pk).update(
                attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:255]
            )
            logger.warning("Broker did not take job %s (%s): %s", job.pk, job.task, error)
            return False
        Job.objects.filter(pk=job.pk).update(published_at=timezone.now())
    return True


def jobs_dispatch(*, limit: int = 500) -> int:
    """Publish waiting jobs, oldest first, stopping at the first broker failure (the next run
    tries again). Also forgets jobs published more than JOBS_KEEP_PUBLISHED_DAYS ago. Returns
    how many were published."""
    global _skip_until
    published = 0
    for job_id in Job.objects.waiting().order_by("pk").values_list("pk", flat=True)[:limit]:
        outcome = job_publish(job_id)
        if outcome is False:
            break
        published += bool(outcome)
    if published:
        _skip_until = 0.0  # the broker answers again: publish after commit at once
    old = timezone.now() - timedelta(days=settings.JOBS_KEEP_PUBLISHED_DAYS)
    Job.objects.filter(published_at__lt=old).delete()
    return published


def job_is_waiting(task_name: str, *args) -> bool:
    """Whether a job of `task_name` with these arguments is still waiting for the broker: what
    a page says after an action ("queued" rather than "started")."""
    return Job.objects.waiting().for_task(task_name, *args).exists()
