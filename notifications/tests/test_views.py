"""Pages: access per role, the bell, opening marks read, settings, channels."""

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Notification, NotificationPreference, TeamsChannel

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

PERSON_PAGES = ["notifications:notification_list", "notifications:settings"]
COE_PAGES = [
    "notifications:channel_list",
    "notifications:channel_create",
    "notifications:failure_list",
]


@pytest.mark.parametrize("name", PERSON_PAGES + COE_PAGES)
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/sign-in/" in response.url


@pytest.mark.parametrize("name", PERSON_PAGES)
def test_every_person_opens_their_own_pages(client, maker, name):
    client.force_login(maker)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", COE_PAGES)
def test_makers_and_executives_may_not_configure_channels(client, maker, executive, name):
    for user in (maker, executive):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", COE_PAGES)
def test_the_coe_configures_channels(client, coe_lead, name):
    client.force_login(coe_lead)
    assert client.get(reverse(name)).status_code == 200


def test_the_bell_shows_my_unread_count_only(client, maker, other_maker):
    NotificationFactory.create_batch(3, recipient=maker)
    NotificationFactory(recipient=other_maker)
    NotificationFactory(recipient=maker, read_at="2026-03-09T10:00Z")
    client.force_login(maker)
    page = client.get(reverse("home"))
    assert b"data-bell" in page.content and b"notifications/bell.js" in page.content
    data = client.get(reverse("notifications:unread_count")).json()
    assert data == {"unread": 3, "label": "Notifications: 3 unread"}


def test_the_unread_count_is_one_query(client, maker, django_assert_num_queries):
    NotificationFactory.create_batch(30, recipient=maker)
    client.force_login(maker)
    # session, user, the capped unread count (the "signed in" rule reads no groups)
    with django_assert_num_queries(3):
        assert client.get(reverse("notifications:unread_count")).json()["unread"] == 30


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, maker):
    notification = NotificationFactory(recipient=maker, link="/strategy/")
    client.force_login(maker)
    response = client.get(notification.get_absolute_url())
    assert response.status_code == 302 and response.url == "/strategy/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_outside_link_is_not_followed(client, maker):
    notification = NotificationFactory(recipient=maker, link="https://evil.example.com/")
    client.force_login(maker)
    response = client.get(notification.get_absolute_url())
    assert response.url == reverse("notifications:notification_list")


def test_someone_elses_notification_is_404(client, maker, other_maker):
    notification = NotificationFactory(recipient=other_maker)
    client.force_login(maker)
    assert client.get(notification.get_absolute_url()).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_list_query_count_does_not_grow(client, maker, django_assert_max_num_queries):
    NotificationFactory.create_batch(40, recipient=maker)
    client.force_login(maker)
    # session, user, groups, count, page of notifications
    with django_assert_max_num_queries(6):
        response = client.get(reverse("notifications:notification_list"))
    assert len(response.context["object_list"]) == 25


def test_mark_all_read(client, maker):
    NotificationFactory.create_batch(2, recipient=maker)
    client.force_login(maker)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=maker, read_at__isnull=True).exists()


def test_settings_save_choices_and_time_zone(client, maker):
    client.force_login(maker)
    form = client.get(reverse("notifications:settings")).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if name.startswith("d")}
    data |= {f"email_{k}": "on" for k in ("checkin_due", "assessment_due")}
    data |= {"time_zone": "Europe/Berlin", "digest_checkin_due": "weekly"}
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302
    maker.refresh_from_db()
    assert maker.time_zone == "Europe/Berlin"
    checkin = NotificationPreference.objects.get(user=maker, kind="checkin_due")
    assert checkin.email and checkin.digest == "weekly"
    overdue = NotificationPreference.objects.get(user=maker, kind="checkin_overdue")
    assert overdue.email is False  # left unticked


def test_an_unknown_time_zone_is_a_form_error(client, maker):
    client.force_login(maker)
    response = client.post(reverse("notifications:settings"), {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors


def test_unsubscribe_page_asks_before_it_acts(client, maker):
    token = services.unsubscribe_token(user_id=maker.pk, kind="checkin_overdue")
    url = reverse("notifications:unsubscribe", args=[token])
    page = client.get(url)  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and b"Check-in overdue" in page.content
    assert not NotificationPreference.objects.exists()
    assert client.get(reverse("notifications:unsubscribe", args=["nonsense"])).status_code == 400


def test_channel_form_shows_a_bad_url_next_to_the_field(client, coe_lead):
    client.force_login(coe_lead)
    response = client.post(
        reverse("notifications:channel_create"),
        {"name": "Programme", "webhook_url": "http://example.com/hook", "route_kinds": []},
    )
    assert response.status_code == 200
    assert "must start with https://" in response.context["form"].errors["webhook_url"][0]
    assert not TeamsChannel.objects.exists()


def test_coe_adds_a_channel_and_sends_a_test(client, coe_lead, unit):
    client.force_login(coe_lead)
    url = "https://prod-1.westeurope.logic.azure.com/workflows/a/triggers/manual?sig=s"
    response = client.post(
        reverse("notifications:channel_create"),
        {
            "name": "Finance",
            "business_unit": unit.slug,
            "webhook_url": url,
            "route_kinds": ["kr_off_track"],
        },
    )
    assert response.status_code == 302
    channel = TeamsChannel.objects.get()
    assert channel.webhook_url == url and channel.business_unit == unit
    assert [r.kind for r in channel.routes.all()] == ["kr_off_track"]
    listing = client.get(reverse("notifications:channel_list"))
    assert url.encode() not in listing.content  # the secret never shows again
    client.post(reverse("notifications:channel_test", args=[channel.uuid]))
    assert Notification.objects.filter(channel=channel, kind="channel_test").count() == 1


def test_executive_cannot_send_a_test_message(client, executive, coe_lead):
    channel = services.channel_save(
        actor=coe_lead,
        name="P",
        webhook_url="https://prod-1.westeurope.logic.azure.com/x",
        route_kinds=[],
    )
    client.force_login(executive)
    assert (
        client.post(reverse("notifications:channel_test", args=[channel.uuid])).status_code == 403
    )
    assert not Notification.objects.exists()
