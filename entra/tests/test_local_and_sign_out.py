"""The sign-in page's options, the local password form turned off for all but superusers, API
tokens, and sign-out that also ends the Entra session."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.policy import Role
from accounts.tests.factories import UserFactory
from conftest import PASSWORD

from .flows import sign_in


def test_sign_in_page_without_entra_shows_only_the_password_form(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Microsoft" not in page
    assert 'name="password"' in page


def test_sign_in_page_offers_microsoft_when_configured(client, entra):
    page = client.get(reverse("login") + "?next=/value/").content.decode()
    assert "Sign in with Microsoft" in page
    assert f'href="{reverse("entra:sign_in")}?next=/value/"' in page
    assert 'name="password"' in page
    assert "could not be reached" not in page


def test_entra_pages_are_404_when_not_configured(client, db):
    assert client.get(reverse("entra:sign_in")).status_code == 404
    assert client.get(reverse("entra:callback") + "?code=a&state=b").status_code == 404


@pytest.fixture
def local_off(settings, entra):
    settings.LOCAL_PASSWORD_SIGN_IN = False


def test_local_form_off_shows_only_microsoft_and_a_break_glass_link(client, local_off):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Microsoft" in page
    assert 'name="password"' not in page
    assert "?local=1" in page
    assert 'name="password"' in client.get(reverse("login") + "?local=1").content.decode()


def test_local_form_off_refuses_a_password_sign_in_by_anyone_but_a_superuser(
    client, local_off, maker
):
    response = client.post(reverse("login"), {"username": "maker", "password": PASSWORD})
    assert response.status_code == 200
    assert "Password sign-in is turned off" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_local_form_off_still_lets_a_superuser_in(client, local_off, admin_user):
    response = client.post(reverse("login"), {"username": "admin-user", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == admin_user.pk


def test_local_form_off_keeps_the_lockout_for_superusers(client, local_off, admin_user):
    for _ in range(5):
        client.post(reverse("login"), {"username": "admin-user", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "admin-user", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_local_form_off_applies_to_the_admin_login_too(client, local_off, unit):
    UserFactory(username="staff", is_staff=True, role=Role.ADMIN)
    response = client.post(
        reverse("admin:login"), {"username": "staff", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_api_tokens_keep_working_with_the_local_form_off(client, local_off, maker):
    token = Token.objects.create(user=maker)
    response = client.get("/api/v1/business-units/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_sign_out_ends_the_entra_session_too(client, entra, role_mappings):
    sign_in(client, "ana")
    response = client.post(reverse("logout"))
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{entra.issuer}/session/end"
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/sign-in/"]
    assert query["logout_hint"] == ["hint-ana"]
    assert client.get("/").status_code == 302  # our session is over
    # The provider accepts the request (registered post-logout URI): its confirmation page.
    at_provider = requests.get(response["Location"], timeout=5)
    assert at_provider.status_code == 200
    assert "logout" in at_provider.text.lower()


def test_sign_out_of_a_password_session_stays_here(client, entra, maker):
    client.force_login(maker)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("logout")).status_code == 405


def test_a_user_deactivated_here_loses_their_entra_session(client, entra, role_mappings):
    sign_in(client, "ana")
    assert client.get("/").status_code == 200
    User.objects.filter(entra_object_id__endswith="000000000001").update(is_active=False)
    assert client.get("/").status_code == 302
