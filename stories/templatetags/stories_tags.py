"""Template helpers of the story pages: `{{ story.overview|markdown }}`, `{{ metric|change }}`."""

from django import template
from django.utils.formats import number_format
from django.utils.safestring import mark_safe

from stories.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    # render_markdown returns HTML that nh3 has already reduced to the allow-list.
    return mark_safe(render_markdown(text))  # noqa: S308


@register.filter
def signed_percent(value) -> str:
    """-83.3 → "-83.3 %", 12 → "+12.0 %", 0 → "±0 %", None → "—"; the decimal mark follows the
    active language ("-83,3 %" in German)."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("-" if value < 0 else "±")
    if not value:
        return f"{sign}0 %"
    digits = max(-abs(value).as_tuple().exponent, 0) if hasattr(value, "as_tuple") else 1
    return f"{sign}{number_format(abs(value), digits)} %"
