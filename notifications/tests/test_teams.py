"""Teams channels: real HTTP POSTs to a local webhook receiver that checks cards like Teams."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from notifications import services, teams
from notifications.models import Notification, TeamsChannel
from notifications.services import delivery
from notifications.tasks import notification_deliver_task

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


@pytest.fixture
def channel(receiver, coe_lead, unit):
    return services.channel_save(
        actor=coe_lead,
        name="Finance CoE",
        business_unit=unit,
        webhook_url=receiver.url(),
        route_kinds=["story_published", "kr_off_track"],
    )


def post_now(notification, now=NOW):
    Notification.objects.filter(pk=notification.pk).update(deliver_after=now)
    return services.deliver_one(notification_id=notification.pk, now=now)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://prod-12.westeurope.logic.azure.com/workflows/x", "https://"),
        ("https://evil.example.com/workflows/x", "not a Teams Workflows webhook"),
        ("https://logic.azure.com.evil.example/x", "not a Teams Workflows webhook"),
        ("https://user:pw@prod-1.westeurope.logic.azure.com/x", "user name or password"),
        ("", "Enter the webhook URL"),
        ("https://[::1", "not a valid URL"),
    ],
)
def test_webhook_urls_we_refuse(url, reason):
    with pytest.raises(teams.WebhookURLError, match=reason):
        teams.webhook_url_validate(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x",
        "https://default1234.56.environment.api.powerplatform.com/powerautomate/automations/x?sig=y",
        "https://contoso.webhook.office.com/webhookb2/abc",
    ],
)
def test_microsoft_webhook_hosts_are_accepted(url):
    assert teams.webhook_url_validate(url) == url


def test_the_url_is_stored_encrypted(channel, receiver):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT webhook_url_encrypted FROM notifications_teamschannel WHERE id = %s",
            [channel.pk],
        )
        stored = cursor.fetchone()[0]
    assert receiver.netloc not in stored and "sig=" not in stored
    assert TeamsChannel.objects.get(pk=channel.pk).webhook_url == receiver.url()
    assert channel.webhook_host == "127.0.0.1"


def test_a_published_story_posts_a_card_to_the_units_channel(channel, receiver, maker, coe_lead):
    from stories import services as story_services
    from stories.models import Story
    from stories.tests.factories import StoryFactory

    story = StoryFactory(author=maker, status=Story.Status.APPROVED, title="Invoice robot")
    story.business_unit = channel.business_unit
    story.save(update_fields=["business_unit"])
    story_services.story_publish(story=story, reviewer=coe_lead)
    post = Notification.objects.get(channel=channel)
    assert post_now(post) == "sent"
    [card] = receiver.cards()
    assert card["version"] == "1.4" and card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"] == "New success story: Invoice robot"
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    assert facts["Business unit"] == "Finance"
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Open in CoE Hub",
            "url": f"https://hub.example.org{story.get_absolute_url()}",
        }
    ]


def test_a_card_is_trimmed_under_28_kb(channel, receiver):
    facts = [(f"Key result {i}", "x" * 400) for i in range(200)]  # about 90 KB of facts
    post = services.notify_channels(
        kind="kr_off_track",
        unit_id=channel.business_unit_id,
        subject_key="big",
        title="Many",
        facts=facts,
    )[0]
    assert post_now(post) == "sent"
    [received] = receiver.received
    assert received.size <= 28 * 1024
    assert 40 < len(received.payload["attachments"][0]["content"]["body"][1]["facts"]) < 200


def test_429_is_retried_after_the_webhooks_retry_after(channel, receiver):
    receiver.answers.append((429, {"Retry-After": "7"}, 0))
    post = services.notify_channels(
        kind="kr_off_track", unit_id=channel.business_unit_id, subject_key="a", title="A"
    )[0]
    assert post_now(post) == "retry"
    post.refresh_from_db()
    assert post.status == "pending" and post.deliver_after == NOW + timedelta(seconds=7)
    assert "HTTP 429" in post.error
    assert services.deliver_pending(now=NOW + timedelta(seconds=6)) == 0
    assert services.deliver_pending(now=NOW + timedelta(seconds=8)) == 1
    post.refresh_from_db()
    assert post.status == "sent" and receiver.requests_seen == 2 and len(receiver.cards()) == 1


def test_5xx_backs_off_and_gives_up_after_the_last_attempt(channel, receiver):
    receiver.answers.extend([(500, {}, 0)] * delivery.MAX_ATTEMPTS)
    post = services.notify_channels(
        kind="kr_off_track", unit_id=channel.business_unit_id, subject_key="b", title="B"
    )[0]
    assert post_now(post) == "retry"
    post.refresh_from_db()
    assert post.deliver_after == NOW + timedelta(seconds=30)  # backoff: 30 s, 60 s, 120 s ...
    for attempt in range(2, delivery.MAX_ATTEMPTS + 1):
        services.deliver_pending(now=NOW + timedelta(hours=attempt))
    post.refresh_from_db()
    assert post.status == "failed" and post.error.startswith("Gave up after 6 attempts: HTTP 500")
    assert receiver.requests_seen == delivery.MAX_ATTEMPTS


def test_a_gone_webhook_disables_the_channel_and_tells_the_coe(channel, receiver, coe_lead):
    receiver.answers.append((410, {}, 0))
    post = services.notify_channels(
        kind="kr_off_track", unit_id=channel.business_unit_id, subject_key="c", title="C"
    )[0]
    assert post_now(post) == "gone"
    channel.refresh_from_db()
    assert not channel.is_active and "410" in channel.disabled_reason
    told = Notification.objects.get(recipient=coe_lead, kind="channel_disabled")
    assert told.title == "Teams channel “Finance CoE” was disabled"
    # A disabled channel gets nothing more; a new URL switches it on again.
    assert (
        services.notify_channels(
            kind="kr_off_track", unit_id=channel.business_unit_id, subject_key="d", title="D"
        )
        == []
    )
    services.channel_save(
        actor=coe_lead,
        channel=channel,
        name=channel.name,
        business_unit=channel.business_unit,
        webhook_url=receiver.url("/workflows/new"),
        route_kinds=["kr_off_track"],
    )
    channel.refresh_from_db()
    assert channel.is_active and channel.disabled_reason == ""


def test_a_hanging_webhook_times_out_and_is_retried(monkeypatch, channel, receiver):
    monkeypatch.setattr(teams, "READ_TIMEOUT", 0.5)  # the product waits 5 s; the test less
    receiver.answers.append((202, {}, 2.0))  # answers only after 2 s
    post = services.notify_channels(
        kind="kr_off_track", unit_id=channel.business_unit_id, subject_key="e", title="E"
    )[0]
    assert post_now(post) == "retry"
    post.refresh_from_db()
    assert post.status == "pending" and post.error == "The webhook did not answer in time."


def test_the_test_button_posts_a_card(
    channel, receiver, coe_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        test = services.channel_test(channel=channel, actor=coe_lead)
    assert len(callbacks) == 1  # delivery is published after commit; run it as the worker would
    notification_deliver_task(test.pk)
    test.refresh_from_db()
    assert test.status == "sent"
    [card] = receiver.cards()
    assert card["body"][0]["text"] == "Test message from CoE Hub"


def test_routing_sends_a_kind_only_where_it_is_routed(receiver, coe_lead, unit):
    from accounts.tests.factories import BusinessUnitFactory

    hr = BusinessUnitFactory(name="HR", slug="hr")
    programme = services.channel_save(
        actor=coe_lead,
        name="Programme",
        webhook_url=receiver.url("/p"),
        route_kinds=["story_published"],
    )
    finance = services.channel_save(
        actor=coe_lead,
        name="Finance",
        business_unit=unit,
        webhook_url=receiver.url("/f"),
        route_kinds=["story_published"],
    )
    services.channel_save(
        actor=coe_lead, name="HR", business_unit=hr, webhook_url=receiver.url("/h"), route_kinds=[]
    )
    posts = services.notify_channels(
        kind="story_published", unit_id=unit.pk, subject_key="s", title="S"
    )
    assert sorted(p.channel_id for p in posts) == sorted([programme.pk, finance.pk])
    hr_posts = services.notify_channels(
        kind="story_published", unit_id=hr.pk, subject_key="t", title="T"
    )
    assert [p.channel_id for p in hr_posts] == [programme.pk]


def test_the_receiver_refuses_what_teams_refuses():
    from notifications.webhook_receiver import card_problems

    good = teams.card_payload(
        title="T", text="", facts=[], link="https://x.org/", link_title="Open"
    )
    assert card_problems(json.dumps(good).encode()) == []
    newer = json.loads(json.dumps(good))
    newer["attachments"][0]["content"]["version"] = "1.5"
    assert card_problems(json.dumps(newer).encode()) == ["card version 1.5 is above 1.4"]
    submit = json.loads(json.dumps(good))
    submit["attachments"][0]["content"]["actions"] = [{"type": "Action.Submit"}]
    assert card_problems(json.dumps(submit).encode()) == [
        "Action.Submit is not supported from a webhook"
    ]
    assert card_problems(b"x" * (29 * 1024))[0].endswith("over the 28672 limit")


def test_off_track_key_results_go_to_their_units_channel_once_a_week(channel, receiver, unit):
    from accounts.tests.factories import BusinessUnitFactory
    from strategy.tests.factories import KeyResultFactory, ObjectiveFactory, PlanFactory

    finance_plan = PlanFactory(business_unit=unit)
    # Started 1 January, due 30 June, checked in at 0 %: on 9 March it should be at 67/180 =
    # 37.2 %, more than 25 points behind: off track. (Without a check-in it would be "no check-in
    # yet", never off track.)
    KeyResultFactory(
        objective=ObjectiveFactory(plan=finance_plan),
        title="Apps with an owner",
        current=0,
        starts_on=datetime(2026, 1, 1).date(),
        due_on=datetime(2026, 6, 30).date(),
    )
    other = PlanFactory(business_unit=BusinessUnitFactory(name="HR", slug="hr"))
    KeyResultFactory(objective=ObjectiveFactory(plan=other), title="HR result")
    services.reminders_run(now=NOW)
    services.reminders_run(now=NOW + timedelta(days=2))  # same week: nothing new
    [post] = Notification.objects.filter(channel=channel, kind="kr_off_track")
    assert post.title == "1 key result off track in Finance"
    assert post.due_on == datetime(2026, 3, 9).date()
    assert services.deliver_one(notification_id=post.pk, now=NOW) == "sent"
    [card] = receiver.cards()
    assert card["body"][1]["facts"] == [{"title": "Apps with an owner", "value": "0 % / 100 %"}]


def test_the_coe_digest_card_shows_each_sections_count(receiver, coe_lead):
    programme = services.channel_save(
        actor=coe_lead, name="Programme", webhook_url=receiver.url(), route_kinds=["coe_digest"]
    )
    services.reminders_run(now=NOW)  # Monday 12:00 UTC
    post = Notification.objects.get(channel=programme, kind="coe_digest")
    assert services.deliver_one(notification_id=post.pk, now=NOW) == "sent"
    [card] = receiver.cards()
    assert card["body"][0]["text"] == post.title == "CoE digest for the week of 9 Mar 2026"
    assert card["body"][2]["facts"] == [
        {"title": "Stories waiting for review", "value": "0"},
        {"title": "Assessments due or overdue", "value": "0"},
        {"title": "Reports that failed", "value": "0"},
    ]
