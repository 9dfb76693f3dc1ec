"""The permission policy: who may see, create, change or review what.

This module is the one place that answers "may this user do this?". Pages ask it through
`PolicyRequiredMixin`, the API through `PolicyPermission`, templates through `{% can %}` and
querysets through `roles_of()`. An action is named "<app>.<verb>_<thing>"; every action has a rule
`(user, obj) -> bool`, where `obj` is None when the question is "may they do this kind of thing at
all" (showing a button, opening a create form).

Roles are Django groups, so admins assign them in the admin. A superuser counts as Admin.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    COE_LEAD = "coe_lead", _("CoE lead")
    EXECUTIVE = "executive", _("Executive")
    MAKER = "maker", _("Maker")


# The Django group that carries each role (created by a data migration).
ROLE_GROUPS: dict[Role, str] = {
    Role.ADMIN: "Admin",
    Role.COE_LEAD: "CoE lead",
    Role.EXECUTIVE: "Executive",
    Role.MAKER: "Maker",
}
# When a user holds several roles, the home page and navigation follow the first in this order.
ROLE_PRECEDENCE = (Role.ADMIN, Role.COE_LEAD, Role.EXECUTIVE, Role.MAKER)


def roles_of(user) -> frozenset[Role]:
    """The roles of `user`, read once per request object and cached on it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_policy_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        roles = {role for role, group in ROLE_GROUPS.items() if group in names}
        if user.is_superuser:
            roles.add(Role.ADMIN)
        cached = frozenset(roles)
        user._policy_roles = cached
    return cached


def primary_role(user) -> Role | None:
    """The role that decides a user's home page: the highest one they hold."""
    roles = roles_of(user)
    return next((role for role in ROLE_PRECEDENCE if role in roles), None)


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def is_coe(user) -> bool:
    """CoE leads and admins run the programme: they may change anything in it."""
    return has_role(user, Role.ADMIN, Role.COE_LEAD)


def is_reader(user) -> bool:
    """Executives read everything the CoE sees, but change nothing."""
    return has_role(user, Role.ADMIN, Role.COE_LEAD, Role.EXECUTIVE)


def _owns(user, obj) -> bool:
    """Makers may change only their own work: a row's author or owner."""
    if obj is None:
        return False
    return user.pk is not None and user.pk in (
        getattr(obj, "author_id", None),
        getattr(obj, "owner_id", None),
    )


Rule = Callable[[Any, Any], bool]


def signed_in(user, obj) -> bool:
    return True  # can() has already refused anonymous and inactive users


def coe(user, obj) -> bool:
    return is_coe(user)


def reader(user, obj) -> bool:
    return is_reader(user)


def admin(user, obj) -> bool:
    return has_role(user, Role.ADMIN)


def coe_or_owner(user, obj) -> bool:
    return is_coe(user) or _owns(user, obj)


def reader_or_owner(user, obj) -> bool:
    return is_reader(user) or _owns(user, obj)


def maker_or_coe(user, obj) -> bool:
    return has_role(user, Role.MAKER, Role.COE_LEAD, Role.ADMIN)


def view_assessment(user, obj) -> bool:
    # Executives read submitted results; drafts are the CoE's working material.
    if is_coe(user):
        return True
    return has_role(user, Role.EXECUTIVE) and (obj is None or not getattr(obj, "is_draft", True))


def edit_assessment(user, obj) -> bool:
    return is_coe(user) and (obj is None or getattr(obj, "is_draft", False))


def edit_story(user, obj) -> bool:
    # A maker edits their own story only while it is a draft or sent back for changes;
    # after that, and always once published, only the CoE changes it.
    if is_coe(user):
        return True
    if obj is None:  # "may they edit stories at all": makers may (their own, see above)
        return has_role(user, Role.MAKER)
    return _owns(user, obj) and bool(getattr(obj, "is_editable_by_author", False))


def view_story(user, obj) -> bool:
    if obj is None or is_coe(user) or _owns(user, obj):
        return True
    return bool(getattr(obj, "is_published", False))


def view_idea(user, obj) -> bool:
    # The backlog is open to everyone signed in; a draft only to its author and the CoE.
    if obj is None or is_coe(user) or _owns(user, obj):
        return True
    return not getattr(obj, "is_draft", True)


def edit_idea(user, obj) -> bool:
    # Authors change their idea while it is a draft or new; after that only the CoE does.
    if is_coe(user) or obj is None:
        return True
    return _owns(user, obj) and bool(getattr(obj, "is_editable_by_author", False))


def view_profile(user, obj) -> bool:
    # A maker may hide their portfolio from other makers; readers and its owner still see it.
    if obj is None or is_reader(user) or _owns(user, obj):
        return True
    return not getattr(obj, "is_hidden_from_makers", True)


