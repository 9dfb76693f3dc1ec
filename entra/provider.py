"""The identity provider's discovery document and signing keys, fetched with short timeouts and
cached (the keys are fetched again when a token names a key we do not know: key rotation)."""

import hashlib
import logging

import jwt
import requests
from django.conf import settings
from django.core.cache import cache

from . import conf
from .errors import ProviderUnavailable

logger = logging.getLogger(__name__)

DISCOVERY_SECONDS = 60 * 60
JWKS_SECONDS = 60 * 60
UNREACHABLE_SECONDS = 60  # how long the sign-in page says "could not be reached"


def _key(kind: str, url: str) -> str:
    return f"entra:{kind}:{hashlib.sha256(url.encode()).hexdigest()[:32]}"


def fetch_json(url: str, *, method: str = "GET", **kwargs) -> dict:
    """One call to the provider or Graph; any network error, timeout, 5xx or non-JSON answer
    becomes ProviderUnavailable (never a 500 page)."""
    try:
        response = requests.request(method, url, timeout=settings.OIDC_TIMEOUT, **kwargs)
        if response.status_code >= 500:
            raise ProviderUnavailable(f"{url} answered {response.status_code}")
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"{url}: {exc.__class__.__name__}: {exc}") from exc
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"{url} did not answer a JSON object")
    return data


def mark_unreachable(reason: str) -> None:
    logger.warning("Entra sign-in: provider unreachable: %s", reason)
    cache.set(_key("unreachable", conf.issuer()), True, UNREACHABLE_SECONDS)


def recently_unreachable() -> bool:
    """Whether a call to the provider failed in the last minute (read from the cache only: the
    sign-in page never waits for the provider)."""
    return bool(cache.get(_key("unreachable", conf.issuer())))


def discovery() -> dict:
    """The provider's OpenID configuration. Its `issuer` must equal OIDC_ISSUER exactly."""
    issuer = conf.issuer()
    key = _key("discovery", issuer)
    document = cache.get(key)
    if document is None:
        try:
            document = fetch_json(f"{issuer}/.well-known/openid-configuration")
        except ProviderUnavailable as exc:
            mark_unreachable(str(exc))
            raise
        missing = {"authorization_endpoint", "token_endpoint", "jwks_uri"} - document.keys()
        if document.get("issuer", "").rstrip("/") != issuer or missing:
            mark_unreachable(f"discovery document of {issuer} is not this issuer's")
            raise ProviderUnavailable("discovery document does not match OIDC_ISSUER")
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def _jwks(*, fresh: bool) -> list[dict]:
    uri = discovery()["jwks_uri"]
    key = _key("jwks", uri)
    keys = None if fresh else cache.get(key)
    if keys is None:
        try:
            keys = fetch_json(uri).get("keys", [])
        except ProviderUnavailable as exc:
            mark_unreachable(str(exc))
            raise
        cache.set(key, keys, JWKS_SECONDS)
    return keys


def signing_key(kid: str | None, alg: str) -> jwt.PyJWK | None:
    """The published key with this `kid` (and algorithm), or None. A kid missing from the cached
    set makes us fetch the JWKS once more, so a rotated key works at once."""
    for fresh in (False, True):
        for jwk in _jwks(fresh=fresh):
            if (
                jwk.get("kid") == kid
                and jwk.get("alg", alg) == alg
                and jwk.get("use", "sig") == "sig"
            ):
                return jwt.PyJWK(jwk, algorithm=alg)
    return None
