from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import BadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView
from django.views.i18n import set_language
from rest_framework.authtoken.models import Token

from config import figures_cache
from config.navigation import HOME_PANELS
from entra.forms import LocalSignInForm
from entra.signin import sign_in_options

from .forms import LanguageForm
from .models import BusinessUnit
from .policy import PolicyRequiredMixin, primary_role
from .services import api_token_create, api_token_revoke, user_language_set


class HomeView(TemplateView):
    """The start page: panels chosen by the user's highest role."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = primary_role(self.request.user)
        panels = [
            self._panel(path, role, shared) for path, roles, shared in HOME_PANELS if role in roles
        ]
        context["role"] = role
        context["panels"] = [panel for panel in panels if panel]
        return context

    def _panel(self, path: str, role, shared: bool) -> str | None:
        panel = import_string(path)
        if not shared:
            return panel(self.request)
        # A panel with nothing to show is kept as "" (the cache does not keep None).
        key = f"home-panel:{get_language()}:{role.value}:{timezone.localdate()}:{path}"
        return figures_cache.cached(key, lambda: panel(self.request) or "")


class BusinessUnitListView(PolicyRequiredMixin, ListView):
    """The organisation's units as an indented tree."""

    permission_action = "accounts.view_directory"
    template_name = "accounts/business_unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return BusinessUnit.objects.with_depth()


class BusinessUnitDetailView(PolicyRequiredMixin, DetailView):
    permission_action = "accounts.view_directory"
    template_name = "accounts/business_unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):
        return BusinessUnit.objects.select_related("parent", "leader")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.select_related("leader")
        context["members"] = self.object.members.filter(is_active=True).prefetch_related("groups")
        return context


class ProfileView(TemplateView):
    """The signed-in user's own details, roles and API token."""

    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["token"] = Token.objects.filter(user=self.request.user).first()
        # The key is shown once, right after it was created; afterwards only that one exists.
        context["new_token_key"] = self.request.session.pop("new_token_key", None)
        context["language_form"] = LanguageForm(
            initial={"language": self.request.user.language, "next": self.request.path}
        )
        return context


class TokenCreateView(View):
    """Create the user's API token, replacing (and so revoking) any previous one."""

    def post(self, request):
        token = api_token_create(user=request.user)
        request.session["new_token_key"] = token.key
        messages.success(
            request, _("A new API token was created. Copy it now: it is shown only once.")
        )
        return redirect("accounts:profile")


class TokenRevokeView(View):
    """Revoke the user's API token: requests that carry it are refused from now on."""

    def post(self, request):
        api_token_revoke(user=request.user)
        messages.success(request, _("Your API token was revoked."))
        return redirect("accounts:profile")


class SignInView(LoginView):
    """Django's sign-in, with "Sign in with Microsoft" when Entra is configured (see entra); on a
    local demo installation it also lists the demo logins."""

    redirect_authenticated_user = True
    authentication_form = LocalSignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sign_in_options(self.request))
        if settings.SHOW_DEMO_LOGINS:
            from .demo import DEMO_PASSWORD, USERS

            context["demo_logins"] = [(u[0], u[5].label) for u in USERS]
            context["demo_password"] = DEMO_PASSWORD
        return context


@method_decorator(login_not_required, name="dispatch")
class LanguageSetView(View):
    """Choose the interface language: Django's set_language (the language cookie, then back to
    `next`), and for a signed-in person also their profile, so that every device and every
    e-mail follows. An empty choice means "the browser's": the cookie is removed."""

    http_method_names = ["post"]

    def post(self, request):
        form = LanguageForm(request.POST)
        if not form.is_valid():
            raise BadRequest(_("Choose one of the languages offered."))
        language = form.cleaned_data["language"]
        if language:
            response = set_language(request)
        else:
            response = redirect(self._next_url(request))
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        if request.user.is_authenticated:
            user_language_set(user=request.user, language=language)
        return response

    @staticmethod
    def _next_url(request) -> str:
        url = request.POST.get("next") or request.headers.get("referer") or "/"
        allowed = url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return url if allowed else "/"
