"""The admin's sign-in rules page: who may open it, adding and removing rules, bad input."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, User
from accounts.policy import Role
from accounts.tests.factories import BusinessUnitFactory
from entra.models import DepartmentRule, RoleMapping

from .oidc_harness import EXEC_GROUP

RULES = reverse("entra:rules")


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(RULES)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["maker", "executive", "coe_lead"])
def test_only_admins_may_open_the_rules(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(RULES).status_code == 403
    response = client.post(reverse("entra:role_mapping_create"), {"kind": "app_role"})
    assert response.status_code == 403
    assert RoleMapping.objects.count() == 0


def test_admin_sees_mappings_rules_and_unmapped_departments(
    client, admin_user, role_mappings, django_assert_max_num_queries
):
    finance = BusinessUnitFactory(name="Finance", slug="finance")
    DepartmentRule.objects.create(department="Finance", business_unit=finance)
    for n, department in enumerate(["FINANCE", "Fleet", "Fleet", "Sales"]):
        User.objects.create(username=f"p{n}", department=department)
    client.force_login(admin_user)
    # session, user, groups (policy), groups (navigation), mappings, rules, unmapped, units
    with django_assert_max_num_queries(10):
        response = client.get(RULES)
    assert response.status_code == 200
    assert response.context["unmapped"] == [
        {"department": "Fleet", "people": 2},
        {"department": "Sales", "people": 1},
    ]
    text = response.content.decode()
    assert "CoE.Admin" in text and EXEC_GROUP in text
    assert 'href="?department=Fleet#add-rule"' in text


def test_admin_adds_and_removes_a_mapping_with_an_audit_row(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("entra:role_mapping_create"),
        {
            "kind": "group",
            "value": " 3C1E5A7B-9D2F-4B6A-8C0E-1F3A5B7C9D2E ",
            "role": Role.EXECUTIVE,
        },
    )
    assert response.status_code == 302
    mapping = RoleMapping.objects.get()
    assert mapping.value == EXEC_GROUP  # group ids are kept in lower case
    client.post(reverse("entra:role_mapping_delete", args=[mapping.uuid]))
    assert not RoleMapping.objects.exists()
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"entra_rolemapping_added", "entra_rolemapping_removed"} <= verbs


def test_duplicate_or_incomplete_mapping_shows_errors_next_to_the_fields(
    client, admin_user, role_mappings
):
    client.force_login(admin_user)
    duplicate = {"kind": "app_role", "value": "CoE.Admin", "role": Role.ADMIN}
    response = client.post(reverse("entra:role_mapping_create"), duplicate)
    assert response.status_code == 200
    assert response.context["role_form"].errors
    response = client.post(reverse("entra:role_mapping_create"), {"kind": "nonsense"})
    form = response.context["role_form"]
    assert {"kind", "value", "role"} <= set(form.errors)
    assert RoleMapping.objects.count() == len(role_mappings)


def test_admin_adds_a_department_rule_and_a_second_one_differing_in_case_is_refused(
    client, admin_user
):
    unit = BusinessUnitFactory(name="Fleet Services", slug="fleet")
    client.force_login(admin_user)
    url = reverse("entra:department_rule_create")
    assert client.post(url, {"department": "Fleet", "business_unit": unit.pk}).status_code == 302
    response = client.post(url, {"department": "FLEET", "business_unit": unit.pk})
    assert response.status_code == 200
    assert response.context["department_form"].errors
    rule = DepartmentRule.objects.get()
    client.post(reverse("entra:department_rule_delete", args=[rule.uuid]))
    assert not DepartmentRule.objects.exists()


def test_admin_menu_links_to_the_rules(client, admin_user, maker):
    client.force_login(admin_user)
    assert RULES in client.get("/").content.decode()
    client.force_login(maker)
    assert RULES not in client.get("/").content.decode()


def test_django_admin_edits_are_audited_too(client, admin_user):
    client.force_login(admin_user)
    add = reverse("admin:entra_rolemapping_add")
    response = client.post(add, {"kind": "app_role", "value": "CoE.Maker", "role": Role.MAKER})
    assert response.status_code == 302
    mapping = RoleMapping.objects.get()
    delete = reverse("admin:entra_rolemapping_delete", args=[mapping.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not RoleMapping.objects.exists()
    verbs = list(AuditEvent.objects.order_by("created_at").values_list("verb", flat=True))
    assert verbs == ["entra_rolemapping_added", "entra_rolemapping_removed"]


def test_django_admin_lists_unmapped_departments(client, admin_user):
    User.objects.create(username="p1", department="Fleet")
    client.force_login(admin_user)
    response = client.get(reverse("admin:entra_departmentrule_changelist"))
    assert response.status_code == 200
    assert "Departments without a rule" in response.content.decode()
    assert response.context["unmapped"] == [{"department": "Fleet", "people": 1}]
