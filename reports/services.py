"""Writes for report definitions and snapshots: schedules, generation, rendering and mail.

A snapshot goes PENDING -> RUNNING -> DONE (or FAILED with its reason). Every step is guarded by
the database so that a duplicated or retried task does nothing twice: one snapshot per
(definition, period) by a unique constraint, generation claimed by a conditional update, the
numbers frozen once, and the mail sent under a row lock that checks `sent_at`.

A RUNNING snapshot carries a heartbeat stamped by its worker; when the worker dies (killed, out of
memory) the heartbeat stops and `snapshots_recover` hands the run to another worker within
seconds. The claim's attempt number fences the final write, and the files have fixed names per
snapshot, so a retry overwrites what the dead attempt left instead of writing beside it."""

import gc
import json
import logging
import os
import socket
import threading
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from accounts.models import Organisation, User
from accounts.services import audit_record
from config.jobs import enqueue_on_commit
from value import figures

from . import kpi
from .exports import report_csv
from .models import ReportDefinition, ReportSnapshot

logger = logging.getLogger(__name__)

RUN_DUE_TASK = "reports.tasks.report_run_due_task"
# When beat runs monthly and quarterly reports: 06:00 on the first day of the period after.
CADENCE_CRON = {
    ReportDefinition.Cadence.MONTHLY: "0 6 1 * *",
    ReportDefinition.Cadence.QUARTERLY: "0 6 1 1,4,7,10 *",
}
# A snapshot still PENDING after this long lost its message (a failed publish waits in the outbox).
PENDING_GRACE = timedelta(minutes=2)
# After this many claims (transient retries and lost workers together) a run is marked failed
# rather than handed over again: a report that kills its worker every time must stop somewhere.
MAX_ATTEMPTS = 6


class ReportStateError(Exception):
    """The snapshot is not in a state that allows the requested step."""


# Definitions and their schedules ------------------------------------------------------------


def cron_of(definition: ReportDefinition) -> str:
    if definition.cadence == ReportDefinition.Cadence.CRON:
        return definition.cron_expression.strip()
    return CADENCE_CRON[definition.cadence]


def definition_sync_schedule(definition: ReportDefinition) -> PeriodicTask:
    """Create or update the definition's PeriodicTask (django-celery-beat) so that beat runs it
    on its cadence, enabled only while the definition is active."""
    minute, hour, day_of_month, month_of_year, day_of_week = cron_of(definition).split()
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone=settings.TIME_ZONE,
    )
    task, _created = PeriodicTask.objects.update_or_create(
        name=f"Report {definition.uuid}",
        defaults={
            "task": RUN_DUE_TASK,
            "crontab": crontab,
            "interval": None,
            "args": json.dumps([str(definition.uuid)]),
            "enabled": definition.is_active,
            "description": f"{definition.name} ({definition.get_kind_display()})",
        },
    )
    if definition.periodic_task_id != task.pk:
        ReportDefinition.objects.filter(pk=definition.pk).update(periodic_task=task)
        definition.periodic_task = task
    return task


@transaction.atomic
def definition_save(*, definition: ReportDefinition, actor: User, data: dict) -> ReportDefinition:
    """Create or update a definition from validated data and bring its schedule in step."""
    created = definition.pk is None
    for name, value in data.items():
        setattr(definition, name, value)
    if created:
        definition.created_by = actor
        # Scheduled reports are written in the language of whoever set them up.
        definition.language = definition.language or active_language()
    if definition.cadence == ReportDefinition.Cadence.MONTHLY:
        definition.period_length = ReportDefinition.PeriodLength.MONTH
    elif definition.cadence == ReportDefinition.Cadence.QUARTERLY:
        definition.period_length = ReportDefinition.PeriodLength.QUARTER
    if definition.cadence != ReportDefinition.Cadence.CRON:
        definition.cron_expression = ""
    definition.full_clean()
    definition.save()
    definition_sync_schedule(definition)
    audit_record(
        actor=actor,
        verb="report_definition_created" if created else "report_definition_changed",
        target=definition,
        cadence=cron_of(definition),
    )
    return definition


def active_language() -> str:
    """The language being used now (a request's: the person's choice, else the browser's)."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def snapshot_language(snapshot: ReportSnapshot) -> str:
    """The language a snapshot's files and e-mail are written in."""
    return snapshot.language or snapshot.definition.language or settings.LANGUAGE_CODE


# Periods ------------------------------------------------------------------------------------


def period_containing(definition: ReportDefinition, day: date) -> tuple[date, date]:
    if definition.period_length == ReportDefinition.PeriodLength.QUARTER:
        return figures.quarter_of(day)
    return figures.month_start(day), figures.month_end(day)


