"""Celery tasks of the reports app. Each takes ids only and is safe to run twice."""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError as DatabaseOperationalError
from django.utils import timezone
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as BrokerOperationalError

from . import services
from .models import ReportDefinition

logger = logging.getLogger(__name__)

# Errors worth trying again: the database, the broker or the mail server did not answer, or a
# file could not be written. Anything else is a bug or bad data and fails at once, with its reason.
TRANSIENT_ERRORS = (DatabaseOperationalError, BrokerOperationalError, SMTPException, OSError)
MAX_RETRIES = 5


def backoff(retries: int) -> int:
    """Seconds before retry number `retries` + 1: 10, 20, 40, 80, 160."""
    return min(10 * 2**retries, 600)


@shared_task
def report_run_due_task(definition_uuid: str) -> None:
    """Run by beat on the definition's schedule: request the snapshot of the last complete
    period (which publishes its generation once)."""
    definition = ReportDefinition.objects.filter(uuid=definition_uuid, is_active=True).first()
    if definition is None:
        return  # deleted or paused since beat loaded its schedule
    start, end = services.last_complete_period(definition, timezone.localdate())
    services.snapshot_request(definition=definition, start=start, end=end)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def snapshot_build_task(self, snapshot_id: int) -> None:
    """Generate the snapshot (if nobody has) and mail it (if not yet mailed). Transient errors
    are retried with backoff; other errors, and the last failed retry, mark it failed."""
    try:
        services.snapshot_generate(snapshot_id)
    except TRANSIENT_ERRORS as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if self.request.retries >= self.max_retries:
            services.snapshot_fail(
                snapshot_id,
                reason=gettext("Gave up after retries. %(reason)s") % {"reason": reason},
            )
            return
        services.snapshot_release(snapshot_id, reason=reason)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    except Exception as exc:
        services.snapshot_fail(snapshot_id, reason=f"{type(exc).__name__}: {exc}")
        raise
    try:
        services.snapshot_send(snapshot_id)
    except TRANSIENT_ERRORS as exc:
        reason = f"{type(exc).__name__}: {exc}"
        services.snapshot_mail_failed(snapshot_id, reason=reason)
        if self.request.retries >= self.max_retries:
            return
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task
def snapshots_sweep_task() -> int:
    """Every few minutes (see CELERY_BEAT_SCHEDULE): re-publish stuck snapshots, and request
    the ones whose scheduled run beat could not publish."""
    return services.snapshots_sweep() + services.definitions_missed()


@shared_task
def snapshots_recover_task() -> int:
    """Every 15 seconds (see CELERY_BEAT_SCHEDULE): hand runs of dead workers to another."""
    return services.snapshots_recover()


@shared_task
def dashboards_prepare_task() -> int:
    """Every minute (see CELERY_BEAT_SCHEDULE): prepare again the dashboards executives open
    first whose data changed (reports.prepared)."""
    from .prepared import prepare_dashboards

    return prepare_dashboards()
