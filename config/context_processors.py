from django.urls import reverse

from accounts.policy import can, primary_role

from .navigation import NAV_ITEMS


def navigation(request) -> dict:
    """The navigation entries the signed-in user may use, and their role for the header. Worked
    out once per request: every fragment rendered with the request (the panels of the home page,
    say) runs the context processors again."""
    if not hasattr(request, "_navigation"):
        request._navigation = _navigation(request)
    return request._navigation


def _navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role": None}
    namespace = getattr(getattr(request, "resolver_match", None), "namespace", "")
    items = [
        {"label": item.label, "url": reverse(item.url_name), "active": namespace == item.section}
        for item in NAV_ITEMS
        if can(user, item.action)
    ]
    return {"nav_items": items, "user_role": primary_role(user)}