def last_complete_period(definition: ReportDefinition, today: date) -> tuple[date, date]:
    """The most recent month or quarter that has ended before `today`."""
    start, _end = period_containing(definition, today)
    return period_containing(definition, start - timedelta(days=1))


def past_periods(definition: ReportDefinition, today: date, count: int = 24) -> list[tuple]:
    """The last `count` complete periods, newest first (for "generate now")."""
    periods, (start, end) = [], last_complete_period(definition, today)
    for _step in range(count):
        periods.append((start, end))
        start, end = period_containing(definition, start - timedelta(days=1))
    return periods


# Snapshots ----------------------------------------------------------------------------------


def snapshot_request(
    *, definition: ReportDefinition, start: date, end: date, requested_by: User | None = None
) -> tuple[ReportSnapshot, bool]:
    """Get or create the snapshot of `definition` for the period and publish its generation
    after commit when it is new, or failed earlier (a retry from the UI). Returns (snapshot,
    created). Safe against two callers at once: the unique constraint decides the winner."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                snapshot = ReportSnapshot.objects.create(
                    definition=definition,
                    period_start=start,
                    period_end=end,
                    requested_by=requested_by,
                    # On demand: the language of the person asking; scheduled: the definition's.
                    language=active_language() if requested_by else definition.language,
                )
            created = True
        except IntegrityError:
            snapshot = ReportSnapshot.objects.get(
                definition=definition, period_start=start, period_end=end
            )
            created = False
        retry = (
            not created
            and ReportSnapshot.objects.filter(
                pk=snapshot.pk, status=ReportSnapshot.Status.FAILED
            ).update(status=ReportSnapshot.Status.PENDING, error="")
            == 1
        )
        if created or retry:
            from .tasks import snapshot_build_task

            snapshot.refresh_from_db()
            enqueue_on_commit(snapshot_build_task, snapshot.pk)
    return snapshot, created


def snapshot_claim(snapshot_id: int) -> int | None:
    """Take a PENDING snapshot for generation: it becomes RUNNING, stamped with this worker and
    a first heartbeat. Returns the attempt number (the token that fences this attempt's final
    write), or None when another worker has it or it is finished."""
    now = timezone.now()
    claimed = ReportSnapshot.objects.filter(
        pk=snapshot_id, status=ReportSnapshot.Status.PENDING
    ).update(
        status=ReportSnapshot.Status.RUNNING,
        claimed_at=now,
        heartbeat_at=now,
        claimed_by=f"{socket.gethostname()}:{os.getpid()}"[:100],
        attempts=F("attempts") + 1,
    )
    if claimed != 1:
        return None
    return ReportSnapshot.objects.values_list("attempts", flat=True).get(pk=snapshot_id)


@contextmanager
def snapshot_heartbeat(snapshot_id: int, attempt: int):
    """While the block runs, stamp the claim's heartbeat every REPORTS_HEARTBEAT_SECONDS from a
    thread with its own database connection. A worker that dies stops stamping, which is how
    `snapshots_recover` tells a lost run from a slow one. Inside a caller's transaction (the demo
    seeding generates synchronously) there is no heartbeat: nobody else sees the claim, and the
    thread would wait for the row lock that the caller holds."""
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.REPORTS_HEARTBEAT_SECONDS):
                ReportSnapshot.objects.filter(
                    pk=snapshot_id, status=ReportSnapshot.Status.RUNNING, attempts=attempt
                ).update(heartbeat_at=timezone.now())
        except Exception:
            logger.exception("Heartbeat of report snapshot %s stopped", snapshot_id)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"snapshot-{snapshot_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def snapshot_release(snapshot_id: int, *, reason: str) -> None:
    """Give a claimed snapshot back (before a retry after a transient error)."""
    ReportSnapshot.objects.filter(pk=snapshot_id, status=ReportSnapshot.Status.RUNNING).update(
        status=ReportSnapshot.Status.PENDING,
        error=(gettext("Retrying after: %(reason)s") % {"reason": reason})[:2000],
    )


def snapshot_fail(snapshot_id: int, *, reason: str) -> None:
    """Mark generation as failed, with its reason for the report page."""
    ReportSnapshot.objects.filter(pk=snapshot_id).exclude(status=ReportSnapshot.Status.DONE).update(
        status=ReportSnapshot.Status.FAILED, error=reason[:2000]
    )
    logger.error("Report snapshot %s failed: %s", snapshot_id, reason)


def report_data(definition: ReportDefinition, start: date, end: date) -> dict:
    """The numbers of one report, as JSON-safe data (frozen into the snapshot). A KPI report
    reads the previous report of the definition for its changes. Raises ReportStateError for
    an unknown kind."""
    unit = definition.scope_unit
    data = {
        "kind": definition.kind,
        "title": definition.name,
        "scope": unit.name if unit else Organisation.current().name,
        "currency": Organisation.current().currency,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
    if definition.kind == ReportDefinition.Kind.ROI:
        data.update(figures.roi_figures(unit, start, end).as_dict())
    elif definition.kind == ReportDefinition.Kind.KPI:
        previous = kpi.previous_report(definition, start)
        data.update(kpi.kpi_figures(unit, start, end, previous=previous))
    else:
        raise ReportStateError(gettext("Unknown report kind %(kind)r.") % {"kind": definition.kind})
    return data


def render_html(data: dict, *, for_print: bool = False) -> str:
    """The report as a web page; `for_print`: the leaner layout its PDF is made from."""
    return render_to_string("reports/document.html", {"data": data, "for_print": for_print})


def render_pdf(html: str) -> bytes:
    # WeasyPrint logs every rendering step at INFO (some while it is imported); only its
    # warnings matter to an operator.
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from weasyprint import HTML  # imported here: loading WeasyPrint costs ~0.5 s

    with _collections_paused():
        return HTML(string=html).write_pdf()


@contextmanager
def _collections_paused():
    """WeasyPrint makes millions of short-lived objects, and in a process that holds Django's
    (a worker, a web process) every collection of the oldest generation walks those too: a
    quarter of the time of a 500-row PDF. Collections wait until the PDF is written (measured:
    the same peak memory within a few MB, as its boxes live until then anyway)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _write_file(snapshot: ReportSnapshot, field_name: str, filename: str, content: bytes) -> str:
    """Store one output file under its fixed name for this snapshot, replacing what an earlier
    attempt (killed mid-run) left there; returns the stored name."""
    field = snapshot._meta.get_field(field_name)
    name = field.generate_filename(snapshot, filename)
    field.storage.delete(name)  # nothing there is fine
    return field.storage.save(name, ContentFile(content))


