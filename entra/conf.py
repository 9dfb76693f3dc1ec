"""Where Entra sign-in reads its configuration: the OIDC_* and ENTRA_* settings (see README)."""

from urllib.parse import urlsplit

from django.conf import settings

# What mozilla-django-oidc's views and backend read through `get_settings()`; the endpoints come
# from the provider's discovery document at run time, never from settings.
_LIBRARY_SETTINGS = {
    "OIDC_USE_NONCE": True,
    "OIDC_USE_PKCE": True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
    "OIDC_AUTHENTICATION_CALLBACK_URL": "entra:callback",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_VERIFY_SSL": True,
    "OIDC_TOKEN_USE_BASIC_AUTH": False,
    "OIDC_OP_LOGOUT_URL_METHOD": "entra.views.end_session_url",
}


def library_setting(name: str, *default):
    """A setting for mozilla-django-oidc, derived from ours."""
    derived = {
        "OIDC_RP_CLIENT_ID": settings.OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.OIDC_CLIENT_SECRET,
        "OIDC_RP_SCOPES": settings.OIDC_SCOPES,
        "OIDC_TIMEOUT": settings.OIDC_TIMEOUT,
        "LOGOUT_REDIRECT_URL": settings.LOGOUT_REDIRECT_URL,
    }
    if name in derived:
        return derived[name]
    if name in _LIBRARY_SETTINGS:
        return _LIBRARY_SETTINGS[name]
    if default:
        return getattr(settings, name, default[0])
    return getattr(settings, name)


def is_configured() -> bool:
    """Entra sign-in is offered when the issuer, client id and client secret are all set."""
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET)


def issuer() -> str:
    return settings.OIDC_ISSUER.rstrip("/")


def tenant_id() -> str:
    """The one tenant whose people may sign in: OIDC_TENANT_ID, else the first segment of the
    issuer's path (`https://login.microsoftonline.com/<tenant id>/v2.0`)."""
    if settings.OIDC_TENANT_ID:
        return settings.OIDC_TENANT_ID
    segments = [part for part in urlsplit(issuer()).path.split("/") if part]
    return segments[0] if segments else ""
