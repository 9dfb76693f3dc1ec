"""Reminders, digests and their e-mails are written in each recipient's language."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail

from accounts.models import User
from notifications import services
from notifications.models import Notification
from strategy.tests.factories import KeyResultFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def two_owners(maker, other_maker):
    User.objects.filter(pk=other_maker.pk).update(language="de")
    for owner, title in ((maker, "Invoices automated"), (other_maker, "Rechnungen automatisiert")):
        KeyResultFactory(
            owner=owner,
            title=title,
            starts_on=date(2026, 3, 2),
            due_on=date(2026, 6, 30),
            check_in_frequency="weekly",
        )


def test_check_in_nudges_are_written_in_each_owners_language(two_owners):
    services.reminders_run(now=at(8))
    english = Notification.objects.get(recipient__username="maker")
    german = Notification.objects.get(recipient__username="other-maker")
    assert english.title == "Check-in due: Invoices automated"
    assert ["Check-in due on", "9 Mar 2026"] in english.data["facts"]
    assert german.title == "Check-in fällig: Rechnungen automatisiert"
    assert (
        german.body
        == "Erfassen Sie den aktuellen Wert und Ihre Zuversicht: Das dauert eine Minute."
    )
    assert ["Check-in fällig am", "9. März 2026"] in german.data["facts"]


def test_the_e_mail_is_rendered_in_the_recipients_language(two_owners):
    services.reminders_run(now=at(8))
    german = Notification.objects.get(recipient__username="other-maker")
    english = Notification.objects.get(recipient__username="maker")
    for notification in (german, english):
        assert services.deliver_one(notification_id=notification.pk, now=at(8, 13)) == "sent"
    by_recipient = {message.to[0]: message for message in mail.outbox}
    de = by_recipient["other-maker@example.org"]
    assert de.subject == "Check-in fällig: Rechnungen automatisiert"
    assert "Hallo " in de.body and "Check-in fällig am: 9. März 2026" in de.body
    assert "Diese E-Mails abbestellen:" in de.body
    html = de.alternatives[0][0]
    assert '<html lang="de">' in html and "Abbestellen" in html
    en = by_recipient["maker@example.org"]
    assert "Hello " in en.body and "Unsubscribe from these e-mails:" in en.body


def test_a_person_without_a_choice_gets_the_installations_language(settings, two_owners):
    settings.LANGUAGE_CODE = "de"
    services.reminders_run(now=at(8))
    assert Notification.objects.get(recipient__username="maker").title.startswith("Check-in fällig")
