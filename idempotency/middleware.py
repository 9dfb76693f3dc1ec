"""Against double submits, in one place: a form that creates something carries a hidden one-time
token (`{% form_token %}`), and the first request that brings it consumes it.

A second request with the same token (a double click, the browser's "resend", Back and submit
again) creates nothing: it is redirected where the first one led, with a message. Concurrent
duplicates are decided by the unique constraint on FormToken.token: PostgreSQL makes the second
insert wait for the first request's transaction, then refuses it.

The token is consumed together with what the view writes, in one transaction: a refused, invalid
(4xx) or failed (5xx) answer rolls both back, so the form can be sent again. A form page that
is re-rendered (invalid input shown with status 200) carries a fresh token anyway.
"""

import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import FormToken

FIELD = "form_token"
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _token(request) -> uuid.UUID | None:
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return None
    if request.path_info.startswith("/api/"):
        return None  # the API has its own contract (e.g. a story's submission_token)
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None  # no token: a form that creates nothing, or a script; nothing to check


def _safe(url: str, request) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else ""


class OneSubmissionPerFormMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _token(request)
        # A visitor who is not signed in (an expired session) is sent to sign in: nothing is
        # saved, so the token is left for the form sent again afterwards.
        if token is None or not request.user.is_authenticated:
            return self.get_response(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    FormToken.objects.create(
                        token=token, user=request.user, path=request.path[:300]
                    )
            except IntegrityError:
                return self._already_sent(request, token)
            response = self.get_response(request)
            if response.status_code >= 400:
                transaction.set_rollback(True)  # nothing was done: the token stays usable
            elif response.has_header("Location"):
                FormToken.objects.filter(token=token).update(location=response["Location"][:500])
            return response

    def _already_sent(self, request, token: uuid.UUID):
        first = FormToken.objects.filter(token=token).values_list("location", flat=True).first()
        target = (
            _safe(first or "", request)
            or _safe(request.META.get("HTTP_REFERER", ""), request)
            or "/"
        )
        messages.info(request, _("This form had already been sent; it was saved once."))
        return HttpResponseRedirect(target)
