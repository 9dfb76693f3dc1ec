import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEvent
from accounts.policy import RULES, Role, can, primary_role, require, roles_of
from accounts.services import user_set_roles


class Owned:
    """A stand-in row with the attributes the policy reads."""

    def __init__(self, owner_id=None, author_id=None, **flags):
        self.owner_id, self.author_id = owner_id, author_id
        self.__dict__.update(flags)


def test_roles_come_from_groups_and_superuser_counts_as_admin(maker, admin_user, no_role_user):
    assert roles_of(maker) == {Role.MAKER}
    assert Role.ADMIN in roles_of(admin_user)
    assert roles_of(no_role_user) == frozenset()
    assert primary_role(no_role_user) is None


def test_highest_role_decides_the_home_page(maker):
    user_set_roles(user=maker, roles={Role.MAKER, Role.COE_LEAD}, actor=None)
    assert primary_role(maker) == Role.COE_LEAD


def test_anonymous_user_may_do_nothing(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not any(can(AnonymousUser(), action) for action in RULES)


def test_inactive_user_may_do_nothing(coe_lead):
    coe_lead.is_active = False
    assert not can(coe_lead, "strategy.edit_plan")


def test_unknown_action_fails_loudly(maker):
    with pytest.raises(KeyError):
        can(maker, "stories.edit_storey")


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("strategy.edit_plan", {"coe_lead", "admin_user"}),
        ("reports.view_dashboard", {"coe_lead", "admin_user", "executive"}),
        ("adoption.create_assessment", {"coe_lead", "admin_user"}),
        ("stories.submit_story", {"coe_lead", "admin_user", "maker"}),
        ("stories.review_story", {"coe_lead", "admin_user"}),
        ("accounts.manage_organisation", {"admin_user"}),
        ("maturity.view_model", {"coe_lead", "admin_user", "executive", "maker", "no_role_user"}),
    ],
)
def test_role_matrix(request, action, allowed):
    for persona in ["maker", "executive", "coe_lead", "admin_user", "no_role_user"]:
        user = request.getfixturevalue(persona)
        assert can(user, action) == (persona in allowed), (action, persona)


def test_makers_change_only_their_own_work(maker, other_maker, coe_lead):
    draft = Owned(author_id=maker.pk, is_editable_by_author=True)
    published = Owned(author_id=maker.pk, is_editable_by_author=False, is_published=True)
    assert can(maker, "stories.edit_story", draft)
    assert not can(other_maker, "stories.edit_story", draft)
    assert not can(maker, "stories.edit_story", published)
    assert can(coe_lead, "stories.edit_story", published)
    assert can(other_maker, "stories.view_story", published)
    assert not can(other_maker, "stories.view_story", draft)


def test_key_result_owner_may_check_in_but_an_executive_may_not(maker, executive):
    key_result = Owned(owner_id=maker.pk)
    assert can(maker, "strategy.check_in", key_result)
    assert not can(executive, "strategy.check_in", key_result)


def test_executive_reads_submitted_assessments_only(executive, coe_lead):
    assert can(executive, "adoption.view_assessment", Owned(is_draft=False))
    assert not can(executive, "adoption.view_assessment", Owned(is_draft=True))
    assert not can(executive, "adoption.edit_assessment", Owned(is_draft=True))
    assert can(coe_lead, "adoption.edit_assessment", Owned(is_draft=True))
    assert not can(coe_lead, "adoption.edit_assessment", Owned(is_draft=False))


def test_require_raises_permission_denied(executive):
    with pytest.raises(PermissionDenied):
        require(executive, "strategy.edit_plan")


def test_role_change_writes_one_audit_event(maker, admin_user):
    user_set_roles(user=maker, roles={Role.EXECUTIVE}, actor=admin_user)
    user_set_roles(user=maker, roles={Role.EXECUTIVE}, actor=admin_user)  # no change: no event
    events = AuditEvent.objects.filter(verb="roles_changed", target_id=str(maker.pk))
    assert events.count() == 1
    assert events.get().detail == {"before": ["Maker"], "after": ["Executive"]}
    assert roles_of(maker) == {Role.EXECUTIVE}
