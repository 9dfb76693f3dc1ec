"""Failures heal themselves, proven with a real Redis of the test's own, a real Celery worker and
beat: a hung broker (SIGSTOP) neither hangs the page nor loses the work, and the work of a killed
worker (SIGKILL) is done again within a minute, exactly once. Intervals are shrunk through the
beat schedule and settings, nothing is faked."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from celery.beat import EmbeddedService
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.urls import reverse

from accounts.tests.factories import UserFactory
from config.tests.redis_server import celery_broker, private_redis
from jobs import services as jobs_services
from jobs.models import Job
from reports import services as report_services
from reports.models import ReportSnapshot
from reports.tests.factories import ReportDefinitionFactory
from stories import services as story_services
from stories.models import Newsletter, Story
from stories.tests.factories import NewsletterItemFactory, StoryFactory, SubscriptionFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
Q1 = ("2026-01-01", "2026-03-31")


@pytest.fixture
def redis(settings):
    """A private Redis as the broker, with the production transport options."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker must see the test's committed rows")
    with (
        private_redis() as server,
        celery_broker(server.url, settings.REDIS_BROKER_TRANSPORT_OPTIONS),
    ):
        jobs_services._skip_until = 0.0
        yield server
    jobs_services._skip_until = 0.0


@contextmanager
def beat(app, tmp_path, every: float):
    """Beat in a thread, running the outbox dispatcher and the lost-run sweep every `every` s
    (production: 15 s)."""
    saved = app.conf.beat_schedule
    app.conf.beat_schedule = {
        name: {**django_settings.CELERY_BEAT_SCHEDULE[name], "schedule": every, "options": {}}
        for name in ("jobs-dispatch", "reports-recover-lost-runs")
    }
    service = EmbeddedService(
        app,
        thread=True,
        max_interval=every,
        scheduler_cls="celery.beat:PersistentScheduler",
        schedule_filename=str(tmp_path / "beat-schedule"),
    )
    service.start()
    try:
        yield
    finally:
        service.stop()
        app.conf.beat_schedule = saved


def _close_connections(**kwargs):
    connections.close_all()


@contextmanager
def worker_thread(app):
    task_postrun.connect(_close_connections)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        task_postrun.disconnect(_close_connections)


