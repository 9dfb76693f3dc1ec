"""The real thing: Celery beat fires the reminder run, a Celery worker on the local Redis runs it
and delivers the due reminder to a real SMTP server."""

import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.beat import Service
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection, connections
from django.utils import timezone

from config.celery import app
from notifications.models import Notification
from strategy.tests.factories import KeyResultFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _close_connections(**kwargs):
    connections.close_all()


def _reset_pools():
    # Publishing reuses pooled connections to the broker of the moment: drop them when the
    # broker changes (the rest of the suite publishes into memory).
    app._pool, app.amqp._producer_pool = None, None


@contextmanager
def _running(settings, tmp_path, *, with_beat: bool):
    if not settings.TEST_REDIS_URL:
        pytest.skip("needs REDIS_URL: the worker test runs against a real Redis")
    if connection.vendor == "sqlite":
        pytest.skip("the worker thread cannot share an in-memory SQLite test database")
    previous = (
        app.conf.broker_url,
        app.conf.broker_transport_options,
        app.conf.beat_schedule,
    )
    app.conf.broker_url = settings.TEST_REDIS_URL
    app.conf.broker_transport_options = {"socket_timeout": 2, "socket_connect_timeout": 2}
    # The production entry, fired every second instead of every 15 minutes.
    app.conf.beat_schedule = {
        "notifications-reminders": {
            "task": "notifications.tasks.reminders_run_task",
            "schedule": 1.0,
        }
    }
    _reset_pools()
    with app.connection_for_write() as broker:
        app.control.purge(connection=broker)
    task_postrun.connect(_close_connections)
    beat = Service(
        app,
        scheduler_cls="celery.beat:PersistentScheduler",
        schedule_filename=str(tmp_path / "beat-schedule"),
        max_interval=0.5,
    )
    beat_thread = threading.Thread(target=beat.start, daemon=True)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            if with_beat:
                beat_thread.start()
            yield
            if with_beat:
                beat.stop()
                beat_thread.join(timeout=5)
    finally:
        task_postrun.disconnect(_close_connections)
        app.conf.broker_url, app.conf.broker_transport_options, app.conf.beat_schedule = previous
        _reset_pools()


@pytest.fixture
def worker_and_beat(settings, tmp_path):
    with _running(settings, tmp_path, with_beat=True):
        yield


@pytest.fixture
def worker(settings, tmp_path):
    with _running(settings, tmp_path, with_beat=False):
        yield


def wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def due_key_result(settings, maker):
    settings.NOTIFICATIONS_QUIET_HOURS = None  # whatever the hour the suite runs at
    today = timezone.localdate()
    # Weekly, started a week ago, never checked in: due today.
    return KeyResultFactory(
        owner=maker,
        starts_on=today - timedelta(days=7),
        due_on=today + timedelta(days=60),
        title="Makers trained",
    )


# Fixture order matters: the key result exists before beat starts firing.
def test_beat_and_a_worker_deliver_a_due_reminder_once(
    smtp_server, due_key_result, maker, worker_and_beat
):
    assert wait_for(lambda: len(smtp_server.messages) >= 1)
    time.sleep(2.5)  # beat fires twice more meanwhile: nothing new is sent
    [message] = smtp_server.messages
    assert message["To"] == maker.email
    assert message["Subject"] == "Check-in due: Makers trained"
    text = message.get_body(("plain",)).get_content()
    assert f"/strategy/key-results/{due_key_result.uuid}/check-in/" in text
    notification = Notification.objects.get()
    assert notification.status == "sent" and notification.due_on == timezone.localdate()


def test_a_429_is_retried_by_the_worker_after_retry_after(worker, receiver, coe_lead):
    from notifications import services

    receiver.answers.append((429, {"Retry-After": "1"}, 0))
    channel = services.channel_save(
        actor=coe_lead, name="Programme", webhook_url=receiver.url(), route_kinds=[]
    )
    test = services.channel_test(channel=channel, actor=coe_lead)

    def sent():
        test.refresh_from_db()
        return test.status == "sent"

    assert wait_for(sent)
    assert receiver.requests_seen == 2 and test.attempts == 2
    assert len(receiver.cards()) == 1
