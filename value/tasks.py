"""Celery tasks of the value app."""

from celery import shared_task
from django.db import OperationalError

from . import rollup


@shared_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=3)
def rollup_rebuild_task() -> int:
    """Recompute the monthly roll-up from scratch (safe to run twice: it replaces every row)."""
    return rollup.rebuild()
