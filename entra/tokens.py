"""Checks an ID token: signature by a key the provider publishes, issuer, audience, lifetime
(with a little clock skew), nonce and tenant. Each failure is a SignInRefused with its reason."""

import hmac

import jwt
from django.conf import settings
from django.utils.translation import gettext as _

from . import conf, provider
from .errors import SignInRefused

ALGORITHM = "RS256"  # Entra signs ID tokens with RS256


def _refused(reason: str) -> SignInRefused:
    if reason in ("token_expired", "token_not_yet_valid"):
        message = _(
            "Microsoft sign-in failed: the answer from Microsoft is outside its validity period "
            "(a clock may be wrong). Please try again."
        )
    else:
        message = _("Microsoft sign-in failed: the answer from Microsoft could not be trusted.")
    return SignInRefused(reason, message)


def id_token_claims(token: str | None, *, nonce: str | None) -> dict:
    """The verified claims of `token`; raises SignInRefused when any check fails."""
    if not token:
        raise _refused("no_id_token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise _refused("malformed_token") from exc
    if header.get("alg") != ALGORITHM:
        raise _refused(f"algorithm_{header.get('alg')}")
    key = provider.signing_key(header.get("kid"), ALGORITHM)
    if key is None:
        raise _refused("unknown_signing_key")
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[ALGORITHM],
            audience=settings.OIDC_CLIENT_ID,
            issuer=conf.issuer(),
            leeway=settings.OIDC_CLOCK_SKEW,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _refused("token_expired") from exc
    except jwt.ImmatureSignatureError as exc:
        raise _refused("token_not_yet_valid") from exc
    except jwt.InvalidAudienceError as exc:
        raise _refused("wrong_audience") from exc
    except jwt.InvalidIssuerError as exc:
        raise _refused("wrong_issuer") from exc
    except jwt.InvalidSignatureError as exc:
        raise _refused("bad_signature") from exc
    except jwt.InvalidTokenError as exc:
        raise _refused(f"invalid_token_{exc.__class__.__name__}") from exc
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise _refused("nonce_mismatch")
    if claims.get("tid") != conf.tenant_id():
        raise SignInRefused(
            "other_tenant",
            _("Microsoft sign-in failed: this account belongs to another organisation."),
        )
    if not claims.get("oid"):
        raise _refused("no_object_id")
    return claims
