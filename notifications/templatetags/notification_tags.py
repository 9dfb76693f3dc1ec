"""The bell in the header. The page itself runs no query for it: a small script asks
/notifications/unread/ (one indexed count) and fills in the badge, so that every page's query
count stays what its own app measured."""

from django import template

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    user = context.get("user")
    return {"show": bool(user is not None and user.is_authenticated)}
