"""Bad input and attacks on the Entra sign-in: each is refused with a clear message and a log
line, and signs nobody in. The tokens come from the real test provider: a provider whose clock is
wrong, or a man in the middle that alters the ID token on its way back from the token endpoint."""

import socket
import time

import pytest
from django.urls import reverse

from accounts.models import User

from .flows import assert_refused, callback_for, sign_in
from .oidc_harness import CLIENT_ID, OTHER_TENANT, new_signing_jwk, oid

UNTRUSTED = "the answer from Microsoft could not be trusted"
OUT_OF_TIME = "outside its validity period"
EXPIRED_LINK = "This sign-in link has expired or was already used"


def test_account_of_another_tenant_is_refused(client, entra, role_mappings, caplog):
    response = sign_in(client, "otto")
    assert_refused(client, response, caplog, "other_tenant", "belongs to another organisation")
    assert not User.objects.filter(entra_object_id=oid(7)).exists()


@pytest.mark.parametrize(
    ("tamper", "reason", "text"),
    [
        # Signed by the same keys (Entra's keys are shared by all tenants) for another tenant.
        (
            {"kind": "resign", "claims": {"iss": f"http://127.0.0.1/{OTHER_TENANT}/v2.0"}},
            "wrong_issuer",
            UNTRUSTED,
        ),
        ({"kind": "resign", "claims": {"aud": "another-app"}}, "wrong_audience", UNTRUSTED),
        ({"kind": "signature"}, "bad_signature", UNTRUSTED),
        ({"kind": "unknown_key"}, "unknown_signing_key", UNTRUSTED),
        ({"kind": "resign", "claims": {"nonce": None}}, "nonce_mismatch", UNTRUSTED),
        (
            {"kind": "resign", "claims": {"nonce": "a-nonce-of-another-flow"}},
            "nonce_mismatch",
            UNTRUSTED,
        ),
        (
            {"kind": "resign", "claims": {"exp": None}},
            "invalid_token_MissingRequiredClaim",
            UNTRUSTED,
        ),
    ],
    ids=[
        "other-issuer",
        "audience",
        "signature",
        "unknown-key",
        "no-nonce",
        "wrong-nonce",
        "no-exp",
    ],
)
def test_altered_id_token_is_refused(client, entra, role_mappings, caplog, tamper, reason, text):
    # Ana is a maker; the altered token would make her an admin (or is otherwise not hers).
    callback = callback_for(client, "ana")
    entra.configure(tamper=tamper)
    assert_refused(client, client.get(callback), caplog, reason, text)
    assert not User.objects.filter(entra_object_id=oid(1)).exists()


@pytest.mark.parametrize(
    ("offset", "reason"),
    [(-(3600 + 300), "token_expired"), (300, "token_not_yet_valid")],
    ids=["expired", "not-yet-valid"],
)
def test_token_outside_its_lifetime_is_refused(
    client, entra, role_mappings, caplog, offset, reason
):
    callback = callback_for(client, "ana")
    entra.configure(clockOffset=offset)  # the provider's clock is wrong when it issues the token
    assert_refused(client, client.get(callback), caplog, reason, OUT_OF_TIME)


@pytest.mark.parametrize("offset", [-(3600 - 10) - 100, 90], ids=["just-expired", "early"])
def test_a_small_clock_skew_is_tolerated(client, entra, role_mappings, offset):
    # OIDC_CLOCK_SKEW is 120 s: a token that expired 90 s ago, or is issued 90 s ahead, passes.
    callback = callback_for(client, "ana")
    entra.configure(clockOffset=offset)
    assert client.get(callback)["Location"] == "/"


def test_replayed_callback_is_refused(client, entra, role_mappings, caplog):
    callback = callback_for(client, "ana")
    assert client.get(callback)["Location"] == "/"
    client.logout()
    assert_refused(client, client.get(callback), caplog, "unknown_state", EXPIRED_LINK)


