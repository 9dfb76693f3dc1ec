"""Background jobs of the inventory app: previewing and committing import runs."""

from datetime import timedelta

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
    for run_id in pending:
        run_preview_task.delay(run_id)
    for run_id in committing:
        run_commit_task.delay(run_id)
    return len(pending) + len(committing)
