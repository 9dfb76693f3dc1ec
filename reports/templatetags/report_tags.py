from django import template

from reports.schedules import describe_schedule

register = template.Library()


@register.filter
def schedule_in_words(definition) -> str:
    """{{ definition|schedule_in_words }}: "monthly, on the 1st at 06:00"."""
    return describe_schedule(definition)
