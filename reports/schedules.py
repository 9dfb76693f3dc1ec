"""Report schedules in words ("monthly, on the 1st at 06:00") for people who do not read cron.

Covers what the product offers (the monthly and quarterly cadences) and the usual shapes of a
custom schedule: daily, on some weekdays, on a day of every month or of some months, each at one
time of day. Anything else returns None, and the page shows the expression itself.
"""

from django.contrib.humanize.templatetags.humanize import ordinal
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .models import ReportDefinition
from .services import cron_of

QUARTER_STARTS = "1,4,7,10"


def _numbers(field: str, low: int, high: int) -> list[int] | None:
    """ "1,4,7" or "1-5" (or a mix) as numbers; None for steps, names or out-of-range values."""
    numbers: list[int] = []
    for part in field.split(","):
        first, _dash, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            return None
        start, end = int(first), int(last or first)
        if not low <= start <= end <= high:
            return None
        numbers.extend(range(start, end + 1))
    return numbers


def _weekdays(field: str) -> str | None:
    numbers = _numbers(field, 0, 7)
    if numbers is None:
        return None
    days = sorted({(n - 1) % 7 for n in numbers})  # cron: 0 and 7 are Sunday; WEEKDAYS: 0 Monday
    if days == [0, 1, 2, 3, 4]:
        return _("every weekday (Monday to Friday)")
    return _("every %(days)s") % {"days": get_text_list([str(WEEKDAYS[d]) for d in days], _("and"))}


def describe_cron(expression: str) -> str | None:
    """The expression in words, or None when it is not one of the shapes above."""
    fields = expression.split()
    if len(fields) != 5:
        return None
    minute, hour, day, month, weekday = fields
    if not (minute.isdigit() and hour.isdigit() and int(minute) < 60 and int(hour) < 24):
        return None
    at = _("at %(time)s") % {"time": f"{int(hour):02d}:{int(minute):02d}"}
    if day == "*" and month == "*":
        when = _("daily") if weekday == "*" else _weekdays(weekday)
    elif weekday == "*" and (days := _numbers(day, 1, 31)) is not None and len(days) == 1:
        on_day = ordinal(days[0])
        if month == "*":
            when = _("monthly, on the %(day)s") % {"day": on_day}
        elif month == QUARTER_STARTS:
            when = _("quarterly, on the %(day)s of January, April, July and October") % {
                "day": on_day
            }
        elif (months := _numbers(month, 1, 12)) is not None:
            names = get_text_list([str(MONTHS[m]) for m in months], _("and"))
            when = _("yearly, on the %(day)s of %(months)s") % {"day": on_day, "months": names}
        else:
            return None
    else:
        return None
    return None if when is None else f"{when} {at}"


def describe_schedule(definition: ReportDefinition) -> str:
    """What the definition's schedule says in words (its cron expression if no words fit)."""
    expression = cron_of(definition)
    return describe_cron(expression) or expression
