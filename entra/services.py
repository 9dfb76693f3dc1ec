"""Writes for Entra sign-in: who the person is here, their profile, roles and business unit."""

import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import Role
from accounts.services import audit_record, user_set_roles

from .errors import SignInRefused
from .models import DepartmentRule, RoleMapping

logger = logging.getLogger(__name__)


def is_inventory_placeholder(user: User) -> bool:
    """A row the Power Platform inventory made for an owner it knows only by object id: inactive,
    without a usable password, never signed in. Such a row is activated when its person first
    signs in; any other inactive user was deactivated on purpose and stays refused."""
    return not user.is_active and not user.has_usable_password() and user.last_login is None


def roles_for(*, app_roles: list[str], groups: list[str]) -> set[Role]:
    """The roles that the admin's mappings give to these app roles and group ids."""
    if not app_roles and not groups:
        return set()
    mappings = RoleMapping.objects.filter(
        Q(kind=RoleMapping.Kind.APP_ROLE, value__in=app_roles)
        | Q(kind=RoleMapping.Kind.GROUP, value__in=[group.lower() for group in groups])
    )
    return {Role(role) for role in mappings.values_list("role", flat=True)}


def _username_for(claims: dict) -> str:
    base = re.sub(r"[^\w.@+-]", "-", claims.get("preferred_username") or "")[:120]
    base = base or f"entra-{claims['oid'][:8]}"
    if not User.objects.filter(username=base).exists():
        return base
    return f"{base}-{claims['oid'][:8]}"


def _find_or_claim(claims: dict, tenant: str) -> User | None:
    """The user with this (tenant, object id); else an inventory row with this object id and no
    tenant yet, which the person now claims; else, when the admin allows it, the local user with
    the same e-mail. Locked for update."""
    oid = claims["oid"]
    users = User.objects.select_for_update()
    user = users.filter(entra_tenant_id=tenant, entra_object_id=oid).first()
    if user is not None:
        return user
    user = users.filter(entra_tenant_id="", entra_object_id=oid).first()
    if user is not None:
        user.entra_tenant_id = tenant
        user.save(update_fields=["entra_tenant_id"])
        audit_record(actor=None, verb="entra_identity_claimed", target=user, oid=oid)
        logger.info("Entra sign-in: oid=%s claimed the inventory's user %s", oid, user.pk)
        return user
    email = (claims.get("email") or "").strip()
    same_email = users.filter(email__iexact=email, entra_object_id="") if email else users.none()
    matches = list(same_email[:2])
    if not matches:
        return None
    if not settings.ENTRA_LINK_BY_EMAIL or len(matches) > 1:
        raise SignInRefused(
            "email_not_linked",
            _(
                "An account with your e-mail address already exists here but is not linked to "
                "your Microsoft account. Ask your CoE to link it."
            ),
        )
    user = matches[0]
    user.entra_tenant_id, user.entra_object_id = tenant, oid
    user.save(update_fields=["entra_tenant_id", "entra_object_id"])
    audit_record(actor=None, verb="entra_identity_linked", target=user, oid=oid, email=email)
    logger.info("Entra sign-in: oid=%s linked to local user %s by e-mail", oid, user.pk)
    return user


def _create(claims: dict, tenant: str) -> User:
    user = User(
        username=_username_for(claims),
        entra_tenant_id=tenant,
        entra_object_id=claims["oid"],
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same person's first sign-in in another tab won the race: use that row.
        return User.objects.select_for_update().get(
            entra_tenant_id=tenant, entra_object_id=claims["oid"]
        )
    audit_record(actor=None, verb="entra_user_created", target=user, oid=claims["oid"])
    logger.info("Entra sign-in: created user %s for oid=%s", user.pk, claims["oid"])
    return user


def _refresh_profile(user: User, claims: dict) -> list[str]:
    """Copy the profile claims the token carries; returns the changed field names."""
    name = (claims.get("name") or "").strip()
    first = claims.get("given_name") or (name.split(" ", 1)[0] if name else "")
    last = claims.get("family_name") or (name.split(" ", 1)[1] if " " in name else "")
    wanted = {"first_name": first[:150], "last_name": last[:150]}
    if claims.get("email"):
        wanted["email"] = claims["email"][:254]
    if "jobTitle" in claims:
        wanted["job_title"] = (claims.get("jobTitle") or "")[:150]
    claim = settings.ENTRA_DEPARTMENT_CLAIM
    if claim and claim in claims:
        wanted["department"] = (claims.get(claim) or "").strip()[:150]
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, wanted[field])
    rule = DepartmentRule.objects.for_department(user.department)
    if rule is not None and user.business_unit_id != rule.business_unit_id:
        user.business_unit = rule.business_unit
        changed.append("business_unit")
    return changed


@transaction.atomic
def entra_sign_in(*, claims: dict, groups: list[str]) -> User:
    """The user for verified ID-token `claims` (tenant + object id, never the e-mail alone):
    found, claimed from the inventory, linked by e-mail (only when ENTRA_LINK_BY_EMAIL) or created.
    Refreshes name, e-mail, job title, department and business unit, and, unless roles are managed
    by hand (ENTRA_ROLES_FROM_TOKEN off), sets the roles exactly to what the mappings give
    (`groups` already resolved, overage included). Raises SignInRefused for a deactivated user."""
    tenant = claims["tid"]
    user = _find_or_claim(claims, tenant) or _create(claims, tenant)
    if not user.is_active:
        if not is_inventory_placeholder(user):
            raise SignInRefused(
                "deactivated", _("Your CoE Hub account has been deactivated. Ask your CoE.")
            )
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=None, verb="entra_placeholder_activated", target=user)
    changed = _refresh_profile(user, claims)
    # Stamped even when no role lets them in, so that the row no longer looks like a placeholder.
    user.last_login = timezone.now()
    user.save(update_fields=[*changed, "last_login"])
    if settings.ENTRA_ROLES_FROM_TOKEN:
        roles = roles_for(app_roles=[str(r) for r in claims.get("roles") or []], groups=groups)
        user_set_roles(user=user, roles=roles, actor=None)
    return user


@transaction.atomic
def role_mapping_create(
    *, actor: User, kind: str, value: str, role: str, note: str = ""
) -> RoleMapping:
    """Add a mapping (applied at each person's next sign-in); audited."""
    mapping = RoleMapping.objects.create(kind=kind, value=value, role=role, note=note)
    audit_record(actor=actor, verb="entra_rolemapping_added", target=mapping)
    return mapping


@transaction.atomic
def role_mapping_delete(*, actor: User, mapping: RoleMapping) -> None:
    """Remove a mapping: its people lose the role at their next sign-in; audited."""
    audit_record(actor=actor, verb="entra_rolemapping_removed", target=mapping)
    mapping.delete()


@transaction.atomic
def department_rule_create(*, actor: User, department: str, business_unit) -> DepartmentRule:
    """Map a department to a business unit (applied at each person's next sign-in); audited."""
    rule = DepartmentRule.objects.create(department=department, business_unit=business_unit)
    audit_record(actor=actor, verb="entra_departmentrule_added", target=rule)
    return rule


@transaction.atomic
def department_rule_delete(*, actor: User, rule: DepartmentRule) -> None:
    """Remove a rule; people keep their current business unit. Audited."""
    audit_record(actor=actor, verb="entra_departmentrule_removed", target=rule)
    rule.delete()
