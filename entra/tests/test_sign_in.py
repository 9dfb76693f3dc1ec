"""Sign-in against a real OpenID Connect provider on loopback: the whole code flow with PKCE,
state and nonce, and who the person becomes here."""

import logging
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.policy import Role, roles_of
from accounts.tests.factories import BusinessUnitFactory, UserFactory
from entra.models import DepartmentRule, RoleMapping

from .flows import assert_refused, sign_in
from .oidc_harness import ACCOUNTS, TENANT, oid


def test_authorize_request_carries_state_nonce_and_a_pkce_challenge(client, entra):
    response = client.get(reverse("entra:sign_in"))
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(f"{entra.issuer}/auth?")
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) == 32 and len(query["nonce"][0]) == 32
    assert query["redirect_uri"] == ["http://testserver/accounts/entra/callback/"]
    flow = client.session["oidc_states"][query["state"][0]]
    assert flow["nonce"] == query["nonce"][0] and len(flow["code_verifier"]) == 64


def test_first_sign_in_creates_the_user_from_tenant_and_object_id(client, entra, role_mappings):
    response = sign_in(client, "ana")
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(entra_object_id=oid(1))
    assert (user.entra_tenant_id, user.username) == (TENANT, "ana@contoso.example")
    assert (user.first_name, user.last_name, user.email) == ("Ana", "Maker", "ana@contoso.example")
    assert (user.job_title, user.department) == ("Payables clerk", "Accounts Payable")
    # The interface language is the person's own choice (profile), never the token's xms_pl:
    # empty means the browser's.
    assert user.language == ""
    assert not user.has_usable_password()
    assert roles_of(user) == {Role.MAKER}
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEvent.objects.filter(verb="entra_user_created", target_id=str(user.pk)).count() == 1


def test_sign_in_leaves_the_persons_language_choice_alone(client, entra, role_mappings):
    sign_in(client, "ana")
    client.logout()
    User.objects.filter(entra_object_id=oid(1)).update(language="de")
    sign_in(client, "ana")  # the token still says xms_pl=en-GB
    assert User.objects.get(entra_object_id=oid(1)).language == "de"
    assert client.cookies["django_language"].value == "de"


def test_profile_is_refreshed_at_each_sign_in_and_a_renamed_person_stays_one_user(
    client, entra, role_mappings
):
    sign_in(client, "ana")
    client.logout()
    renamed = {
        **ACCOUNTS["ana"],
        "name": "Ana Smith",
        "given_name": "Ana",
        "family_name": "Smith",
        "email": "ana.smith@contoso.example",
        "preferred_username": "ana.smith@contoso.example",
        "jobTitle": "Payables lead",
        "department": "Procurement",
    }
    entra.configure(accounts={**ACCOUNTS, "ana": renamed})
    assert sign_in(client, "ana")["Location"] == "/"
    user = User.objects.get(entra_object_id=oid(1))
    assert User.objects.filter(entra_object_id=oid(1)).count() == 1
    assert (user.last_name, user.email) == ("Smith", "ana.smith@contoso.example")
    assert (user.job_title, user.department) == ("Payables lead", "Procurement")
    assert user.username == "ana@contoso.example"  # a label chosen once; the key is tid + oid


def test_group_mapping_gives_the_executive_home_page(client, entra, role_mappings):
    sign_in(client, "eve")
    response = client.get("/")
    assert response.context["role"] == Role.EXECUTIVE


def test_removing_the_group_removes_the_role_at_the_next_sign_in(client, entra, role_mappings):
    sign_in(client, "eve")
    eve = User.objects.get(entra_object_id=oid(3))
    assert roles_of(eve) == {Role.EXECUTIVE}
    client.logout()
    entra.configure(accounts={**ACCOUNTS, "eve": {**ACCOUNTS["eve"], "groups": []}})
    response = sign_in(client, "eve")
    assert response["Location"] == reverse("entra:no_access")
    eve = User.objects.get(pk=eve.pk)
    assert roles_of(eve) == set()
    change = AuditEvent.objects.filter(verb="roles_changed", target_id=str(eve.pk)).first()
    assert change.detail == {"before": ["Executive"], "after": []}


def test_changing_a_mapping_applies_at_the_next_sign_in(client, entra, role_mappings):
    sign_in(client, "lee")
    lee = User.objects.get(entra_object_id=oid(2))
    assert roles_of(lee) == {Role.COE_LEAD}
    client.logout()
    RoleMapping.objects.filter(value="CoE.Lead").update(role=Role.EXECUTIVE)
    sign_in(client, "lee")
    assert roles_of(User.objects.get(pk=lee.pk)) == {Role.EXECUTIVE}


def test_person_without_a_mapped_role_gets_the_ask_your_coe_page(client, entra, role_mappings):
    lead = UserFactory(username="casey", first_name="Casey", role=Role.COE_LEAD)
    client.force_login(lead)  # someone else was signed in in this browser
    response = sign_in(client, "nora")
    assert response["Location"] == reverse("entra:no_access")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ask your CoE for access" in text and "Nora Nobody" in text
    assert f"mailto:{lead.email}" in text
    assert User.objects.filter(entra_object_id=oid(5), is_active=True).exists()


