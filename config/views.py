"""Site-wide views: health check, error pages and uploaded media."""

import functools

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import (
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app
from .files import media_response
from .middleware import is_api_request, request_too_large

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


# How long /healthz waits for the broker: one attempt, whatever the broker settings say, so a
# broker that accepts connections but never answers is reported within about half a second.
BROKER_PROBE_SECONDS = 0.4


@functools.cache
def _redis_client(url: str):
    """One client (with its connection pool) per broker URL and process: a healthy probe is a
    PING on an open connection, well under a millisecond."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url,
        socket_timeout=BROKER_PROBE_SECONDS,
        socket_connect_timeout=BROKER_PROBE_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )


def _broker_ok() -> bool:
    url = celery_app.conf.broker_url or ""
    try:
        if url.startswith(("redis://", "rediss://")):
            return bool(_redis_client(url).ping())
        # The folder broker of the embedded set-up (or memory in tests): connecting is local.
        with celery_app.connection_for_write(connect_timeout=BROKER_PROBE_SECONDS) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_PROBE_SECONDS)
        return True
    except Exception:
        return False


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: 200 when the database and the broker both answer."""
    status = {
        "database": "ok" if _database_ok() else "unavailable",
        "broker": "ok" if _broker_ok() else "unavailable",
    }
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **status}, status=200 if healthy else 503
    )


@require_GET
def media(request, path: str):
    """A stored file, to those whom the policy lets see the object it belongs to (config.files);
    anything else is a 404."""
    return media_response(request.user, path)


def bad_request(request, exception):
    """400, except for a body Django refused as too large (form fields over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files): that is a 413 with its reason."""
    if isinstance(exception, TOO_LARGE):
        return request_too_large(request)
    if is_api_request(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    # Under /api/ a path that names no endpoint (an id no route accepts, such as "0.5") is
    # answered like every API error: JSON with the reason, not the site's page.
    if is_api_request(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    if is_api_request(request):
        return JsonResponse({"detail": _("You do not have permission to do this.")}, status=403)
    return render(request, "403.html", status=403)


def server_error(request):
    # Rendered without the request's context processors: the failure may be the database itself.
    return HttpResponseServerError(loader.get_template("500.html").render({}))


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to: send them to the icon (resolved
    per request, as the static files manifest exists only after collectstatic)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
