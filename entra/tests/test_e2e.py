"""In a real browser: sign in through the test provider's login page and land on the right home
page for each role; sign out ends the provider's session too."""

import copy

import pytest

from .oidc_harness import client_config

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def entra_live(entra, live_server, settings, role_mappings):
    entra.configure(clients=[client_config("http://testserver", live_server.url)])
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(f"http://127.0.0.1:{entra.port}")
    settings.CONTENT_SECURITY_POLICY = policy  # what base.py does when OIDC_ISSUER is set
    return live_server


def sign_in_at_provider(page, live_server, login):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.click("text=Sign in with Microsoft")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")


@pytest.mark.parametrize(
    ("login", "label"),
    [("ana", "Maker"), ("lee", "CoE lead"), ("eve", "Executive"), ("adam", "Admin")],
)
def test_sign_in_lands_on_the_home_page_of_the_role(page, entra_live, login, label):
    sign_in_at_provider(page, entra_live, login)
    page.wait_for_url(f"{entra_live.url}/")
    assert page.get_by_text(f"Signed in as {label}").is_visible()


def test_no_role_lands_on_ask_your_coe(page, entra_live):
    sign_in_at_provider(page, entra_live, "nora")
    page.wait_for_url(f"{entra_live.url}/accounts/entra/no-access/")
    assert page.get_by_role("heading", name="Ask your CoE for access").is_visible()


def test_sign_out_ends_the_provider_session(page, entra_live, entra):
    sign_in_at_provider(page, entra_live, "ana")
    page.wait_for_url(f"{entra_live.url}/")
    page.locator("form[action='/accounts/sign-out/'] button").evaluate("b => b.form.submit()")
    page.wait_for_url(f"{entra.issuer}/session/end**")
    page.click("button[name=logout]")
    page.wait_for_url(f"{entra_live.url}/accounts/sign-in/")
    # Signing in again asks for the login again: the provider's session is gone too.
    page.click("text=Sign in with Microsoft")
    page.wait_for_selector("input[name=login]")
