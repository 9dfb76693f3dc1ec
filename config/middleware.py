"""Every page requires a signed-in user unless its view is marked with @login_not_required."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


class LoginRequiredByDefaultMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, except for the API, which answers 401/403 itself."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RejectNulCharactersMiddleware:
    """A NUL character in the query string is a 400: PostgreSQL cannot compare text with one, so
    it would otherwise surface as a server error in whichever view filters on the parameter.
    (Form fields already refuse NUL characters themselves.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = request.GET.lists()
        if any("\x00" in name + "".join(values) for name, values in params):
            reason = _("Request parameters must not contain NUL characters.")
            if is_api_request(request):  # the API answers every error in JSON
                return JsonResponse({"detail": reason}, status=400)
            return HttpResponseBadRequest(reason)
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """Opening a POST-only address (an action view, `require_POST`, a View without `get()`) gets
    Django's empty 405, which browsers show as a blank page. Every such answer of a page view is
    turned here, in one place, into the product's page with a way back; the API keeps its JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not isinstance(response, HttpResponseNotAllowed)
            or response.content
            or request.path_info.startswith("/api/")
        ):
            return response
        referer = request.META.get("HTTP_REFERER", "")
        back = (
            referer
            if referer
            and url_has_allowed_host_and_scheme(
                referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            else ""
        )
        page = render(request, "405.html", {"back_url": back}, status=405)
        page["Allow"] = response["Allow"]
        return page


class RequestSizeLimitMiddleware:
    """A request body over the limit is refused with 413 before anything reads it: a friendly page
    on the site, a JSON reason on the API. (Django alone checks DATA_UPLOAD_MAX_MEMORY_SIZE only
    when a form reads the body, and then answers 400; DRF's JSON parser does not check at all.)

    Uploads (multipart) may be larger, up to MAX_UPLOAD_REQUEST_SIZE: several pictures of a story
    in one form. Their text fields are still held to DATA_UPLOAD_MAX_MEMORY_SIZE by Django, and
    config.views.bad_request turns that refusal into a 413 as well."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        content_type = request.META.get("CONTENT_TYPE", "")
        limit = (
            settings.MAX_UPLOAD_REQUEST_SIZE
            if content_type.startswith("multipart/form-data")
            else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if limit is not None and length > limit:
            return request_too_large(request, limit)
        if content_type.startswith("multipart/form-data") and not is_api_request(request):
            # Parse the site's uploads here (CSRF checking would, a step later) so that fields over
            # the limit are a 413 page, not Django's 400 (a debug page with DEBUG on).
            try:
                request.POST  # noqa: B018
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
                return request_too_large(request)
        return self.get_response(request)


def request_too_large(request, limit: int | None = None) -> HttpResponse:
    """413: JSON with the reason for the API, the site's page for everything else."""
    reason = _("The request is larger than %(size)s, the most this site accepts.") % {
        "size": megabytes(limit or settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    }
    if is_api_request(request):
        return JsonResponse({"detail": reason}, status=413)
    return HttpResponse(
        render_to_string("413.html", {"reason": reason}, request=request), status=413
    )


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def is_api_request(request) -> bool:
    return request.path_info.startswith("/api/")
