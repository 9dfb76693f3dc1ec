from django.utils import timezone

from accounts.policy import Role
from accounts.tests.factories import UserFactory
from entra.graph import has_groups_overage
from entra.services import is_inventory_placeholder, roles_for

from .oidc_harness import ACCOUNTS, EXEC_GROUP


def test_roles_are_the_union_of_app_roles_and_groups(role_mappings):
    roles = roles_for(app_roles=["CoE.Maker", "Unmapped.Role"], groups=[EXEC_GROUP.upper()])
    assert roles == {Role.MAKER, Role.EXECUTIVE}
    assert roles_for(app_roles=[], groups=[]) == set()
    assert roles_for(app_roles=["coe.maker"], groups=[]) == set()  # app role values are exact


def test_inventory_placeholder_is_inactive_passwordless_and_never_signed_in(db):
    placeholder = UserFactory(username="owner", is_active=False)
    placeholder.set_unusable_password()
    assert is_inventory_placeholder(placeholder)
    placeholder.last_login = timezone.now()
    assert not is_inventory_placeholder(placeholder)
    assert not is_inventory_placeholder(UserFactory(username="barred", is_active=False))


def test_groups_overage_is_recognised_from_the_claim_names():
    assert has_groups_overage(ACCOUNTS["olga"])
    assert has_groups_overage({"hasgroups": True})
    assert not has_groups_overage(ACCOUNTS["eve"])
    assert not has_groups_overage({"groups": [], "_claim_names": {"groups": "src1"}})