def test_groups_overage_reads_the_groups_from_graph_with_the_users_token(
    client, entra, role_mappings, graph_stand_in, caplog
):
    caplog.set_level(logging.INFO, logger="entra")
    assert sign_in(client, "olga")["Location"] == "/"
    assert graph_stand_in.calls == [oid(6)]
    assert roles_of(User.objects.get(entra_object_id=oid(6))) == {Role.MAKER}
    assert "groups overage for oid=" + oid(6) + "; 251 groups read from Graph" in caplog.text


def test_groups_overage_falls_back_to_app_roles_when_graph_fails(
    client, entra, role_mappings, graph_stand_in, caplog
):
    graph_stand_in.failing = True
    overage_with_role = {**ACCOUNTS["olga"], "roles": ["CoE.Lead"]}
    entra.configure(accounts={**ACCOUNTS, "olga": overage_with_role})
    assert sign_in(client, "olga")["Location"] == "/"
    assert roles_of(User.objects.get(entra_object_id=oid(6))) == {Role.COE_LEAD}
    assert "Graph getMemberObjects failed" in caplog.text
    assert "roles from app roles only" in caplog.text


def test_deactivated_user_is_refused(client, entra, role_mappings, caplog):
    UserFactory(
        username="ana-old",
        entra_tenant_id=TENANT,
        entra_object_id=oid(1),
        is_active=False,
        last_login=timezone.now(),
    )
    response = sign_in(client, "ana")
    assert_refused(client, response, caplog, "deactivated", "has been deactivated")


def test_inventory_placeholder_is_claimed_and_activated(client, entra, role_mappings):
    placeholder = UserFactory(username="owner-1", entra_object_id=oid(1), is_active=False)
    placeholder.set_unusable_password()
    placeholder.save()
    assert sign_in(client, "ana")["Location"] == "/"
    placeholder.refresh_from_db()
    assert (placeholder.entra_tenant_id, placeholder.is_active) == (TENANT, True)
    assert User.objects.filter(entra_object_id=oid(1)).count() == 1
    assert int(client.session["_auth_user_id"]) == placeholder.pk


def test_an_inactive_user_who_is_no_placeholder_stays_refused(client, entra, caplog):
    # Same object id, no tenant yet, but a real (deactivated) account: it has a password.
    UserFactory(username="owner-2", entra_object_id=oid(1), is_active=False)
    assert_refused(client, sign_in(client, "ana"), caplog, "deactivated", "deactivated")


def test_same_email_is_not_linked_unless_the_admin_allows_it(client, entra, role_mappings, caplog):
    UserFactory(username="ana-local", email="ANA@contoso.example")
    response = sign_in(client, "ana")
    assert_refused(client, response, caplog, "email_not_linked", "Ask your CoE to link it")
    assert not User.objects.filter(entra_object_id=oid(1)).exists()


def test_same_email_is_linked_when_the_admin_allows_it(client, entra, role_mappings, settings):
    settings.ENTRA_LINK_BY_EMAIL = True
    local = UserFactory(username="ana-local", email="ANA@contoso.example")
    assert sign_in(client, "ana")["Location"] == "/"
    local.refresh_from_db()
    assert (local.entra_tenant_id, local.entra_object_id) == (TENANT, oid(1))
    assert AuditEvent.objects.filter(verb="entra_identity_linked").count() == 1


def test_department_rule_sets_the_business_unit_and_unmapped_departments_are_listed(
    client, entra, role_mappings
):
    payables = BusinessUnitFactory(name="Accounts Payable", slug="accounts-payable")
    DepartmentRule.objects.create(department="accounts payable", business_unit=payables)
    sign_in(client, "ana")
    client.logout()
    sign_in(client, "lee")
    assert User.objects.get(entra_object_id=oid(1)).business_unit == payables
    assert DepartmentRule.objects.unmapped_departments() == [{"department": "IT", "people": 1}]


def test_roles_stay_as_the_admin_set_them_when_not_managed_by_entra(
    client, entra, role_mappings, settings
):
    settings.ENTRA_ROLES_FROM_TOKEN = False
    nora = UserFactory(
        username="nora", entra_tenant_id=TENANT, entra_object_id=oid(5), role=Role.EXECUTIVE
    )
    assert sign_in(client, "nora")["Location"] == "/"
    assert roles_of(User.objects.get(pk=nora.pk)) == {Role.EXECUTIVE}


def test_session_has_the_configured_lifetime(client, entra, role_mappings, settings):
    settings.SESSION_COOKIE_AGE = 3600
    response = sign_in(client, "ana")
    assert response.cookies["sessionid"]["max-age"] == 3600


def test_session_key_rotates_at_sign_in(client, entra, role_mappings):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    sign_in(client, "ana")
    assert client.session.session_key != before
