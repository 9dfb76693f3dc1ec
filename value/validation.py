"""Rules for solutions, value records and costs, shared by the forms and the API serializers.

Each check takes the values as given (a serializer's partial update fills in the stored ones
first) and returns errors by field name, {} when all is well; NON_FIELD holds an error about the
whole record."""

from datetime import date

from django.utils.translation import gettext as _

NON_FIELD = "__all__"
AMOUNT_FIELDS = ("hours_saved", "cost_avoided", "revenue", "other_value")


def check_solution_dates(go_live_on: date | None, retired_on: date | None) -> dict[str, str]:
    if retired_on and not go_live_on:
        return {"retired_on": _("Give the go-live date first.")}
    if go_live_on and retired_on and retired_on < go_live_on:
        return {"retired_on": _("The retirement date cannot be before the go-live date.")}
    return {}


def check_value_month(month: date, today: date | None = None) -> dict[str, str]:
    if month > (today or date.today()):
        return {"month": _("Value can only be recorded for this month or earlier.")}
    return {}


def check_value_amounts(data: dict) -> dict[str, str]:
    """A record must be worth something: hours saved or an amount of money."""
    if not any(data.get(name) for name in AMOUNT_FIELDS):
        return {NON_FIELD: _("Enter hours saved or an amount.")}
    return {}


def check_unit_cost(is_staff_hour: bool, measure: str) -> dict[str, str]:
    if is_staff_hour and measure != "hour":
        return {"measure": _("A staff-hour rate is measured per hour.")}
    return {}


def check_period(starts_on: date | None, ends_on: date | None) -> dict[str, str]:
    if starts_on and ends_on and ends_on < starts_on:
        return {"ends_on": _("The period cannot end before it starts.")}
    return {}
