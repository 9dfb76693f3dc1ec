"""People's choices: per kind e-mail on/off and digest, their time zone, and one-click unsubscribe
links signed with SECRET_KEY (a tampered link is refused)."""

from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext

from accounts.services import audit_record

from .. import kinds
from ..models import NotificationPreference

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


class UnsubscribeLinkError(Exception):
    """The unsubscribe token is not one we signed (tampered, truncated or for an unknown kind)."""


@dataclass
class EffectivePreference:
    kind: kinds.Kind
    email: bool
    digest: str


def preferences_of(user) -> list[EffectivePreference]:
    """Every kind a person can receive, with their choice or the kind's default. One query."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    result = []
    for kind in kinds.person_kinds():
        row = stored.get(kind.key)
        result.append(
            EffectivePreference(
                kind=kind,
                email=row.email if row else kind.email_default,
                digest=(row.digest if row and kind.digestible else "off"),
            )
        )
    return result


@transaction.atomic
def preference_set(*, user, kind: str, email: bool, digest: str = "off") -> NotificationPreference:
    """Store one person's choice for one kind. Raises KeyError for an unknown kind, ValueError for
    a digest choice the kind does not allow."""
    kind_obj = kinds.get(kind)
    if digest not in NotificationPreference.Digest.values:
        raise ValueError(gettext("Unknown digest choice %r.") % digest)
    if digest != "off" and not kind_obj.digestible:
        raise ValueError(gettext("This kind cannot be collected in a digest."))
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email": email, "digest": digest}
    )
    return preference


@transaction.atomic
def time_zone_set(*, user, time_zone: str) -> None:
    """Store a person's time zone (an IANA name, or empty for the installation's)."""
    from zoneinfo import available_timezones

    if time_zone and time_zone not in available_timezones():
        raise ValueError(gettext("Unknown time zone %r.") % time_zone)
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=user.pk).update(time_zone=time_zone)
    user.time_zone = time_zone


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """(user id, kind) from a token; raises UnsubscribeLinkError when it is not ours."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kind = int(value["u"]), str(value["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise UnsubscribeLinkError(gettext("This unsubscribe link is not valid.")) from error
    if kind not in kinds.KINDS:
        raise UnsubscribeLinkError(gettext("This unsubscribe link is not valid."))
    return user_id, kind


@transaction.atomic
def unsubscribe(*, token: str):
    """Turn off e-mail of one kind for the person the token names; returns (user, kind).
    Idempotent. Raises UnsubscribeLinkError for a bad token or a person who no longer exists."""
    from django.contrib.auth import get_user_model

    user_id, kind = unsubscribe_read(token)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise UnsubscribeLinkError(gettext("This unsubscribe link is not valid."))
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email": False, "digest": "off"}
    )
    audit_record(actor=user, verb="notifications_unsubscribed", target=user, kind=kind)
    return user, kind