def test_replayed_code_is_refused_by_the_provider(client, entra, role_mappings, caplog):
    used = callback_for(client, "ana")
    client.get(used)
    client.logout()
    # A fresh flow in this browser, answered with the code that was already used.
    fresh = callback_for(client, "ana")
    state = fresh.split("state=")[1].split("&")[0]
    code = used.split("code=")[1].split("&")[0]
    replay = f"{reverse('entra:callback')}?code={code}&state={state}"
    response = client.get(replay)
    assert_refused(client, response, caplog, "code_refused (invalid_grant)", "used already")


@pytest.mark.parametrize(
    ("query", "reason"),
    [("code=abc", "incomplete_callback"), ("code=abc&state=forged", "unknown_state")],
    ids=["missing-state", "wrong-state"],
)
def test_missing_or_wrong_state_is_refused(client, entra, role_mappings, caplog, query, reason):
    callback_for(client, "ana")  # a real flow is pending in this session
    response = client.get(f"{reverse('entra:callback')}?{query}")
    assert_refused(client, response, caplog, reason, EXPIRED_LINK)


def test_error_from_the_provider_is_shown(client, entra, caplog):
    response = client.get(f"{reverse('entra:callback')}?error=access_denied&state=x")
    assert_refused(
        client, response, caplog, "provider_error (access_denied)", "did not sign you in"
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_provider_down_gives_a_clear_note_quickly(client, entra, settings, caplog):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{_closed_port()}/tenant/v2.0"
    client.get(reverse("login"))  # the process's first page: templates load
    started = time.monotonic()
    response = client.get(reverse("entra:sign_in"))
    assert time.monotonic() - started < 1.0
    assert_refused(client, response, caplog, "provider_unreachable", "cannot be reached right now")
    page = client.get(reverse("login")).content.decode()
    assert "could not be reached a moment ago" in page and "Sign in with Microsoft" in page


def test_slow_discovery_times_out_with_a_clear_note(client, entra, settings, caplog):
    settings.OIDC_TIMEOUT = 0.5
    client.get(reverse("login"))  # the process's first page: templates load
    entra.configure(delays={"discovery": 3000})
    started = time.monotonic()
    response = client.get(reverse("entra:sign_in"))
    assert time.monotonic() - started < 2.0  # the 0.5 s timeout, far from the 3 s delay
    assert_refused(client, response, caplog, "provider_unreachable", "cannot be reached right now")


def test_slow_token_endpoint_times_out_with_a_clear_note(
    client, entra, role_mappings, settings, caplog
):
    callback = callback_for(client, "ana")
    settings.OIDC_TIMEOUT = 0.5
    entra.configure(delays={"token": 3000})
    started = time.monotonic()
    response = client.get(callback)
    assert time.monotonic() - started < 2.0  # the 0.5 s timeout, far from the 3 s delay
    assert_refused(client, response, caplog, "provider_unreachable", "cannot be reached right now")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"],
)
def test_open_redirect_through_next_is_refused(client, entra, role_mappings, caplog, target):
    response = sign_in(client, "ana", next_url=target.replace("\\", "%5C").replace(":", "%3A"))
    assert response["Location"] == "/"
    assert "_auth_user_id" in client.session
    assert "refused an off-site next=" in caplog.text


def test_next_on_this_site_is_followed(client, entra, role_mappings):
    assert sign_in(client, "ana", next_url="/strategy/")["Location"] == "/strategy/"


def test_rotated_signing_key_is_fetched_again(client, entra, role_mappings):
    assert sign_in(client, "ana")["Location"] == "/"  # caches the JWKS with key-1
    client.logout()
    entra.configure(keys=[new_signing_jwk("key-2"), *entra.keys])  # key-2 signs from now on
    assert sign_in(client, "ana")["Location"] == "/"
    client.logout()
    entra.configure(keys=[new_signing_jwk("key-3")])  # key-1 and key-2 retired
    assert sign_in(client, "ana")["Location"] == "/"
    assert CLIENT_ID  # the same application all along


def test_sign_in_page_never_waits_for_the_provider(client, entra):
    client.get(reverse("login"))  # the process's first page: templates load
    entra.configure(delays={"discovery": 3000, "jwks": 3000})
    started = time.monotonic()
    page = client.get(reverse("login"))
    assert time.monotonic() - started < 1.0
    assert "Sign in with Microsoft" in page.content.decode()