def wait_for(condition, seconds: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def timed_post(client, url, data=None):
    started = time.monotonic()
    response = client.post(url, data or {})
    return response, time.monotonic() - started


def messages_of(client, url) -> list[str]:
    return [str(message) for message in client.get(url).context["messages"]]


def test_a_hung_broker_queues_the_work_and_it_runs_once_when_the_broker_returns(
    redis, client, coe_lead, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    definition = ReportDefinitionFactory(recipients="sponsor@example.org")
    for i in range(3):
        SubscriptionFactory(user=UserFactory(username=f"reader{i}"))
    newsletter = NewsletterItemFactory().newsletter
    story = StoryFactory(author=UserFactory(username="author"), status=Story.Status.IN_REVIEW)
    client.force_login(coe_lead)
    from config.celery import app

    with worker_thread(app), beat(app, tmp_path, every=1.0):
        redis.pause()  # accepts connections, answers nothing
        try:
            generate, generate_seconds = timed_post(
                client,
                reverse("reports:definition_generate", args=[definition.uuid]),
                {"period": "_".join(Q1)},
            )
            report_page = messages_of(client, generate.url)
            send, send_seconds = timed_post(
                client, reverse("stories:newsletter_send", args=[newsletter.uuid])
            )
            newsletter_page = messages_of(client, send.url)
            story_services.story_approve(story=story, reviewer=coe_lead)  # a decision e-mail
            time.sleep(2)  # beat's dispatcher fails against the hung broker meanwhile
            waiting = Job.objects.waiting().count()
        finally:
            redis.resume()
        resumed = time.monotonic()

        snapshot = ReportSnapshot.objects.get()

        def all_done():
            snapshot.refresh_from_db()
            newsletter.refresh_from_db()
            return (
                snapshot.sent_at is not None
                and newsletter.status == Newsletter.Status.SENT
                and len(mail.outbox) == 5
            )

        assert wait_for(all_done, 60), (snapshot.status, newsletter.status)
        recovered_seconds = time.monotonic() - resumed
        time.sleep(1.5)  # room for a duplicate to show up

    assert generate_seconds < 1.0 and send_seconds < 1.0, (generate_seconds, send_seconds)
    assert report_page == [
        f"Queued the report for {snapshot.period_label}; it will start as soon as the job "
        "queue answers."
    ]
    assert newsletter_page == [
        "Queued for 3 subscribers; sending will start as soon as the job queue answers."
    ]
    assert waiting == 3
    assert recovered_seconds < 60
    # Exactly once: one snapshot, generated once, one file set, one e-mail per recipient.
    assert (snapshot.status, snapshot.attempts) == ("done", 1)
    assert len(default_storage.listdir(f"reports/{snapshot.uuid}")[1]) == 3
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == [
        "author@example.org",
        "reader0@example.org",
        "reader1@example.org",
        "reader2@example.org",
        "sponsor@example.org",
    ]
    assert newsletter.sent_count == 3
    assert not Job.objects.waiting().exists()


@contextmanager
def worker_process(broker_url: str, **env):
    """A real `celery worker` (prefork, one child) in its own process group, on the test
    database."""
    database = connection.settings_dict
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-m", "celery", "-A", "config", "-b", broker_url, "worker",
         "--pool", "prefork", "--concurrency", "1", "--without-gossip", "--without-mingle",
         "--loglevel", "WARNING"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": (
                f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
            **env,
        },
        start_new_session=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def test_a_report_whose_worker_was_killed_is_retried_within_a_minute_exactly_once(redis, tmp_path):
    definition = ReportDefinitionFactory(recipients="")
    from config.celery import app

    # The worker stamps a heartbeat every second and a run is lost after 3 s without one
    # (production: 5 s and 20 s).
    with (
        worker_process(redis.url, REPORTS_HEARTBEAT_SECONDS="1", REPORTS_STALE_SECONDS="3"),
        beat(app, tmp_path, every=1.0),
    ):
        snapshot, _ = report_services.snapshot_request(
            definition=definition,
            start=date.fromisoformat(Q1[0]),
            end=date.fromisoformat(Q1[1]),
        )
        folder = f"reports/{snapshot.uuid}"

        def half_written():
            # Mid-report: running, the HTML written, the PDF still being rendered.
            snapshot.refresh_from_db()
            return snapshot.status == "running" and default_storage.exists(
                f"{folder}/roi-2026-01.html"
            )

        assert wait_for(half_written, 60, step=0.02), snapshot.status
        host, pid = snapshot.claimed_by.rsplit(":", 1)
        os.kill(int(pid), signal.SIGKILL)  # the prefork child generating the report
        killed = time.monotonic()

        def done():
            snapshot.refresh_from_db()
            return snapshot.status == "done"

        assert wait_for(done, 60), (snapshot.status, snapshot.error)
        retried_seconds = time.monotonic() - killed
        time.sleep(2)  # the requeued original message and later sweeps must change nothing
        snapshot.refresh_from_db()

    try:
        assert retried_seconds < 60
        assert snapshot.attempts == 2
        assert snapshot.claimed_by != f"{host}:{pid}"
        assert ReportSnapshot.objects.count() == 1
        assert sorted(default_storage.listdir(folder)[1]) == [
            "roi-2026-01.csv",
            "roi-2026-01.html",
            "roi-2026-01.pdf",
        ]
        assert snapshot.pdf_file.read().startswith(b"%PDF")
    finally:
        for name in default_storage.listdir(folder)[1]:
            default_storage.delete(f"{folder}/{name}")
