from collections import Counter
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from stories import services
from stories.models import Newsletter, NewsletterDelivery
from stories.tasks import newsletter_send_task

from .factories import NewsletterItemFactory, SubscriptionFactory
from .mail_backends import FlakyBackend


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "stories.tests.mail_backends.FlakyBackend"
    FlakyBackend.fail_after = None
    yield FlakyBackend
    FlakyBackend.fail_after = None


@pytest.fixture
def issue(coe_lead, django_capture_on_commit_callbacks):
    for i in range(5):
        SubscriptionFactory(user=UserFactory(username=f"reader{i}"))
    SubscriptionFactory(user=UserFactory(username="gone"), is_active=False)
    SubscriptionFactory(user=UserFactory(username="no-address", email=""))
    newsletter = NewsletterItemFactory(newsletter__subject="Issue 7").newsletter
    with django_capture_on_commit_callbacks() as callbacks:
        services.newsletter_send(
            newsletter=newsletter, actor=coe_lead, base_url="https://hub.example.org/"
        )
    assert len(callbacks) == 1  # the sending task, published after commit
    return newsletter


def test_send_creates_one_delivery_per_active_subscriber_with_an_address(issue):
    emails = sorted(issue.deliveries.values_list("email", flat=True))
    assert emails == [f"reader{i}@example.org" for i in range(5)]
    assert issue.status == Newsletter.Status.SENDING


def test_a_failure_halfway_then_a_retry_sends_nobody_twice(issue, flaky_mail):
    flaky_mail.fail_after = 2
    with pytest.raises(SMTPServerDisconnected):
        newsletter_send_task(issue.pk)
    assert len(mail.outbox) == 2
    statuses = Counter(issue.deliveries.values_list("status", flat=True))
    assert statuses == {"sent": 2, "pending": 3}
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENDING and issue.sent_at is None

    flaky_mail.fail_after = None  # the server is back; Celery retries the task
    newsletter_send_task(issue.pk)
    newsletter_send_task(issue.pk)  # and a duplicate delivery of the same task
    recipients = Counter(address for message in mail.outbox for address in message.to)
    assert recipients == {f"reader{i}@example.org": 1 for i in range(5)}
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENT
    assert issue.sent_count == 5 and issue.sent_at is not None
    failed_once = issue.deliveries.get(attempts=2)
    assert failed_once.status == "sent" and failed_once.error == ""


def test_each_mail_has_a_working_unsubscribe_link(issue, client):
    newsletter_send_task(issue.pk)
    message = next(m for m in mail.outbox if m.to == ["reader0@example.org"])
    html = message.alternatives[0][0]
    assert "Issue 7" in message.subject
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in html and link.startswith("https://hub.example.org/stories/newsletters/")
    path = link.removeprefix("https://hub.example.org")
    assert client.get(path).status_code == 200  # no sign-in needed
    assert client.post(path).status_code == 200
    reader = issue.deliveries.get(email="reader0@example.org").recipient
    assert reader.newsletter_subscription.is_active is False


def test_a_delivery_claimed_by_a_worker_that_died_is_not_sent_again(issue):
    stuck = issue.deliveries.order_by("pk").first()
    NewsletterDelivery.objects.filter(pk=stuck.pk).update(status="sending")
    newsletter_send_task(issue.pk)
    assert stuck.email not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 4


def test_batches_report_what_is_left(issue):
    remaining = [
        services.newsletter_deliver_batch(newsletter_id=issue.pk, batch_size=2) for _ in range(3)
    ]
    assert remaining == [3, 1, 0]
    assert len(mail.outbox) == 5


def test_the_task_publishes_itself_again_while_deliveries_remain(
    issue, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("stories.services.newsletter.BATCH_SIZE", 2)
    with django_capture_on_commit_callbacks() as callbacks:
        newsletter_send_task(issue.pk)
    assert len(mail.outbox) == 2
    assert len(callbacks) == 1


def test_an_issue_is_sent_only_once(issue, coe_lead):
    with pytest.raises(services.NewsletterStateError):
        services.newsletter_send(newsletter=issue, actor=coe_lead, base_url="https://x.org/")
