"""Background jobs of the inventory app: previewing and committing import runs."""

from celery import shared_task

from . import services


@shared_task(soft_time_limit=1800, time_limit=1900)
def run_preview_task(run_id: int) -> None:
    """Preview one import run (safe to run twice: the run is claimed first)."""
    services.run_preview(run_id=run_id)


@shared_task(soft_time_limit=1800, time_limit=1900)
def run_commit_task(run_id: int) -> None:
    """Commit one confirmed import run (safe to run twice: it acts only while COMMITTING)."""
    services.run_commit(run_id=run_id)
