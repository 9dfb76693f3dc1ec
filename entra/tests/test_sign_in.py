"""Sign-in against a real OpenID Connect provider on loopback: the whole code flow with PKCE,
state and nonce, and who the person becomes here."""

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from accounts.models import AuditEvent, User
from accounts.policy import Role, roles_of

from .oidc_harness import TENANT, local_path, oid, walk_to_callback


def sign_in(client, login: str, next_url: str | None = None):
    """Start at our sign-in link, pass the provider's login page, come back to our callback."""
    start = reverse("entra:sign_in") + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302, response
    callback = walk_to_callback(response["Location"], login)
    return client.get(local_path(callback))


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
    assert not user.has_usable_password()
    assert roles_of(user) == {Role.MAKER}
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEvent.objects.filter(verb="entra_user_created", target_id=str(user.pk)).count() == 1
