"""`{{ value|percent }}` ("31.3 %" / "31,3 %", or "—"), `{{ value|one_decimal }}` ("1,234.5" /
"1.234,5", or "—") and `{{ amount|money }}` ("€1,234.50" / "1.234,50 €"; `|money:"CHF"` for
another currency, `|money_whole` without cents): the one way pages, PDFs and e-mails show a
computed figure, in the active language's format (see config.numbers)."""

from decimal import Decimal

from django import template

from config.numbers import ONE_DECIMAL, money_text, number_text, percent_text

register = template.Library()


@register.filter
def percent(value) -> str:
    return percent_text(value)


@register.filter
def one_decimal(value) -> str:
    return number_text(value, ONE_DECIMAL)


@register.filter
def money(value, currency=None) -> str:
    """Two decimals; `currency` (ISO code) defaults to the organisation's."""
    return money_text(value, currency or None)


@register.filter
def money_whole(value, currency=None) -> str:
    """Whole units, for totals and dashboards: "€1,235" / "1.235 €"."""
    return money_text(value, currency or None, places=Decimal("1"))
