"""E-mail delivery through a real SMTP server started by the suite."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications import services
from notifications.models import Notification
from notifications.services import delivery

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_quiet_hours(settings):
    settings.NOTIFICATIONS_QUIET_HOURS = None


def test_notify_sends_html_and_text_with_one_click_unsubscribe(smtp_server, maker, client):
    notification = services.notify(
        recipient=maker,
        kind="checkin_due",
        subject_key="key_result:abc",
        title="Check-in due: Makers trained",
        body="Record the latest value.",
        link="/strategy/",
        facts=[("Target", "200 people")],
    )
    assert services.deliver_one(notification_id=notification.pk) == "sent"
    [message] = smtp_server.messages
    assert message["To"] == maker.email and message["Subject"] == "Check-in due: Makers trained"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Target: 200 people" in text and "https://hub.example.org/strategy/" in text
    assert '<a href="https://hub.example.org/strategy/"' in html and "200 people" in html
    # RFC 2369 / RFC 8058 headers point at the signed link for this person and this kind.
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip().strip("<>")
    assert url.startswith("https://hub.example.org/notifications/unsubscribe/") and url in text
    # The mail provider's one-click POST: no session, no CSRF token.
    response = client.post(url.removeprefix("https://hub.example.org"))
    assert response.status_code == 200
    assert maker.notification_preferences.get(kind="checkin_due").email is False
    # The next reminder of that kind stays in the app only.
    later = services.notify(
        recipient=maker, kind="checkin_due", subject_key="key_result:def", title="Another"
    )
    assert later.status == "skipped" and later.error == "E-mail is off for this kind."


def test_a_tampered_unsubscribe_link_is_refused(client, maker):
    token = services.unsubscribe_token(user_id=maker.pk, kind="checkin_due")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.post(reverse("notifications:unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert b"not valid" in response.content
    assert not maker.notification_preferences.exists()


def test_notify_twice_about_the_same_subject_and_date_is_one_row(maker):
    first = services.notify(recipient=maker, kind="welcome", subject_key="user:1", title="Hi")
    again = services.notify(recipient=maker, kind="welcome", subject_key="user:1", title="Hi")
    assert first is not None and again is None
    assert Notification.objects.filter(recipient=maker).count() == 1


def test_a_bounced_address_fails_with_its_reason_and_the_rest_still_go(smtp_server):
    good = UserFactory(username="good", email="good@example.org")
    bad = UserFactory(username="bounce", email="bounce@example.org")
    none = UserFactory(username="nomail", email="")
    for user in (bad, good, none):
        services.notify(recipient=user, kind="welcome", subject_key="welcome", title="Welcome")
    assert services.deliver_pending() == 2  # the person without an address never queued
    assert [m["To"] for m in smtp_server.messages] == ["good@example.org"]
    failed = Notification.objects.get(recipient=bad)
    assert failed.status == "failed" and "refused the address" in failed.error
    assert "550" in failed.error
    skipped = Notification.objects.get(recipient=none)
    assert skipped.status == "skipped" and skipped.error == "No e-mail address."


def test_a_transient_smtp_error_is_retried_with_backoff_then_sent_once(smtp_server, maker):
    smtp_server.fail_next = 1  # 451 on the first DATA
    notification = NotificationFactory(recipient=maker)
    now = timezone.now()
    assert services.deliver_one(notification_id=notification.pk, now=now) == "retry"
    notification.refresh_from_db()
    assert notification.status == "pending" and notification.attempts == 1
    assert notification.deliver_after == now + timedelta(seconds=30)  # first backoff step
    assert "451" in notification.error
    # Not due yet: a sweep right now leaves it alone.
    assert services.deliver_pending(now=now + timedelta(seconds=29)) == 0
    assert services.deliver_pending(now=now + timedelta(seconds=31)) == 1
    assert services.deliver_pending(now=now + timedelta(seconds=61)) == 0
    assert len(smtp_server.messages) == 1
    notification.refresh_from_db()
    assert notification.status == "sent" and notification.error == ""


def test_a_server_that_stays_down_ends_as_a_visible_failure(settings, maker, client, coe_lead):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    notification = NotificationFactory(recipient=maker, title="Never arrives")
    now = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    Notification.objects.filter(pk=notification.pk).update(deliver_after=now)
    for attempt in range(delivery.MAX_ATTEMPTS):
        assert services.deliver_pending(now=now + timedelta(hours=attempt + 1)) == 1
    notification.refresh_from_db()
    assert notification.status == "failed" and notification.attempts == delivery.MAX_ATTEMPTS
    assert notification.error.startswith("Gave up after 6 attempts: ConnectionRefusedError")
    client.force_login(coe_lead)
    page = client.get(reverse("notifications:failure_list"))
    assert b"Never arrives" in page.content and b"Gave up after 6 attempts" in page.content
    client.post(reverse("notifications:failure_retry", args=[notification.uuid]))
    notification.refresh_from_db()
    assert notification.status == "pending" and notification.attempts == 0


def test_a_duplicate_task_sends_nothing_twice(smtp_server, maker):
    notification = NotificationFactory(recipient=maker)
    assert services.deliver_one(notification_id=notification.pk) == "sent"
    assert services.deliver_one(notification_id=notification.pk) == "not_claimed"
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_at_once_send_each_mail_once(smtp_server, unit):
    if connection.vendor != "postgresql":
        pytest.skip("two writers at once need PostgreSQL")
    for i in range(20):
        NotificationFactory(recipient=UserFactory(username=f"r{i}", business_unit=unit))
    barrier = threading.Barrier(2)

    def work():
        barrier.wait()
        try:
            services.deliver_pending()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == sorted(f"r{i}@example.org" for i in range(20))
    assert Notification.objects.filter(status="sent").count() == 20


def test_a_story_decision_reaches_the_author_by_real_smtp(smtp_server, maker, coe_lead):
    from stories import services as story_services
    from stories.models import Story
    from stories.tests.factories import StoryFactory

    story = StoryFactory(author=maker, status=Story.Status.IN_REVIEW, title="Invoice robot")
    story_services.story_approve(story=story, reviewer=coe_lead)
    assert services.deliver_pending() == 1
    [message] = smtp_server.to(maker.email)
    assert message["Subject"] == "Your story “Invoice robot”: Approved"
    assert "the CoE approved your story" in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe"]
