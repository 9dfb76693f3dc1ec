"""The due-date and quiet-hours rules, with figures worked out by hand."""

from datetime import UTC, date, datetime

import pytest

from notifications import rules


def reminder(today, *, frequency_days=7, last=None, **overrides):
    args = {
        "today": today,
        "frequency_days": frequency_days,
        "starts_on": date(2026, 3, 2),
        "ends_on": date(2026, 6, 30),
        "last_check_in_on": last,
        "is_done": False,
        "is_deleted": False,
        "plan_active": True,
    }
    return rules.check_in_reminder(**{**args, **overrides})


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # Weekly, started Monday 2 March, never checked in: due Monday 9 March.
        (date(2026, 3, 7), None),  # two days before: nothing yet
        (date(2026, 3, 8), ("checkin_due", date(2026, 3, 9))),  # the day before
        (date(2026, 3, 9), ("checkin_due", date(2026, 3, 9))),
        (date(2026, 3, 11), ("checkin_due", date(2026, 3, 9))),  # two days late: still "due"
        (date(2026, 3, 12), ("checkin_overdue", date(2026, 3, 9))),  # 9 + 3
    ],
)
def test_weekly_check_in_is_due_seven_days_after_the_start(today, expected):
    assert reminder(today) == expected


def test_the_last_check_in_moves_the_due_date():
    # Checked in on 10 March: next due 17 March, the reminder from 16 March.
    assert reminder(date(2026, 3, 15), last=date(2026, 3, 10)) is None
    assert reminder(date(2026, 3, 16), last=date(2026, 3, 10)) == ("checkin_due", date(2026, 3, 17))


def test_monthly_and_quarterly_cadences_count_31_and_92_days():
    # 2 March + 31 days = 2 April; + 92 days = 2 June.
    assert reminder(date(2026, 4, 1), frequency_days=31) == ("checkin_due", date(2026, 4, 2))
    assert reminder(date(2026, 3, 31), frequency_days=31) is None
    assert reminder(date(2026, 6, 1), frequency_days=92) == ("checkin_due", date(2026, 6, 2))


@pytest.mark.parametrize(
    "overrides",
    [
        {"is_done": True},
        {"is_deleted": True},
        {"plan_active": False},  # a closed (or draft) plan
        {"ends_on": date(2026, 3, 10)},  # the key result ended before today
        {"starts_on": date(2026, 3, 20)},  # not started yet
    ],
)
def test_no_reminder_for_done_deleted_closed_or_not_running(overrides):
    assert reminder(date(2026, 3, 12), **overrides) is None


def test_local_today_follows_the_persons_time_zone():
    now = datetime(2026, 3, 7, 11, 0, tzinfo=UTC)
    assert rules.local_today(now, "UTC") == date(2026, 3, 7)
    assert rules.local_today(now, "Pacific/Kiritimati") == date(2026, 3, 8)  # UTC+14: 01:00
    assert rules.local_today(datetime(2026, 3, 7, 2, 0, tzinfo=UTC), "America/Los_Angeles") == (
        date(2026, 3, 6)  # UTC-8: 18:00 the day before
    )
    assert rules.local_today(now, "Not/AZone") == date(2026, 3, 7)  # unknown: the installation's


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        # Berlin is UTC+1 in early March: 19:30 UTC is 20:30 there, quiet until 08:00 = 07:00 UTC.
        (datetime(2026, 3, 9, 19, 30, tzinfo=UTC), "Europe/Berlin", datetime(2026, 3, 10, 7, 0)),
        # 05:00 UTC is 06:00 in Berlin: quiet until 08:00 the same day.
        (datetime(2026, 3, 10, 5, 0, tzinfo=UTC), "Europe/Berlin", datetime(2026, 3, 10, 7, 0)),
        # 12:00 UTC is 13:00 in Berlin: not quiet, send now.
        (datetime(2026, 3, 10, 12, 0, tzinfo=UTC), "Europe/Berlin", datetime(2026, 3, 10, 12, 0)),
        # 12:00 UTC is 21:00 in Tokyo (UTC+9): wait for 08:00 Tokyo = 23:00 UTC.
        (datetime(2026, 3, 10, 12, 0, tzinfo=UTC), "Asia/Tokyo", datetime(2026, 3, 10, 23, 0)),
    ],
)
def test_quiet_hours_hold_mail_until_eight_local(settings, now, zone, expected):
    settings.NOTIFICATIONS_QUIET_HOURS = (20, 8)
    assert rules.deliver_after(now, zone) == expected.replace(tzinfo=UTC)


def test_without_quiet_hours_mail_goes_now(settings):
    settings.NOTIFICATIONS_QUIET_HOURS = None
    now = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
    assert rules.deliver_after(now, "UTC") == now


def test_assessment_reminder_starts_a_week_ahead_unless_a_draft_is_under_way():
    due = date(2026, 4, 1)
    assert not rules.assessment_reminder(today=date(2026, 3, 24), due_on=due, has_draft=False)
    assert rules.assessment_reminder(today=date(2026, 3, 25), due_on=due, has_draft=False)
    assert not rules.assessment_reminder(today=date(2026, 4, 20), due_on=due, has_draft=True)


def test_weeks_start_on_monday():
    assert rules.week_start(date(2026, 3, 12)) == date(2026, 3, 9)
    assert rules.week_start(date(2026, 3, 9)) == date(2026, 3, 9)