RULES: dict[str, Rule] = {
    # Organisation
    "accounts.view_directory": signed_in,
    "accounts.manage_organisation": admin,
    # Entra sign-in: which app roles / groups give which role, and departments -> business units
    "entra.manage_rules": admin,
    # Maturity model (content is edited in the admin)
    "maturity.view_model": signed_in,
    # Assessments
    "adoption.view_assessment": view_assessment,
    "adoption.create_assessment": coe,
    "adoption.edit_assessment": edit_assessment,
    "adoption.manage_assessments": coe,  # targets, cadence, import
    # Strategy: plans are open to everyone to read; the CoE writes them
    "strategy.view_plan": signed_in,
    "strategy.edit_plan": coe,
    "strategy.check_in": coe_or_owner,
    "strategy.manage_kpi": coe,
    "strategy.record_measurement": coe_or_owner,
    # Business value
    "value.view_value": reader,
    "value.edit_value": coe,
    "value.view_solution": reader_or_owner,
    # With no object (may they edit solutions at all: the API asks this first) makers may;
    # on a solution, only its owner or the CoE.
    "value.edit_solution": lambda user, obj: (
        is_coe(user) or (has_role(user, Role.MAKER) if obj is None else _owns(user, obj))
    ),
    "value.list_solutions": lambda user, obj: is_reader(user) or has_role(user, Role.MAKER),
    "value.create_solution": maker_or_coe,
    # Makers record value for their own solutions; the CoE for any. With no object: may open
    # the form at all.
    "value.record_value": lambda user, obj: (
        is_coe(user) or (has_role(user, Role.MAKER) if obj is None else _owns(user, obj))
    ),
    "value.verify_value": coe,
    "value.import_solutions": coe,
    # Success stories
    "stories.view_story": view_story,
    "stories.submit_story": maker_or_coe,
    "stories.edit_story": edit_story,
    "stories.review_story": coe,
    "stories.like_story": signed_in,
    "stories.manage_sessions": coe,
    "stories.manage_newsletters": coe,
    # Turning a published story's measured metrics into value records: the CoE's judgement.
    "stories.record_value": coe,
    # Tenant inventory: imports, mapping rules and usage are the CoE's work.
    "inventory.manage_imports": coe,
    # Connecting the inventory API signs in with an admin's delegated rights: admins only.
    "inventory.connect_api": admin,
    # The app catalog: everyone finds an existing app before building another.
    "inventory.view_catalog": signed_in,
    # Ideas backlog (anyone signed in submits, votes and comments) and makers recognised
    "ideas.view_idea": view_idea,
    "ideas.submit_idea": signed_in,
    "ideas.edit_idea": edit_idea,
    "ideas.vote_idea": signed_in,
    "ideas.comment_idea": signed_in,
    "ideas.review_idea": coe,  # score, accept, decline, move on
    "ideas.manage_weights": coe,
    "ideas.view_profile": view_profile,
    "ideas.edit_profile": lambda user, obj: obj is None or _owns(user, obj),
    "ideas.view_badges": signed_in,
    "ideas.manage_badges": coe,
    "ideas.manage_champions": coe,
    # Reports and dashboard
    "reports.view_dashboard": reader,
    "reports.view_reports": reader,
    "reports.manage_reports": coe,
    # Notifications: everyone reads and sets their own; the CoE configures Teams channels and
    # sees delivery failures.
    "notifications.view_own": signed_in,
    # Marking one's own notifications read and choosing what reaches one by e-mail: everyone,
    # executives included (their own rows only; the querysets see to that).
    "notifications.manage_own": signed_in,
    "notifications.manage_channels": coe,
    "notifications.view_failures": coe,
}


def can(user, action: str, obj=None) -> bool:
    """Whether `user` may take `action` (on `obj`, when given). Unknown actions raise KeyError:
    a typo must fail loudly in tests, never allow or deny silently."""
    rule = RULES[action]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return rule(user, obj)


class PolicyDenied(PermissionDenied):
    """A 403 that names the refused action (for the one-line refusal log, config.refusals);
    it carries no message, so the API still answers with DRF's standard wording."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action


def require(user, action: str, obj=None) -> None:
    """Raise PolicyDenied, a PermissionDenied (403), unless `user` may take `action`."""
    if not can(user, action, obj):
        raise PolicyDenied(action)


class PolicyRequiredMixin:
    """For class-based views: `permission_action` is checked before anything else runs, and
    `object_permission_action` (if set) against the object that `get_object()` returns."""

    permission_action: str = ""
    object_permission_action: str = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.permission_action:
            require(request.user, self.permission_action)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.object_permission_action:
            require(self.request.user, self.object_permission_action, obj)
        return obj
