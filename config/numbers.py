"""Rounding and writing figures for people, in one place: figures are computed from exact values
and rounded once, half-up (31.25 → 31.3), when they are shown or written out. A result that rounds
to zero is plain zero, never "-0.0".

The text functions write in the active language's format (config/formats): "1,234.5" and
"€1,234.50" in English, "1.234,5" and "1.234,50 €" in German. Pages, PDFs, CSV files and
e-mails use them (a Celery job renders inside `translation.override(recipient's language)`)."""

from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")
FOUR_DECIMALS = Decimal("0.0001")


def round_half_up(value, places: Decimal = ONE_DECIMAL) -> Decimal | None:
    """`value` (Decimal, int, float or numeric text) rounded half-up to `places`; None stays
    None. Floats go through their shortest text form, so 31.25 stays 31.25 before rounding."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = number.quantize(places, rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # no negative zero


def display_float(value, places: Decimal = ONE_DECIMAL) -> float | None:
    """The rounded figure as a JSON number (API answers, chart data, frozen report data)."""
    rounded = round_half_up(value, places)
    return None if rounded is None else float(rounded)


def _decimals(places: Decimal) -> int:
    return max(0, -places.as_tuple().exponent)


def number_text(value, places: Decimal = ONE_DECIMAL) -> str:
    """The figure rounded half-up to `places`, grouped, in the active language: "1,234.5" /
    "1.234,5"; "—" when there is no figure."""
    rounded = round_half_up(value, places)
    if rounded is None:
        return "—"
    return number_format(rounded, _decimals(places), use_l10n=True, force_grouping=True)


def percent_text(value, places: Decimal = ONE_DECIMAL) -> str:
    """ "31.3 %" (German "31,3 %") for pages, CSV and PDF; "—" when there is no figure."""
    text = number_text(value, places)
    return text if text == "—" else f"{text} %"


# Currency symbols written instead of the ISO code; other currencies show their code ("CHF").
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}
# Languages that write the currency after the amount ("1.234,50 €"); the others before it
# ("€1,234.50", "CHF 1,234.50").
CURRENCY_AFTER_AMOUNT = {"de"}


# The organisation's currency, read once per request or task (not once per figure on a page):
# forgotten when a request or a Celery task starts (accounts.apps) and when the organisation is
# saved.
_currency: ContextVar[str | None] = ContextVar("organisation_currency", default=None)


def default_currency() -> str:
    """The organisation's currency (ISO 4217), else settings.CURRENCY, else EUR; one query per
    request or task at most."""
    code = _currency.get()
    if code is None:
        from accounts.models import Organisation

        code = Organisation.objects.filter(pk=1).values_list("currency", flat=True).first()
        code = code or getattr(settings, "CURRENCY", "") or "EUR"
        _currency.set(code)
    return code


def forget_default_currency(**_signal) -> None:
    """Read the organisation's currency afresh next time (a new request, task or a change)."""
    _currency.set(None)


def money_text(value, currency: str | None = None, places: Decimal = TWO_DECIMALS) -> str:
    """An amount of money in the active language: "€1,234.50" / "1.234,50 €", "-€12.00",
    "CHF 1,234.50" / "1.234,50 CHF"; "—" when there is no figure. `currency` defaults to the
    organisation's."""
    rounded = round_half_up(value, places)
    if rounded is None:
        return "—"
    code = (currency or default_currency()).upper()
    symbol = CURRENCY_SYMBOLS.get(code, code)
    amount = number_format(abs(rounded), _decimals(places), use_l10n=True, force_grouping=True)
    sign = "-" if rounded < 0 else ""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language in CURRENCY_AFTER_AMOUNT:
        return f"{sign}{amount} {symbol}"
    gap = "" if len(symbol) == 1 else " "
    return f"{sign}{symbol}{gap}{amount}"
