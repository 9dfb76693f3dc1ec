"""The bell in the header: one indexed count query per page for a signed-in user."""

from django import template

from ..models import Notification

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    # Counting at most 100 rows keeps the query cheap for someone who never reads them.
    unread = len(Notification.objects.for_person(user).unread().values_list("pk", flat=True)[:100])
    return {"show": True, "unread": unread}
