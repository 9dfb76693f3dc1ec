"""The API: a person's notifications and settings; the CoE's Teams channels."""

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification, NotificationPreference, TeamsChannel

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

WEBHOOK = "https://prod-1.westeurope.logic.azure.com/workflows/a/triggers/manual?sig=s"


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_gets_401(api):
    for url in ["/api/v1/notifications/", "/api/v1/notification-preferences/"]:
        assert api.get(url).status_code == 401


def test_a_person_lists_only_their_own_and_reading_marks_read(
    api, maker, other_maker, django_assert_max_num_queries
):
    mine = NotificationFactory.create_batch(3, recipient=maker)
    NotificationFactory(recipient=other_maker)
    api.force_authenticate(maker)
    # user's token/session, count, page
    with django_assert_max_num_queries(3):
        data = api.get("/api/v1/notifications/").json()
    assert data["count"] == 3
    assert all(row["is_unread"] for row in data["results"])
    one = api.get(f"/api/v1/notifications/{mine[0].uuid}/").json()
    assert one["read_at"] is not None
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked_read": 2}


def test_someone_elses_notification_is_404(api, maker, other_maker):
    theirs = NotificationFactory(recipient=other_maker)
    api.force_authenticate(maker)
    assert api.get(f"/api/v1/notifications/{theirs.uuid}/").status_code == 404


def test_preferences_read_and_change(api, maker):
    api.force_authenticate(maker)
    body = api.get("/api/v1/notification-preferences/").json()
    rows = {r["kind"]: r for r in body["results"]}
    assert body["count"] == len(rows) == 7
    assert rows["checkin_due"] == {
        "kind": "checkin_due",
        "label": "Check-in due",
        "digestible": True,
        "email": True,
        "digest": "off",
    }
    assert "channel_test" not in rows and "story_published" not in rows
    response = api.patch("/api/v1/notification-preferences/checkin_due/", {"digest": "daily"})
    assert response.status_code == 200 and response.json()["digest"] == "daily"
    assert NotificationPreference.objects.get(user=maker, kind="checkin_due").digest == "daily"


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("checkin_due", {"digest": "hourly"}, "digest"),
        ("welcome", {"digest": "weekly"}, "digest"),  # the welcome mail has no digest
    ],
)
def test_bad_preferences_are_400_with_a_reason(api, maker, kind, body, field):
    api.force_authenticate(maker)
    response = api.patch(f"/api/v1/notification-preferences/{kind}/", body)
    assert response.status_code == 400 and field in response.json()


def test_unknown_kind_is_404(api, maker):
    api.force_authenticate(maker)
    assert api.patch("/api/v1/notification-preferences/nope/", {"email": False}).status_code == 404


def test_time_zone(api, maker):
    api.force_authenticate(maker)
    url = "/api/v1/notification-preferences/time-zone/"
    assert api.put(url, {"time_zone": "Mars/Base"}).status_code == 400
    assert api.put(url, {"time_zone": "Asia/Tokyo"}).json() == {"time_zone": "Asia/Tokyo"}
    maker.refresh_from_db()
    assert maker.time_zone == "Asia/Tokyo"


def test_channels_are_the_coes(api, maker, executive):
    for user in (maker, executive):
        api.force_authenticate(user)
        assert api.get("/api/v1/teams-channels/").status_code == 403
        response = api.post("/api/v1/teams-channels/", {"name": "X", "webhook_url": WEBHOOK})
        assert response.status_code == 403
    assert not TeamsChannel.objects.exists()


def test_coe_creates_a_channel_the_url_never_comes_back(api, coe_lead, unit):
    api.force_authenticate(coe_lead)
    bad = api.post(
        "/api/v1/teams-channels/",
        {"name": "X", "webhook_url": "https://example.com/hook"},
        format="json",
    )
    assert bad.status_code == 400 and "webhook_url" in bad.json()
    response = api.post(
        "/api/v1/teams-channels/",
        {
            "name": "Finance",
            "business_unit": unit.slug,
            "webhook_url": WEBHOOK,
            "route_kinds": ["kr_off_track", "story_published"],
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert "webhook_url" not in body and body["webhook_host"] == "prod-1.westeurope.logic.azure.com"
    assert body["route_kinds"] == ["kr_off_track", "story_published"]
    wrong_kind = api.patch(
        f"/api/v1/teams-channels/{body['uuid']}/", {"route_kinds": ["welcome"]}, format="json"
    )
    assert wrong_kind.status_code == 400
    renamed = api.patch(f"/api/v1/teams-channels/{body['uuid']}/", {"name": "Fin"}, format="json")
    assert renamed.json()["route_kinds"] == ["kr_off_track", "story_published"]
    assert TeamsChannel.objects.get().webhook_url == WEBHOOK  # kept when not sent again
    test = api.post(f"/api/v1/teams-channels/{body['uuid']}/test/")
    assert test.status_code == 202
    assert Notification.objects.filter(kind="channel_test").count() == 1


def test_testing_a_disabled_channel_is_a_409_with_the_reason(api, coe_lead, unit):
    api.force_authenticate(coe_lead)
    created = api.post(
        "/api/v1/teams-channels/",
        {"name": "Finance", "business_unit": unit.slug, "webhook_url": WEBHOOK},
        format="json",
    ).json()
    TeamsChannel.objects.filter(uuid=created["uuid"]).update(is_active=False)
    response = api.post(f"/api/v1/teams-channels/{created['uuid']}/test/")
    assert response.status_code == 409
    assert response.json() == {"detail": "The channel is disabled: enter a new webhook URL."}
    assert not Notification.objects.filter(kind="channel_test").exists()
