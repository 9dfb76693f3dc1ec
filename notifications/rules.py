"""When a reminder is due, and when an e-mail may go out: small pure functions, so that the
scheduler, the tests and the README say the same thing.

Check-in reminders (per key result, to its owner):
- the next check-in is due on D = last check-in (its date in the installation's time zone, as the
  plan pages show it) or, before the first check-in, the start date, plus the cadence: 7 days
  weekly, 31 monthly, 92 quarterly (strategy.models.FREQUENCY_DAYS);
- "check-in due" from D - 1 day; "check-in overdue" (the second, gentle nudge) from D + 3 days;
- "today" is the owner's date in their own time zone;
- nothing for a key result that is deleted, done, outside its start..due dates, or in a plan that
  is not active (closed or draft).

Re-assessment reminders (per assessment subject): due on the last submission + the subject's
cadence (adoption.services.next_due_on), sent from 7 days before, unless a draft is under way.

Quiet hours: reminder e-mails wait while the recipient's local time is within
NOTIFICATIONS_QUIET_HOURS (start, end), e.g. (20, 8) is 20:00-08:00."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

CHECKIN_DUE_LEAD_DAYS = 1
CHECKIN_OVERDUE_AFTER_DAYS = 3
ASSESSMENT_LEAD_DAYS = 7


def zone(name: str | None) -> ZoneInfo:
    """A person's time zone, or the installation's when theirs is empty or unknown."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def local_today(now: datetime, time_zone: str | None) -> date:
    return now.astimezone(zone(time_zone)).date()


def check_in_due_on(*, frequency_days: int, starts_on: date, last_check_in_on: date | None) -> date:
    """D: the day the next check-in is due."""
    return (last_check_in_on or starts_on) + timedelta(days=frequency_days)


def check_in_reminder(
    *,
    today: date,
    frequency_days: int,
    starts_on: date,
    ends_on: date,
    last_check_in_on: date | None,
    is_done: bool,
    is_deleted: bool,
    plan_active: bool,
) -> tuple[str, date] | None:
    """("checkin_due" | "checkin_overdue", D) when the owner should be nudged today, else None."""
    if is_deleted or is_done or not plan_active or not (starts_on <= today <= ends_on):
        return None
    due = check_in_due_on(
        frequency_days=frequency_days, starts_on=starts_on, last_check_in_on=last_check_in_on
    )
    if today >= due + timedelta(days=CHECKIN_OVERDUE_AFTER_DAYS):
        return "checkin_overdue", due
    if today >= due - timedelta(days=CHECKIN_DUE_LEAD_DAYS):
        return "checkin_due", due
    return None


def assessment_reminder(*, today: date, due_on: date, has_draft: bool) -> bool:
    """Whether a re-assessment due on `due_on` should be announced today."""
    return not has_draft and today >= due_on - timedelta(days=ASSESSMENT_LEAD_DAYS)


def quiet_hours() -> tuple[int, int] | None:
    hours = getattr(settings, "NOTIFICATIONS_QUIET_HOURS", None)
    return tuple(hours) if hours else None  # type: ignore[return-value]


def deliver_after(now: datetime, time_zone: str | None) -> datetime:
    """`now`, or the end of the recipient's quiet hours when `now` falls within them."""
    hours = quiet_hours()
    if not hours or hours[0] == hours[1]:
        return now
    start, end = hours
    local = now.astimezone(zone(time_zone))
    hour = local.hour
    quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return now
    end_day = local.date() if hour < end else local.date() + timedelta(days=1)
    wake = datetime.combine(end_day, time(end), tzinfo=local.tzinfo)
    return wake.astimezone(now.tzinfo)


def week_start(day: date) -> date:
    """The Monday of `day`'s week: weekly notifications are keyed by it."""
    return day - timedelta(days=day.weekday())
