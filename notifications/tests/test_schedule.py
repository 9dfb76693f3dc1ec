"""The reminder run against the database: who gets what, once, at which hand-computed moment."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection, connections

from accounts.policy import Role
from accounts.tests.factories import UserFactory
from adoption.models import Assessment, Subject
from maturity.models import ModelVersion
from notifications import services
from notifications.models import Notification, NotificationPreference
from notifications.services import schedule
from stories.models import Story
from stories.tests.factories import StoryFactory
from strategy.models import CheckIn, Plan
from strategy.tests.factories import KeyResultFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 12, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def weekly_kr(maker):
    # Weekly, from Monday 2 March 2026, never checked in: due Monday 9 March.
    return KeyResultFactory(
        owner=maker,
        starts_on=date(2026, 3, 2),
        due_on=date(2026, 6, 30),
        check_in_frequency="weekly",
    )


def rows(**filters):
    return list(
        Notification.objects.filter(**filters)
        .order_by("pk")
        .values_list("recipient__username", "kind", "due_on")
    )


def test_check_in_due_the_day_before_and_overdue_three_days_after(maker, weekly_kr):
    services.reminders_run(now=at(7))
    assert rows(kind__startswith="checkin") == []
    services.reminders_run(now=at(8))
    assert rows(kind__startswith="checkin") == [("maker", "checkin_due", date(2026, 3, 9))]
    services.reminders_run(now=at(9))  # a later run the same week: nothing new
    services.reminders_run(now=at(12))
    assert rows(kind__startswith="checkin") == [
        ("maker", "checkin_due", date(2026, 3, 9)),
        ("maker", "checkin_overdue", date(2026, 3, 9)),
    ]
    notification = Notification.objects.get(kind="checkin_due")
    assert notification.link == f"/strategy/key-results/{weekly_kr.uuid}/check-in/"
    assert notification.subject_key == f"key_result:{weekly_kr.uuid}"
    assert ["Check-in due on", "9 Mar 2026"] in notification.data["facts"]


def test_a_check_in_moves_the_next_reminder_a_week_on(maker, weekly_kr):
    CheckIn.objects.create(key_result=weekly_kr, value=10, created_at=at(9, 10))
    services.reminders_run(now=at(12))  # due again on 16 March
    assert rows(kind__startswith="checkin") == []
    services.reminders_run(now=at(15))
    assert rows(kind__startswith="checkin") == [("maker", "checkin_due", date(2026, 3, 16))]


def test_nothing_for_done_deleted_or_closed(maker):
    common = {"owner": maker, "starts_on": date(2026, 3, 2), "check_in_frequency": "weekly"}
    KeyResultFactory(title="done", current=100, **common)
    KeyResultFactory(title="deleted", deleted_at=at(3), **common)
    closed = PlanFactory(status=Plan.Status.CLOSED)
    KeyResultFactory(title="closed", objective=ObjectiveFactory(plan=closed), **common)
    draft = PlanFactory(status=Plan.Status.DRAFT)
    KeyResultFactory(title="draft", objective=ObjectiveFactory(plan=draft), **common)
    KeyResultFactory(title="unowned", **{**common, "owner": None})
    services.reminders_run(now=at(12))
    assert rows(kind__startswith="checkin") == []


def test_the_owners_time_zone_decides_their_today(maker, other_maker):
    # 7 March 11:00 UTC is already 8 March 01:00 in Kiritimati (UTC+14): that owner is due.
    maker.time_zone = "Pacific/Kiritimati"
    maker.save(update_fields=["time_zone"])
    common = {"starts_on": date(2026, 3, 2), "check_in_frequency": "weekly"}
    KeyResultFactory(owner=maker, **common)
    KeyResultFactory(owner=other_maker, **common)  # UTC: still 7 March
    services.reminders_run(now=datetime(2026, 3, 7, 11, 0, tzinfo=UTC))
    assert rows(kind__startswith="checkin") == [("maker", "checkin_due", date(2026, 3, 9))]


def test_reminder_email_waits_for_the_end_of_quiet_hours(settings, maker, weekly_kr):
    settings.NOTIFICATIONS_QUIET_HOURS = (20, 8)
    maker.time_zone = "Europe/Berlin"
    maker.save(update_fields=["time_zone"])
    services.reminders_run(now=datetime(2026, 3, 8, 21, 0, tzinfo=UTC))  # 22:00 in Berlin
    notification = Notification.objects.get(kind="checkin_due")
    assert notification.status == "pending"
    assert notification.deliver_after == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # 08:00 Berlin


def test_email_off_keeps_it_in_the_app_and_digest_holds_it(maker, other_maker):
    common = {"starts_on": date(2026, 3, 2), "check_in_frequency": "weekly"}
    KeyResultFactory(owner=maker, **common)
    KeyResultFactory(owner=other_maker, **common)
    NotificationPreference.objects.create(user=maker, kind="checkin_due", email=False)
    NotificationPreference.objects.create(user=other_maker, kind="checkin_due", digest="daily")
    services.reminders_run(now=at(8, 6))  # 06:00 UTC: before the digest hour
    assert Notification.objects.get(recipient=maker).status == "skipped"
    held = Notification.objects.get(recipient=other_maker)
    assert held.status == "held"
    services.reminders_run(now=at(8, 9))  # 09:00: the daily digest gathers it
    held.refresh_from_db()
    assert held.status == "digested" and held.digest.kind == "digest"
    assert held.digest.data["items"][0]["title"] == held.title
    assert held.digest.due_on == date(2026, 3, 8)
    services.reminders_run(now=at(8, 10))
    assert Notification.objects.filter(kind="digest").count() == 1


@pytest.fixture
def subject_due(unit, coe_lead):
    # Cadence 90 days, last submitted 1 January 2026: due 1 April 2026.
    unit.leader = coe_lead
    unit.save(update_fields=["leader"])
    subject = Subject.objects.create(slug="finance", business_unit=unit, cadence_days=90)
    version = ModelVersion.objects.create(key="v1", title="v1", is_current=True)
    Assessment.objects.create(
        subject=subject, model_version=version, status="submitted", submitted_at=at(1, 9, month=1)
    )
    return subject


def test_reassessment_due_a_week_ahead_goes_to_the_units_leader(coe_lead, subject_due):
    services.reminders_run(now=at(24))
    assert rows(kind="assessment_due") == []
    services.reminders_run(now=at(25))
    assert rows(kind="assessment_due") == [("coe-lead", "assessment_due", date(2026, 4, 1))]
    assert Notification.objects.get(kind="assessment_due").link == "/assessments/units/finance/"


def test_a_due_reassessment_goes_to_the_units_channel_and_the_programmes(coe_lead, subject_due):
    from accounts.tests.factories import BusinessUnitFactory

    url = "https://prod-1.westeurope.logic.azure.com/workflows/x?sig=y"
    common = {"actor": coe_lead, "webhook_url": url, "route_kinds": ["assessment_due"]}
    finance = services.channel_save(
        name="Finance", business_unit=subject_due.business_unit, **common
    )
    programme = services.channel_save(name="Programme", **common)
    services.channel_save(name="HR", business_unit=BusinessUnitFactory(slug="hr"), **common)
    services.reminders_run(now=at(25))
    services.reminders_run(now=at(26))
    posts = Notification.objects.filter(channel__isnull=False, kind="assessment_due")
    assert sorted(p.channel_id for p in posts) == sorted([finance.pk, programme.pk])
    assert {p.due_on for p in posts} == {date(2026, 4, 1)}


def test_no_reassessment_reminder_while_a_draft_is_under_way(coe_lead, subject_due):
    Assessment.objects.create(
        subject=subject_due, model_version=ModelVersion.objects.get(), status="draft"
    )
    services.reminders_run(now=at(30))
    assert rows(kind="assessment_due") == []


def test_coe_digest_on_monday_from_eight_with_stories_waiting(coe_lead, maker):
    StoryFactory(
        author=maker, status=Story.Status.SUBMITTED, submitted_at=at(2), title="Waiting story"
    )
    services.reminders_run(now=at(9, 7))  # Monday 07:00 UTC
    assert rows(kind="coe_digest") == []
    services.reminders_run(now=at(9, 8))
    services.reminders_run(now=at(11, 8))  # Wednesday: the same week, nothing new
    assert rows(kind="coe_digest") == [("coe-lead", "coe_digest", date(2026, 3, 9))]
    digest = Notification.objects.get(kind="coe_digest")
    stories = digest.data["sections"][0]
    # Submitted Monday 2 March 12:00, digest made Monday 9 March 08:00: 6 days and 20 hours.
    assert stories["count"] == 1 and stories["rows"] == [["Waiting story", "6 days, submitted"]]
    assert [s["title"] for s in digest.data["sections"]] == [
        "Stories waiting for review",
        "Assessments due or overdue",
        "Reports that failed",
    ]


def test_selection_query_count_does_not_grow_with_people(django_assert_num_queries):
    def add(n):
        for i in range(n):
            owner = UserFactory(username=f"owner{add.count}-{i}", role=Role.MAKER)
            KeyResultFactory(owner=owner, starts_on=date(2026, 3, 2))
        add.count += 1

    add.count = 0
    add(3)
    # key results with owners, plans and last check-in; the owners' choices
    with django_assert_num_queries(2):
        assert len(schedule.check_in_rows(at(12))) == 3
    add(20)
    with django_assert_num_queries(2):
        assert len(schedule.check_in_rows(at(12))) == 23


@pytest.mark.django_db(transaction=True)
def test_two_beat_processes_at_once_insert_each_reminder_once(unit):
    if connection.vendor != "postgresql":
        pytest.skip("two writers at once need PostgreSQL")
    for i in range(30):
        KeyResultFactory(
            owner=UserFactory(username=f"o{i}", business_unit=unit), starts_on=date(2026, 3, 2)
        )
    barrier, errors = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            services.reminders_run(now=at(12))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Notification.objects.filter(kind="checkin_overdue").count() == 30
    services.reminders_run(now=at(12) + timedelta(minutes=15))  # the next run, or a retry
    assert Notification.objects.filter(kind__startswith="checkin").count() == 30
