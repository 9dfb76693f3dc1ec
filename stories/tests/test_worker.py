"""The real thing: tasks published after commit to the local Redis and run by a Celery worker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection, connections

from accounts.policy import ROLE_GROUPS
from accounts.tests.factories import UserFactory
from config.celery import app
from stories import services
from stories.models import Newsletter, Story

from .factories import NewsletterItemFactory, StoryFactory, SubscriptionFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def restore_role_groups(django_db_setup, django_db_blocker):
    yield  # the flush after a transactional test removes the migrated role groups
    with django_db_blocker.unblock():
        for name in ROLE_GROUPS.values():
            Group.objects.get_or_create(name=name)


def _close_connections(**kwargs):
    connections.close_all()


def _reset_pools():
    # Publishing reuses pooled connections to the broker of the moment: drop them when the
    # broker changes (the rest of the suite publishes into memory).
    # (Closing them would also close kombu's global producer pools that the next test reuses.)
    app._pool, app.amqp._producer_pool = None, None


@pytest.fixture
def worker(settings, transactional_db):
    if not settings.TEST_REDIS_URL:
        pytest.skip("needs REDIS_URL: the worker test runs against a real Redis")
    if connection.vendor == "sqlite":
        pytest.skip("the worker thread cannot share an in-memory SQLite test database")
    for name in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=name)
    previous = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = settings.TEST_REDIS_URL
    app.conf.broker_transport_options = {"socket_timeout": 2, "socket_connect_timeout": 2}
    _reset_pools()
    with app.connection_for_write() as broker:
        app.control.purge(connection=broker)
    # The worker thread opens its own database connection: close it after each task, so that
    # the test database can be dropped at the end of the run.
    task_postrun.connect(_close_connections)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        task_postrun.disconnect(_close_connections)
    app.conf.broker_url, app.conf.broker_transport_options = previous
    _reset_pools()


def wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_decision_mail_is_sent_by_the_worker_after_commit(worker, maker, coe_lead):
    story = StoryFactory(author=maker, status=Story.Status.IN_REVIEW)
    services.story_approve(story=story, reviewer=coe_lead, base_url="https://hub.example.org/")
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [maker.email]
    assert "https://hub.example.org/stories/" in mail.outbox[0].body


def test_a_newsletter_is_sent_by_the_worker_to_every_subscriber_once(worker, coe_lead):
    for i in range(3):
        SubscriptionFactory(user=UserFactory(username=f"reader{i}"))
    newsletter = NewsletterItemFactory().newsletter
    services.newsletter_send(newsletter=newsletter, actor=coe_lead, base_url="https://x.org/")

    def finished():
        newsletter.refresh_from_db()
        return newsletter.status == Newsletter.Status.SENT

    assert wait_for(finished)
    assert newsletter.sent_count == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{i}@example.org" for i in range(3)]
