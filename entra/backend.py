"""The authentication backend: mozilla-django-oidc's code exchange, with our own ID-token checks
and our own rule for who the person is (tenant + object id)."""

import logging

import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import graph, provider, services, tokens
from .conf import library_setting
from .errors import ProviderUnavailable, SignInRefused

logger = logging.getLogger(__name__)

UNREACHABLE = "provider_unreachable"


def unreachable_message() -> str:
    return _(
        "Microsoft sign-in cannot be reached right now. Please try again in a few minutes; "
        "if it keeps failing, tell your CoE."
    )


class EntraBackend(OIDCAuthenticationBackend):
    """Signs in the person an Entra ID token names. Called by the callback view only (its
    keyword-only arguments never match a password sign-in); raises SignInRefused with the reason
    instead of returning None, so that the person sees why."""

    get_settings = staticmethod(library_setting)

    def __init__(self, *args, **kwargs):
        # The parent reads fixed endpoints from settings here; ours come from discovery.
        self.OIDC_RP_CLIENT_ID = library_setting("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = library_setting("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = tokens.ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_TOKEN_ENDPOINT = self.OIDC_OP_USER_ENDPOINT = self.OIDC_OP_JWKS_ENDPOINT = ""
        self.UserModel = get_user_model()
        self.claims: dict = {}

    def authenticate(self, request, *, nonce: str, code_verifier: str):
        try:
            self.OIDC_OP_TOKEN_ENDPOINT = provider.discovery()["token_endpoint"]
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except requests.HTTPError as exc:
            if exc.response is None or exc.response.status_code >= 500:
                provider.mark_unreachable(str(exc))
                raise SignInRefused(UNREACHABLE, unreachable_message()) from exc
            # The token endpoint refused the code: already used (a replay), expired, or not
            # issued for this browser's PKCE verifier.
            raise SignInRefused(
                f"code_refused ({_token_error(exc.response)})",
                _(
                    "This sign-in could not be completed (it may have been used already). "
                    "Please sign in again."
                ),
            ) from exc
        except (requests.RequestException, ProviderUnavailable) as exc:
            provider.mark_unreachable(str(exc))
            raise SignInRefused(UNREACHABLE, unreachable_message()) from exc

    def verify_token(self, token, **kwargs):
        self.claims = tokens.id_token_claims(token, nonce=kwargs.get("nonce"))
        return self.claims

    def get_or_create_user(self, access_token, id_token, payload):
        # Graph (groups overage) is called before the database transaction opens.
        groups = graph.groups_of(payload, access_token)
        return services.entra_sign_in(claims=payload, groups=groups)

    def get_user(self, user_id):
        # Django's rule (inactive users lose their session), not the library's.
        return ModelBackend.get_user(self, user_id)


def _token_error(response) -> str:
    try:
        return str(response.json().get("error", response.status_code))
    except ValueError:
        return str(response.status_code)
