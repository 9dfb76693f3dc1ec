"""`{{ value|percent }}` ("31.3 %" or "—") and `{{ value|one_decimal }}` ("31.3" or "—"): the
one way pages, PDFs and e-mails show a computed figure (see config.numbers)."""

from decimal import Decimal

from django import template

from config.numbers import percent_text, round_half_up

register = template.Library()


@register.filter
def percent(value) -> str:
    return percent_text(value)


@register.filter
def one_decimal(value) -> str:
    rounded = round_half_up(value)
    return "—" if rounded is None else str(rounded)


# Temporary stand-in for the shared `money` filter (issue 18), so pages using `|money` render
# until the locale-aware filter lands; keep the shared one when merging.
_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}


@register.filter
def money(value) -> str:
    from django.core.cache import cache
    from django.utils.formats import number_format
    from django.utils.translation import get_language

    from accounts.models import Organisation

    if value in (None, ""):
        return "—"
    try:
        code = cache.get_or_set("numbers:currency", lambda: Organisation.current().currency, 60)
    except Exception:  # a cache that is down only costs a query
        code = Organisation.current().currency
    amount = number_format(round_half_up(value, Decimal("0.01")), 2, force_grouping=True)
    symbol = _SYMBOLS.get(code)
    if (get_language() or "").startswith("de"):
        return f"{amount}\u00a0{symbol or code}"
    return f"{symbol}{amount}" if symbol else f"{code}\u00a0{amount}"
