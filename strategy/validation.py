"""Rules for a key result's and a KPI's figures, shared by the forms and the API serializers."""

from decimal import Decimal

from django.utils.translation import gettext as _


def check_currency(data: dict) -> dict[str, str]:
    """Upper-cases `currency`; a money unit needs a three-letter code, other units drop it."""
    currency = (data.get("currency") or "").strip().upper()
    data["currency"] = currency if data.get("unit") == "currency" else ""
    if data.get("unit") != "currency":
        return {}
    if not currency:
        return {"currency": _("A money figure needs its currency code, e.g. EUR.")}
    if len(currency) != 3 or not currency.isalpha():
        return {"currency": _("Use a three-letter ISO 4217 code, e.g. EUR or USD.")}
    return {}


def check_key_result(data: dict) -> dict[str, str]:
    """Errors by field for a key result's figures and dates ({} when all is well). A milestone's
    baseline and target are set to 0 and 1 in `data`, whatever was given."""
    errors: dict[str, str] = {}
    kind = data.get("kind")
    baseline, target = data.get("baseline"), data.get("target")
    if kind == "milestone":
        data["baseline"], data["target"] = Decimal(0), Decimal(1)
    elif baseline is not None and target is not None:
        if target == baseline:
            errors["target"] = _("The target must differ from the baseline.")
        elif kind == "increase" and target < baseline:
            errors["target"] = _("An increase needs a target above the baseline.")
        elif kind == "decrease" and target > baseline:
            errors["target"] = _("A decrease needs a target below the baseline.")
    starts, due = data.get("starts_on"), data.get("due_on")
    if starts and due and due < starts:
        errors["due_on"] = _("The due date cannot be before the start date.")
    weight = data.get("weight")
    if weight is not None and weight <= 0:
        errors["weight"] = _("The weight must be greater than zero.")
    errors.update(check_currency(data))
    return errors
