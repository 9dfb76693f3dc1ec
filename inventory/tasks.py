"""Background jobs of the inventory app: previewing and committing import runs."""

from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from . import services
from .models import ImportRun


@shared_task(soft_time_limit=1800, time_limit=1900)
def run_preview_task(run_id: int) -> None:
    """Preview one import run (safe to run twice: the run is claimed first)."""
    services.run_preview(run_id=run_id)


@shared_task(soft_time_limit=1800, time_limit=1900)
def run_commit_task(run_id: int) -> None:
    """Commit one confirmed import run (safe to run twice: it acts only while COMMITTING)."""
    services.run_commit(run_id=run_id)


@shared_task
def runs_sweep_task() -> int:
    """Publish again the tasks of runs left waiting (a failed publish, a lost worker): both
    tasks act only on a run still in their status, so publishing twice does no harm."""
    older_than = timezone.now() - timedelta(minutes=10)
    stuck = ImportRun.objects.filter(created_at__lt=older_than)
    pending = list(stuck.filter(status=ImportRun.Status.PENDING).values_list("pk", flat=True))
    committing = list(stuck.filter(status=ImportRun.Status.COMMITTING).values_list("pk", flat=True))
    # A worker killed mid-preview leaves its run holding the lock: past the tasks' time limit it
    # cannot be working any more, so it fails and frees the lock for the next import.
    ImportRun.objects.filter(
        status=ImportRun.Status.PREVIEWING,
        started_at__lt=timezone.now() - timedelta(hours=2),
    ).update(
        status=ImportRun.Status.FAILED,
        lock="",
        error="The preview stopped (worker lost); start the import again.",
        finished_at=timezone.now(),
    )
    for run_id in pending:
        run_preview_task.delay(run_id)
    for run_id in committing:
        run_commit_task.delay(run_id)
    return len(pending) + len(committing)


@shared_task(soft_time_limit=3600, time_limit=3700)
def run_sync_task(run_id: int) -> None:
    """Fetch from the inventory API and preview one sync run (claimed first: safe twice)."""
    services.run_sync(run_id=run_id)


@shared_task
def inventory_sync_task() -> int | None:
    """The nightly sync: does nothing until an admin has connected the inventory API."""
    from .models import ApiConnection

    connection = ApiConnection.objects.filter(pk=1).first()
    if connection is None or not connection.is_connected:
        return None
    return services.sync_create(actor=None).pk


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=6,
)
def welcome_send_task() -> int:
    """Send the waiting welcome e-mails (each claimed first: a retry sends nothing twice)."""
    from .welcome import welcome_send_pending

    return welcome_send_pending()
