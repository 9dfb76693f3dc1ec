from django.core import mail
from django.urls import reverse

from accounts.models import User
from inventory.models import MakerWelcome, WelcomeMessage
from inventory.welcome import welcome_send, welcome_send_pending
from notifications.models import Notification
from notifications.services import deliver_pending

from .files import csv_bytes, resource, template_csv
from .helpers import import_file

NEW_OID = "cccc2222-dd33-4444-55ee-666666ffffff"


def _makers_file():
    return csv_bytes(
        ["admin_makerid", "admin_displayname", "admin_userprincipalname"],
        [[NEW_OID, "Nora New", "nora@contoso.com"]],
    )


def test_welcome_is_sent_once_across_reruns_and_retries(
    tmp_path, unit, django_capture_on_commit_callbacks
):
    WelcomeMessage.objects.create(pk=1, subject="Hi", body="Hello {name}, see {stories_url}")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_file(tmp_path, _makers_file(), name="makers.csv")
        import_file(tmp_path, template_csv([resource("r1", "App", owner=NEW_OID)]))
    assert MakerWelcome.objects.count() == 1
    assert welcome_send_pending() == 1
    assert welcome_send_pending() == 0  # a retry or a duplicate task
    # Handed to the notifications outbox, which sends it as it sends every message.
    assert deliver_pending() == 1
    (message,) = mail.outbox
    assert (message.to, message.subject) == (["nora@contoso.com"], "Hi")
    assert "Hello Nora New, see " in message.body
    assert "List-Unsubscribe" in message.extra_headers
    # A re-import, and a later import that sees the person again, queue nothing.
    import_file(
        tmp_path,
        template_csv(
            [resource("r1", "App", owner=NEW_OID), resource("r2", "Other", owner=NEW_OID)]
        ),
        name="2.csv",
    )
    assert MakerWelcome.objects.count() == 1 and welcome_send_pending() == 0
    assert deliver_pending() == 0 and len(mail.outbox) == 1
    assert len(callbacks) >= 1


def test_a_welcome_handed_over_twice_is_one_notification(tmp_path, unit):
    import_file(tmp_path, _makers_file(), name="makers.csv")
    welcome = MakerWelcome.objects.get()
    assert welcome_send(welcome_id=welcome.pk) is True
    MakerWelcome.objects.filter(pk=welcome.pk).update(status="pending")  # as if a retry ran
    assert welcome_send(welcome_id=welcome.pk) is True
    assert Notification.objects.filter(kind="welcome").count() == 1  # the outbox keeps one


def test_a_maker_without_address_is_listed_not_mailed(tmp_path, unit):
    import_file(tmp_path, template_csv([resource("r1", "App", owner=NEW_OID)]))
    welcome_send_pending()
    assert MakerWelcome.objects.get().status == "no_address" and not mail.outbox


def test_coe_edits_the_text_and_sees_who_got_it(client, coe_lead, maker, tmp_path, unit):
    import_file(tmp_path, _makers_file(), name="makers.csv")
    welcome_send_pending()
    client.force_login(maker)
    assert client.get(reverse("inventory:welcome")).status_code == 403
    client.force_login(coe_lead)
    page = client.get(reverse("inventory:welcome"))
    assert b"nora@contoso.com" in page.content
    client.post(
        reverse("inventory:welcome"),
        {"subject": "Welcome!", "body": "Hi {name}", "is_enabled": "on"},
    )
    assert WelcomeMessage.current().subject == "Welcome!"
    assert User.objects.get(entra_object_id=NEW_OID).inventory_welcome.status == "sent"
