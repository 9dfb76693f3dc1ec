"""Every page requires a signed-in user unless its view is marked with @login_not_required."""

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


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
            return HttpResponseBadRequest("Request parameters must not contain NUL characters.")
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
