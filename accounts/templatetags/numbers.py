"""`{{ value|percent }}` ("31.3 %" or "—") and `{{ value|one_decimal }}` ("31.3" or "—"): the
one way pages, PDFs and e-mails show a computed figure (see config.numbers)."""

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
