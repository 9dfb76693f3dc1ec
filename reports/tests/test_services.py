import csv
import io
import json
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from reports import services
from reports.exports import neutralise
from reports.models import ReportDefinition, ReportSnapshot
from reports.tasks import snapshot_build_task
from value.tests.factories import ValueRecordFactory

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def test_definition_save_schedules_it_in_beat(coe_lead, unit):
    definition = services.definition_save(
        definition=ReportDefinition(),
        actor=coe_lead,
        data={"name": "Monthly ROI", "kind": "roi", "cadence": "monthly", "recipients": ""},
    )
    task = PeriodicTask.objects.get(pk=definition.periodic_task_id)
    assert task.task == "reports.tasks.report_run_due_task"
    assert json.loads(task.args) == [str(definition.uuid)]
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("0", "6", "1")
    assert definition.period_length == "month"

    services.definition_save(
        definition=definition,
        actor=coe_lead,
        data={"cadence": "cron", "cron_expression": "30 7 * * 1", "is_active": False},
    )
    task.refresh_from_db()
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "7", "1")
    assert task.enabled is False
    assert PeriodicTask.objects.filter(task=services.RUN_DUE_TASK).count() == 1


def test_last_complete_period(definition):
    assert services.last_complete_period(definition, date(2026, 4, 1)) == Q1
    assert services.last_complete_period(definition, date(2026, 6, 30)) == Q1
    definition.period_length = "month"
    assert services.last_complete_period(definition, date(2026, 3, 1)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert services.past_periods(definition, date(2026, 3, 1), 3)[-1] == (
        date(2025, 12, 1),
        date(2025, 12, 31),
    )


def test_same_period_twice_gives_one_snapshot_and_one_publish(
    definition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first, created = services.snapshot_request(definition=definition, start=Q1[0], end=Q1[1])
        second, created_again = services.snapshot_request(
            definition=definition, start=Q1[0], end=Q1[1]
        )
    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert ReportSnapshot.objects.count() == 1
    assert len(callbacks) == 1


def test_rollback_publishes_nothing(definition, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                services.snapshot_request(definition=definition, start=Q1[0], end=Q1[1])
                raise RuntimeError("the request failed after the snapshot was created")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not ReportSnapshot.objects.exists()


def test_database_refuses_a_second_snapshot_for_the_period(definition):
    from django.db import IntegrityError, transaction

    ReportSnapshot.objects.create(definition=definition, period_start=Q1[0], period_end=Q1[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportSnapshot.objects.create(definition=definition, period_start=Q1[0], period_end=Q1[1])


def _generated(definition):
    snapshot, _ = services.snapshot_request(definition=definition, start=Q1[0], end=Q1[1])
    return services.snapshot_generate(snapshot.pk)


def test_generate_freezes_numbers_and_renders_files(definition, roi_data):
    snapshot = _generated(definition)
    assert snapshot.status == ReportSnapshot.Status.DONE
    totals = snapshot.data["totals"]
    # value 3,010; cost 5,000 build + 3 x 200 running = 5,600
    assert (totals["value"], totals["cost"], totals["net"]) == ("3010.00", "5600.00", "-2590.00")
    assert totals["roi_pct"] == "-46.3"  # -2,590 / 5,600 = -46.25 %, half-up (not to even)
    pdf = snapshot.pdf_file.read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    assert b"Invoice approvals" in snapshot.html_file.read()

    # A second run finds it done and claims nothing; new records do not change the snapshot.
    ValueRecordFactory(solution=roi_data, month=date(2026, 3, 1), amount=Decimal("5000"))
    assert services.snapshot_generate(snapshot.pk) is None
    snapshot.refresh_from_db()
    assert snapshot.data["totals"]["value"] == "3010.00"
    assert snapshot.attempts == 1


def test_csv_parses_back_to_the_same_figures(definition, roi_data):
    snapshot = _generated(definition)
    text = snapshot.csv_file.read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    total = rows[0]
    assert total["section"] == "total"
    for column in ("value", "cost", "net", "roi_pct", "build_cost", "running_cost"):
        assert total[column] == snapshot.data["totals"][column]
    months = [row for row in rows if row["section"] == "month"]
    assert [row["value"] for row in months] == ["1000.00", "1010.00", "1000.00"]
    solutions = {row["name"]: row for row in rows if row["section"] == "solution"}
    # The formula-looking name is neutralised; negative numbers stay numbers.
    assert '\'=HYPERLINK("http://x")' in solutions
    assert solutions["Invoice approvals"]["net"].startswith("-")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2600.00", "-2600.00"),
        ("Plain", "Plain"),
        (None, ""),
    ],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def test_mail_is_sent_once(definition, roi_data):
    snapshot = _generated(definition)
    assert services.snapshot_send(snapshot.pk) is True
    assert services.snapshot_send(snapshot.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sponsor@example.org", "cfo@example.org"]
    assert "Value delivered: €3,010.00" in message.body
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".pdf") and content.startswith(b"%PDF") and mimetype == "application/pdf"


def test_unreachable_mail_server_is_retried_and_sends_once(definition, roi_data, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    snapshot, _ = services.snapshot_request(definition=definition, start=Q1[0], end=Q1[1])
    # Called directly, a task's retry re-raises the error (a worker would schedule the retry).
    with pytest.raises(OSError):
        snapshot_build_task(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == ReportSnapshot.Status.DONE
    assert snapshot.sent_at is None
    assert "Connection refused" in snapshot.mail_error or "Errno" in snapshot.mail_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    snapshot_build_task(snapshot.pk)
    snapshot_build_task(snapshot.pk)  # a duplicate delivery
    snapshot.refresh_from_db()
    assert snapshot.sent_at is not None
    assert len(mail.outbox) == 1
    assert snapshot.attempts == 1


def test_failure_is_recorded_with_its_reason(definition, client, executive):
    # A kind this code does not know (e.g. a row from a newer release): fails without retrying.
    ReportDefinition.objects.filter(pk=definition.pk).update(kind="nps")
    snapshot, _ = services.snapshot_request(definition=definition, start=Q1[0], end=Q1[1])
    with pytest.raises(services.ReportStateError):
        snapshot_build_task(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == ReportSnapshot.Status.FAILED
    assert "Unknown report kind 'nps'" in snapshot.error
    client.force_login(executive)
    assert b"Unknown report kind" in client.get(definition.get_absolute_url()).content


def test_sweep_republishes_snapshots_whose_message_was_lost(
    definition, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    services.snapshot_request(definition=definition, start=Q1[0], end=Q1[1])
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.snapshots_sweep() == 0  # just created: give the worker time
        later = timezone.now() + timedelta(minutes=5)
        assert services.snapshots_sweep(now=later) == 1
    assert len(callbacks) == 1


def _killed_mid_run(definition, *, seconds_ago: int, attempts: int = 1) -> ReportSnapshot:
    """A snapshot whose worker claimed it and then died (its last heartbeat `seconds_ago`)."""
    from django.utils import timezone

    snapshot, _ = services.snapshot_request(definition=definition, start=Q1[0], end=Q1[1])
    then = timezone.now() - timedelta(seconds=seconds_ago)
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(
        status="running", claimed_at=then, heartbeat_at=then, attempts=attempts
    )
    snapshot.refresh_from_db()
    return snapshot


def test_a_run_without_heartbeat_is_handed_to_another_worker_once(
    definition, settings, django_capture_on_commit_callbacks
):
    settings.REPORTS_STALE_SECONDS = 20
    snapshot = _killed_mid_run(definition, seconds_ago=5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.snapshots_recover() == 0  # still beating: a slow run, not a lost one
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(
        heartbeat_at=snapshot.heartbeat_at - timedelta(seconds=16)
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.snapshots_recover() == 1
        assert services.snapshots_recover() == 0  # a second sweep finds nothing to hand over
    assert len(callbacks) == 1
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.attempts) == ("pending", 1)
    assert "stopped" in snapshot.error
    assert services.snapshot_claim(snapshot.pk) == 2
    assert services.snapshot_claim(snapshot.pk) is None


def test_a_run_that_lost_its_worker_too_often_fails_with_its_reason(definition, settings):
    settings.REPORTS_STALE_SECONDS = 20
    snapshot = _killed_mid_run(definition, seconds_ago=60, attempts=services.MAX_ATTEMPTS)
    assert services.snapshots_recover() == 0
    snapshot.refresh_from_db()
    assert snapshot.status == "failed"
    assert snapshot.error == "The worker generating this report stopped (6 attempts)."


def test_a_retry_replaces_the_files_of_the_killed_attempt(definition, roi_data, media_root):
    from django.core.files.storage import default_storage

    snapshot = _killed_mid_run(definition, seconds_ago=60)
    folder = f"reports/{snapshot.uuid}"
    # What the killed attempt had written when it died: the HTML, and half a PDF.
    default_storage.save(f"{folder}/roi-2026-01.html", io.BytesIO(b"<p>half</p>"))
    default_storage.save(f"{folder}/roi-2026-01.pdf", io.BytesIO(b"%PDF-1.7 trunc"))
    assert services.snapshots_recover() == 1
    snapshot = services.snapshot_generate(snapshot.pk)
    assert snapshot.attempts == 2
    assert sorted(default_storage.listdir(folder)[1]) == [
        "roi-2026-01.csv",
        "roi-2026-01.html",
        "roi-2026-01.pdf",
    ]
    assert snapshot.html_file.name == f"{folder}/roi-2026-01.html"
    assert b"Invoice approvals" in snapshot.html_file.read()
    assert len(snapshot.pdf_file.read()) > 2000


@pytest.mark.django_db(transaction=True)
def test_a_running_generation_stamps_its_heartbeat(settings, media_root):
    from reports.tests.factories import ReportDefinitionFactory

    settings.REPORTS_HEARTBEAT_SECONDS = 0.05
    definition = ReportDefinitionFactory()
    snapshot, _ = services.snapshot_request(definition=definition, start=Q1[0], end=Q1[1])
    attempt = services.snapshot_claim(snapshot.pk)
    claimed_beat = ReportSnapshot.objects.get(pk=snapshot.pk).heartbeat_at
    with services.snapshot_heartbeat(snapshot.pk, attempt):
        time.sleep(0.4)
    assert ReportSnapshot.objects.get(pk=snapshot.pk).heartbeat_at > claimed_beat
    # The heartbeat of an attempt that lost its claim stamps nothing.
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(attempts=attempt + 1)
    last_beat = ReportSnapshot.objects.get(pk=snapshot.pk).heartbeat_at
    with services.snapshot_heartbeat(snapshot.pk, attempt):
        time.sleep(0.2)
    assert ReportSnapshot.objects.get(pk=snapshot.pk).heartbeat_at == last_beat


def test_a_scheduled_run_that_beat_could_not_publish_is_requested_by_the_sweep(
    coe_lead, unit, media_root, django_capture_on_commit_callbacks
):
    from datetime import datetime

    from django.utils import timezone

    def at(*args):
        return timezone.make_aware(datetime(*args))

    def define(name, cadence, created_at):
        definition = services.definition_save(
            definition=ReportDefinition(),
            actor=coe_lead,
            data={"name": name, "kind": "roi", "cadence": cadence, "recipients": ""},
        )
        ReportDefinition.objects.filter(pk=definition.pk).update(created_at=created_at)

    define("Quarterly ROI", "quarterly", created_at=at(2026, 1, 10, 9, 0))
    # Beat runs it on 1 April at 06:00; the broker was down then, so nothing was published.
    assert services.definitions_missed(now=at(2026, 4, 1, 5, 59)) == 0  # not due yet
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.definitions_missed(now=at(2026, 4, 1, 6, 5)) == 1
        assert services.definitions_missed(now=at(2026, 4, 1, 6, 10)) == 0  # requested once
    assert len(callbacks) == 1
    snapshot = ReportSnapshot.objects.get()
    assert (snapshot.period_start, snapshot.period_end) == Q1

    # Created after its schedule fired for March: it waits for its next run (1 May).
    define("Monthly ROI", "monthly", created_at=at(2026, 4, 1, 6, 30))
    assert services.definitions_missed(now=at(2026, 4, 20, 12, 0)) == 0
    assert services.definitions_missed(now=at(2026, 5, 1, 6, 1)) == 1


def test_no_heartbeat_inside_a_callers_transaction(definition, settings):
    # The demo seeding generates inside its transaction: a heartbeat thread would wait for the
    # row lock the caller holds (a hang on PostgreSQL, "database is locked" on SQLite).
    import threading

    settings.REPORTS_HEARTBEAT_SECONDS = 0.01
    snapshot, _ = services.snapshot_request(definition=definition, start=Q1[0], end=Q1[1])
    attempt = services.snapshot_claim(snapshot.pk)
    with services.snapshot_heartbeat(snapshot.pk, attempt):
        time.sleep(0.05)
        beating = [t.name for t in threading.enumerate() if t.name.startswith("snapshot-")]
    assert beating == []


def test_csv_tells_own_and_below_apart_and_month_rows_have_no_payback(unit):
    """Finance's own solution (built for 1,000, worth 500 a month) beside Payables below it
    (no build cost, 200 a month), Q1 2026: no two unit rows named alike, no 0.0 payback."""
    from accounts.tests.factories import BusinessUnitFactory
    from reports.exports import roi_csv
    from value import figures
    from value.tests.factories import SolutionFactory

    payables = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    own = SolutionFactory(
        business_unit=unit,
        go_live_on=date(2025, 12, 1),
        build_hours=Decimal("20"),
        build_hourly_rate=Decimal("50"),
    )
    below = SolutionFactory(business_unit=payables, go_live_on=date(2025, 12, 1))
    for month in (1, 2, 3):
        ValueRecordFactory(solution=own, month=date(2026, month, 1), amount=Decimal("500"))
        ValueRecordFactory(solution=below, month=date(2026, month, 1), amount=Decimal("200"))
    data = figures.roi_figures(unit, date(2026, 1, 1), date(2026, 3, 31)).as_dict()
    text = roi_csv({**data, "scope": "Finance"}).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    units = {row["name"]: row for row in rows if row["section"] == "unit"}
    assert set(units) == {"Finance (own solutions only)", "Payables"}
    # Own: investment 1,000 / monthly benefit 500 = 2.0 months; Payables: nothing to pay back.
    assert units["Finance (own solutions only)"]["payback_months"] == "2.0"
    assert units["Payables"]["payback_months"] == ""
    assert [row["payback_months"] for row in rows if row["section"] == "month"] == ["", "", ""]
    # The total: investment 1,000 / ((1,500 + 600) / 3 = 700) = 1.43 → 1.4 months.
    assert (rows[0]["name"], rows[0]["payback_months"]) == ("Finance", "1.4")
