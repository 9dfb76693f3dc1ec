"""Writes for organisation data, and the audit trail every app records its decisions in."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import AuditEvent, User
from .policy import ROLE_GROUPS, Role


def audit_record(*, actor, verb: str, target, **detail) -> AuditEvent:
    """Write one audit row: `actor` did `verb` to `target` (any model instance)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        detail=detail,
    )


@transaction.atomic
def user_set_roles(*, user: User, roles: set[Role], actor) -> User:
    """Give `user` exactly `roles`; records one audit row when anything changed."""
    before = {g.name for g in user.groups.all()}
    role_groups = set(ROLE_GROUPS.values())
    wanted = {ROLE_GROUPS[role] for role in roles}
    keep = before - role_groups
    user.groups.set(Group.objects.filter(name__in=keep | wanted))
    if before & role_groups != wanted:
        audit_record(
            actor=actor,
            verb="roles_changed",
            target=user,
            before=sorted(before & role_groups),
            after=sorted(wanted),
        )
    user.__dict__.pop("_policy_roles", None)
    return user


@transaction.atomic
def api_token_create(*, user: User) -> Token:
    """Give `user` a fresh API token; an existing one stops working at once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(actor=user, verb="api_token_created", target=user)
    return token


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    """Delete `user`'s API token, if any."""
    if Token.objects.filter(user=user).delete()[0]:
        audit_record(actor=user, verb="api_token_revoked", target=user)


def user_language_set(*, user: User, language: str) -> User:
    """Store `user`'s interface language ("" = the browser's). Raises ValueError for a code that
    is not one of settings.LANGUAGES."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}.")
    if user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
    return user
