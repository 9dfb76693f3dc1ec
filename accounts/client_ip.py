"""The address of the person at the other end, behind the reverse proxies we trust.

Behind a proxy REMOTE_ADDR is the proxy's own address: sign-in lockout keyed on it would lock
everyone out together. Each proxy appends the address it received the request from to
X-Forwarded-For, so with TRUSTED_PROXY_COUNT = n the client is the n-th entry from the right;
anything further left was written by the client and is not believed (a forged header cannot pick
someone else's address). With 0 (the default, no proxy) the header is ignored altogether.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address for `request` (used by django-axes as AXES_CLIENT_IP_CALLABLE)."""
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote  # not through all our proxies: a direct request, so its own address
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
