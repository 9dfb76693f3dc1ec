"""Sign in with Microsoft: start (redirect to Entra), callback, the no-access page, sign-out."""

import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationRequestView, OIDCLogoutView

from accounts.models import User
from accounts.policy import Role, roles_of

from . import conf, provider
from .backend import UNREACHABLE, EntraBackend, unreachable_message
from .conf import library_setting
from .errors import ProviderUnavailable, SignInRefused

logger = logging.getLogger(__name__)

BACKEND_PATH = "entra.backend.EntraBackend"
SESSION_FLAG = "entra_sign_in"  # set on sessions that Entra signed in (for the sign-out)
NO_ACCESS = "entra_no_access"


def safe_next(request, url: str | None) -> str | None:
    """`url` when it stays on this site; otherwise None and a log line (open-redirect attempt)."""
    if not url:
        return None
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    logger.warning("Entra sign-in: refused an off-site next= %r", url[:200])
    return None


def _refuse(request, exc: SignInRefused):
    logger.warning("Entra sign-in refused: %s", exc.reason)
    messages.error(request, exc.message)
    return redirect("login")


@method_decorator(login_not_required, name="dispatch")
class EntraSignInView(OIDCAuthenticationRequestView):
    """Sends the browser to Entra's authorize endpoint with state, nonce and a PKCE challenge
    (the library keeps them in the session), after checking that the provider answers."""

    get_settings = staticmethod(library_setting)

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)  # the parent reads a fixed endpoint from settings
        self.OIDC_RP_CLIENT_ID = library_setting("OIDC_RP_CLIENT_ID")

    def get(self, request):
        if not conf.is_configured():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider.discovery()["authorization_endpoint"]
        except ProviderUnavailable:
            return _refuse(request, SignInRefused(UNREACHABLE, unreachable_message()))
        response = super().get(request)
        request.session["oidc_login_next"] = safe_next(request, request.GET.get("next"))
        return response

    def get_extra_params(self, request):
        # The code comes back in the query string: a cross-site form_post would arrive without
        # the SameSite=Lax session cookie that holds the state, nonce and PKCE verifier.
        return {"response_mode": "query"}


@method_decorator(login_not_required, name="dispatch")
class EntraCallbackView(View):
    """Where Entra sends the browser back: checks state, exchanges the code (with the PKCE
    verifier), checks the ID token, then signs the person in, or says clearly why not."""

    def get(self, request):
        if not conf.is_configured():
            raise Http404
        try:
            user, claims = self._authenticate(request)
        except SignInRefused as exc:
            return _refuse(request, exc)
        if not roles_of(user):
            logger.info("Entra sign-in: oid=%s has no role here", claims.get("oid"))
            auth.logout(request)  # whoever was signed in in this browser before is not any more
            request.session[NO_ACCESS] = {"name": str(user), "email": user.email}
            return redirect("entra:no_access")
        next_url = safe_next(request, request.session.get("oidc_login_next"))
        auth.login(request, user, backend=BACKEND_PATH)
        request.session[SESSION_FLAG] = {"login_hint": claims.get("login_hint", "")}
        logger.info("Entra sign-in: user %s (oid=%s) signed in", user.pk, claims["oid"])
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))

    def _authenticate(self, request):
        if request.GET.get("error"):
            error = re.sub(r"[^\w.-]", "_", request.GET["error"])[:60]  # no log injection
            raise SignInRefused(
                f"provider_error ({error})",
                _("Microsoft did not sign you in. Please try again or ask your CoE."),
            )
        code, state = request.GET.get("code"), request.GET.get("state")
        if not code or not state:
            raise SignInRefused("incomplete_callback", _incomplete_message())
        # Each state is used once: taken out of the session before anything else happens, so a
        # replayed or forged callback finds nothing.
        states = request.session.get("oidc_states") or {}
        flow = states.pop(state, None)
        request.session["oidc_states"] = states
        if flow is None:
            raise SignInRefused("unknown_state", _incomplete_message())
        request.session.save()
        backend = EntraBackend()
        user = backend.authenticate(
            request, nonce=flow["nonce"], code_verifier=flow["code_verifier"]
        )
        if user is None:
            raise SignInRefused("no_user", _incomplete_message())
        return user, backend.claims


def _incomplete_message() -> str:
    return _(
        "This sign-in link has expired or was already used, or did not come from your sign-in. "
        "Please sign in again."
    )


@login_not_required
def no_access(request):
    """The person signed in at Microsoft, but no role mapping gives them a role here."""
    person = request.session.get(NO_ACCESS)
    if person is None:
        return redirect("login")
    contacts = User.objects.with_role(Role.COE_LEAD).exclude(email="").order_by("first_name")[:3]
    context = {"person": person, "contacts": contacts, "sign_out_url": end_session_url(request)}
    return render(request, "entra/no_access.html", context)


def end_session_url(request) -> str:
    """Where sign-out sends the browser: Entra's end-session endpoint (which then returns to our
    sign-in page) for an Entra session, else our sign-in page."""
    back = resolve_url(settings.LOGOUT_REDIRECT_URL)
    flag = request.session.get(SESSION_FLAG)
    if (flag is None and NO_ACCESS not in request.session) or not conf.is_configured():
        return back
    try:
        endpoint = provider.discovery().get("end_session_endpoint")
    except ProviderUnavailable:
        return back
    if not endpoint:
        return back
    params = {
        "post_logout_redirect_uri": request.build_absolute_uri(back),
        "client_id": settings.OIDC_CLIENT_ID,
    }
    if flag and flag.get("login_hint"):
        params["logout_hint"] = flag["login_hint"]
    return f"{endpoint}?{urlencode(params)}"


@method_decorator(login_not_required, name="dispatch")
class SignOutView(OIDCLogoutView):
    """Sign-out (POST only): ends our session and, for an Entra session, Entra's as well
    (the library calls `end_session_url` through OIDC_OP_LOGOUT_URL_METHOD)."""

    get_settings = staticmethod(library_setting)
