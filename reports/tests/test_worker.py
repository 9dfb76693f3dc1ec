"""A real Celery worker, fed through the local Redis, generating a due report from PostgreSQL."""

import json
import time

import kombu.pools
import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection

from accounts.models import User
from reports import services
from reports.models import ReportDefinition, ReportSnapshot

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_app_on_redis():
    """Point the project's Celery app at the test Redis for the test, then restore it."""
    if not django_settings.TEST_REDIS_URL:
        pytest.skip("needs REDIS_URL (a local Redis)")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker thread must see the test's committed rows")
    from config.celery import app

    saved = {
        key: app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }
    _forget_connections(app)
    app.conf.update(
        broker_url=django_settings.TEST_REDIS_URL,
        broker_transport_options={"socket_timeout": 5, "socket_connect_timeout": 2},
        task_always_eager=False,
    )
    app.control.purge()  # no stray messages from earlier runs in this Redis database
    yield app
    _forget_connections(app)
    app.conf.update(saved)


def _forget_connections(app) -> None:
    """Close every pooled broker connection and producer, so that the next publish connects
    to whatever broker the configuration names (earlier tests cached the in-memory one)."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def _wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize(
    ("kind", "csv_header"), [("roi", "section,name,value"), ("kpi", "section,plan,objective")]
)
def test_due_report_produces_snapshot_files_and_one_email(
    celery_app_on_redis, settings, tmp_path, unit, kind, csv_header
):
    from celery.contrib.testing.worker import start_worker

    import reports.tasks  # noqa: F401 - registers the tasks with the app

    settings.MEDIA_ROOT = tmp_path
    actor = User.objects.create(username="coe-worker")
    definition = services.definition_save(
        definition=ReportDefinition(),
        actor=actor,
        data={
            "name": f"Quarterly {kind.upper()}",
            "kind": kind,
            "cadence": "quarterly",
            "recipients": "sponsor@example.org",
        },
    )
    mail.outbox = []
    task = definition.periodic_task
    with start_worker(
        celery_app_on_redis, pool="solo", perform_ping_check=False, shutdown_timeout=20
    ):
        # What beat does when the schedule is due, twice (a duplicate firing).
        for _ in range(2):
            celery_app_on_redis.send_task(task.task, args=json.loads(task.args))
        assert _wait_for(lambda: ReportSnapshot.objects.filter(sent_at__isnull=False).exists()), (
            ReportSnapshot.objects.values("status", "error", "mail_error").first()
        )
        time.sleep(1)  # let the duplicate finish too
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.status == ReportSnapshot.Status.DONE
    assert snapshot.attempts == 1
    assert snapshot.pdf_file.read().startswith(b"%PDF")
    assert snapshot.csv_file.read().decode("utf-8-sig").startswith(csv_header)
    assert f"Quarterly {kind.upper()}".encode() in snapshot.html_file.read()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sponsor@example.org"]
    assert mail.outbox[0].attachments[0][1].startswith(b"%PDF")