def snapshot_generate(snapshot_id: int) -> ReportSnapshot | None:
    """Generate a claimed snapshot: freeze its numbers (once: a retry reuses them), render the
    HTML, PDF and CSV files and mark it DONE. Returns None when the claim failed (someone else
    has it, or it is done already) or when this attempt lost its claim to another worker."""
    attempt = snapshot_claim(snapshot_id)
    if attempt is None:
        return None
    with snapshot_heartbeat(snapshot_id, attempt):
        snapshot = ReportSnapshot.objects.select_related("definition__scope_unit").get(
            pk=snapshot_id
        )
        if snapshot.data is None:
            snapshot.data = report_data(
                snapshot.definition, snapshot.period_start, snapshot.period_end
            )
            ReportSnapshot.objects.filter(pk=snapshot.pk, data__isnull=True).update(
                data=snapshot.data
            )
            snapshot.refresh_from_db(fields=["data"])
        slug = f"{snapshot.definition.kind}-{snapshot.period_start:%Y-%m}"
        # Headers, labels, dates and numbers in the language of whoever asked for the report.
        with translation.override(snapshot_language(snapshot)):
            html = render_html(snapshot.data)
            printed = render_html(snapshot.data, for_print=True)
            files = {
                "html_file": _write_file(snapshot, "html_file", f"{slug}.html", html.encode()),
                "pdf_file": _write_file(snapshot, "pdf_file", f"{slug}.pdf", render_pdf(printed)),
                "csv_file": _write_file(
                    snapshot, "csv_file", f"{slug}.csv", report_csv(snapshot.data)
                ),
            }
    finished = ReportSnapshot.objects.filter(
        pk=snapshot_id, status=ReportSnapshot.Status.RUNNING, attempts=attempt
    ).update(**files, status=ReportSnapshot.Status.DONE, generated_at=timezone.now(), error="")
    if finished != 1:
        return None  # our heartbeat stalled and another attempt took over; it writes the same files
    snapshot.refresh_from_db()
    return snapshot


