"""The delegated token for the inventory API, which accepts no application tokens.

An admin signs in once (authorization code with PKCE, through msal); the refresh token that
comes back is stored encrypted with Fernet (key: settings.INVENTORY_TOKEN_KEY) and turned into a
short-lived access token at each sync. Entra refresh tokens lapse after 90 days unused and each
use returns a new one, so the expiry shown is 90 days after the last use."""

from datetime import timedelta

import msal
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record

from .models import ApiConnection

SESSION_KEY = "inventory_auth_flow"
REFRESH_TOKEN_LIFETIME = timedelta(days=90)


class TokenError(Exception):
    """No usable token: not connected, revoked, expired, or the sign-in failed."""


def _fernet() -> Fernet:
    key = settings.INVENTORY_TOKEN_KEY
    if not key:
        raise TokenError(_("INVENTORY_TOKEN_KEY is not set: the token cannot be stored safely."))
    return Fernet(key.encode() if isinstance(key, str) else key)


def is_configured() -> bool:
    return bool(
        settings.INVENTORY_CLIENT_ID
        and settings.INVENTORY_TENANT_ID
        and settings.INVENTORY_TOKEN_KEY
    )


def _app():
    authority = f"{settings.ENTRA_AUTHORITY_HOST.rstrip('/')}/{settings.INVENTORY_TENANT_ID}"
    options = {"authority": authority, "instance_discovery": False, "timeout": 30}
    if settings.INVENTORY_CLIENT_SECRET:
        return msal.ConfidentialClientApplication(
            settings.INVENTORY_CLIENT_ID,
            client_credential=settings.INVENTORY_CLIENT_SECRET,
            **options,
        )
    return msal.PublicClientApplication(settings.INVENTORY_CLIENT_ID, **options)


def _scopes() -> list[str]:
    return [settings.INVENTORY_API_SCOPE]  # msal adds openid, profile and offline_access


def connect_start(*, session, redirect_uri: str) -> str:
    """Begin the admin's sign-in: keep msal's flow (state, nonce, PKCE verifier) in the session
    and return the address to send the browser to."""
    if not is_configured():
        raise TokenError(_("The inventory API is not configured (client, tenant and token key)."))
    flow = _app().initiate_auth_code_flow(_scopes(), redirect_uri=redirect_uri)
    session[SESSION_KEY] = flow
    return flow["auth_uri"]


def connect_finish(*, session, params: dict, actor) -> ApiConnection:
    """Redeem the code the sign-in returned (state and PKCE checked by msal) and store the
    refresh token encrypted. Raises TokenError with Entra's reason on failure."""
    flow = session.pop(SESSION_KEY, None)
    if not flow:
        raise TokenError(_("The sign-in expired or was already used; connect again."))
    try:
        result = _app().acquire_token_by_auth_code_flow(flow, params)
    except ValueError as exc:  # msal: state mismatch and the like
        raise TokenError(f"The sign-in answer was not valid: {exc}") from None
    if "error" in result or not result.get("refresh_token"):
        raise TokenError(result.get("error_description") or "No refresh token was returned.")
    claims = result.get("id_token_claims") or {}
    connection = _store(result["refresh_token"])
    connection.account = claims.get("preferred_username", "")[:254]
    connection.connected_by = actor
    connection.connected_at = timezone.now()
    connection.revoked_at = None
    connection.save()
    audit_record(actor=actor, verb="inventory_api_connected", target=connection)
    return connection


def _store(refresh_token: str) -> ApiConnection:
    connection, _ = ApiConnection.objects.get_or_create(pk=1)
    connection.refresh_token_encrypted = _fernet().encrypt(refresh_token.encode()).decode()
    connection.refreshed_at = timezone.now()
    connection.expires_at = connection.refreshed_at + REFRESH_TOKEN_LIFETIME
    connection.last_error = ""
    connection.save()
    return connection


def access_token() -> str:
    """A fresh access token for the inventory API, from the stored refresh token (which Entra
    rotates: the new one is stored). Raises TokenError when there is none or Entra refuses it
    (revoked, expired); the reason is kept on the connection for the admin page."""
    connection = ApiConnection.objects.filter(pk=1).first()
    if connection is None or not connection.is_connected:
        raise TokenError(_("The inventory API is not connected: an admin must connect it first."))
    try:
        refresh_token = _fernet().decrypt(connection.refresh_token_encrypted.encode()).decode()
    except InvalidToken:
        raise TokenError(
            _("The stored token cannot be decrypted (was the key changed?).")
        ) from None
    result = _app().acquire_token_by_refresh_token(refresh_token, scopes=_scopes())
    if "error" in result:
        reason = result.get("error_description") or result["error"]
        ApiConnection.objects.filter(pk=1).update(last_error=reason[:500])
        raise TokenError(f"Entra refused the stored token: {reason}")
    if result.get("refresh_token"):
        _store(result["refresh_token"])
    return result["access_token"]


def revoke(*, actor) -> None:
    """Forget the refresh token (the admin should also revoke the sessions in Entra)."""
    ApiConnection.objects.filter(pk=1).update(refresh_token_encrypted="", revoked_at=timezone.now())
    connection = ApiConnection.objects.filter(pk=1).first()
    if connection is not None:
        audit_record(actor=actor, verb="inventory_api_revoked", target=connection)
