"""`{% page_panels "stories.story_detail" story %}`: the panels other apps registered for a page
in config.navigation.PAGE_PANELS (so a lower app shows a higher app's links without importing
it)."""

from django import template
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe

from config.navigation import PAGE_PANELS

register = template.Library()


@register.simple_tag(takes_context=True)
def page_panels(context, page: str, obj=None) -> str:
    request = context["request"]
    parts = [import_string(path)(request, obj) for path in PAGE_PANELS.get(page, [])]
    # Each panel returns HTML rendered by a template with autoescaping on.
    return mark_safe("".join(part for part in parts if part))  # noqa: S308