def snapshot_send(snapshot_id: int) -> bool:
    """E-mail the recipients a summary with the PDF attached, once. The row lock and the
    `sent_at` check make a duplicate or retried task send nothing; when sending fails the
    transaction rolls back and `sent_at` stays empty for the retry. Returns True if sent."""
    with transaction.atomic():
        snapshot = (
            ReportSnapshot.objects.select_for_update()
            .select_related("definition")
            .get(pk=snapshot_id)
        )
        recipients = snapshot.definition.recipient_list
        if snapshot.sent_at or snapshot.status != ReportSnapshot.Status.DONE or not recipients:
            return False
        data = snapshot.data
        with translation.override(snapshot_language(snapshot)):
            body = render_to_string("reports/email.txt", {"data": data, "snapshot": snapshot})
            subject = _("%(report)s: %(period)s") % {
                "report": snapshot.definition.name,
                "period": snapshot.period_label,
            }
        message = EmailMessage(subject=subject, body=body, to=recipients)
        with snapshot.pdf_file.open("rb") as pdf:
            message.attach(snapshot.pdf_file.name.rsplit("/", 1)[-1], pdf.read(), "application/pdf")
        message.send()
        snapshot.sent_at = timezone.now()
        snapshot.mail_error = ""
        snapshot.save(update_fields=["sent_at", "mail_error"])
    return True


def snapshot_mail_failed(snapshot_id: int, *, reason: str) -> None:
    ReportSnapshot.objects.filter(pk=snapshot_id, sent_at__isnull=True).update(
        mail_error=reason[:2000]
    )


def snapshots_recover(now=None) -> int:
    """Hand runs whose worker died to another worker: a RUNNING snapshot without a heartbeat for
    REPORTS_STALE_SECONDS goes back to PENDING (a conditional update, so one sweep wins) and its
    generation is published through the outbox; after MAX_ATTEMPTS claims it is FAILED with
    its reason instead. Returns how many were handed over. Cheap: one indexed query when idle."""
    from .tasks import snapshot_build_task

    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.REPORTS_STALE_SECONDS)
    lost = ReportSnapshot.objects.filter(
        status=ReportSnapshot.Status.RUNNING, heartbeat_at__lt=stale_before
    )
    handed = 0
    for snapshot_id, attempts in lost.values_list("pk", "attempts")[:100]:
        still_lost = ReportSnapshot.objects.filter(
            pk=snapshot_id,
            status=ReportSnapshot.Status.RUNNING,
            attempts=attempts,
            heartbeat_at__lt=stale_before,
        )
        if attempts >= MAX_ATTEMPTS:
            if still_lost.update(
                status=ReportSnapshot.Status.FAILED,
                error=gettext("The worker generating this report stopped (%(attempts)s attempts).")
                % {"attempts": attempts},
            ):
                logger.error("Report snapshot %s failed: worker lost", snapshot_id)
            continue
        with transaction.atomic():
            if still_lost.update(
                status=ReportSnapshot.Status.PENDING,
                error=gettext("The worker generating this report stopped; another one takes over."),
            ):
                enqueue_on_commit(snapshot_build_task, snapshot_id)
                handed += 1
    return handed


def definitions_missed(now=None) -> int:
    """Request the snapshot that a definition's schedule should have produced but did not: the
    schedule fired after the last complete period ended (and after the definition was created),
    yet that period has no snapshot, because beat could not publish at the due minute (broker
    down or hung). Without this the report would wait a whole period. Returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    definitions = list(
        ReportDefinition.objects.filter(is_active=True, periodic_task__crontab__isnull=False)
        .select_related("periodic_task__crontab")
        .order_by("pk")
    )
    periods = {d.pk: last_complete_period(d, today) for d in definitions}
    if not periods:
        return 0
    have = Q()
    for definition_id, (start, end) in periods.items():
        have |= Q(definition_id=definition_id, period_start=start, period_end=end)
    done = set(ReportSnapshot.objects.filter(have).values_list("definition_id", flat=True))
    requested = 0
    for definition in definitions:
        start, end = periods[definition.pk]
        if definition.pk in done:
            continue
        period_over = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        since = max(period_over, definition.created_at)
        schedule = definition.periodic_task.crontab.schedule
        fired_from, until_next, _last = schedule.remaining_delta(since)
        if fired_from + until_next <= now:
            snapshot_request(definition=definition, start=start, end=end)
            requested += 1
    return requested


def snapshots_sweep(now=None) -> int:
    """Publish again what a lost message left behind: snapshots pending for a while, or done but
    not yet mailed. Returns how many. (Lost workers are `snapshots_recover`'s.)"""
    from .tasks import snapshot_build_task

    now = now or timezone.now()
    stuck = ReportSnapshot.objects.filter(
        Q(status=ReportSnapshot.Status.PENDING, created_at__lt=now - PENDING_GRACE)
        | Q(
            status=ReportSnapshot.Status.DONE,
            sent_at__isnull=True,
            generated_at__lt=now - PENDING_GRACE,
            generated_at__gt=now - timedelta(days=2),
        )
        & ~Q(definition__recipients="")
    ).values_list("pk", flat=True)
    ids = list(stuck[:500])
    for snapshot_id in ids:
        enqueue_on_commit(snapshot_build_task, snapshot_id)
    return len(ids)
