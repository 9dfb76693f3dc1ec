"""Sign-in lockout behind the reverse proxy: it keys on the client's address from the trusted
proxy's X-Forwarded-For entry, never on the proxy's own address or on what a client forges."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.client_ip import client_ip
from conftest import PASSWORD

PROXY = "10.0.0.2"  # the reverse proxy, as the app sees it


def _sign_in(client, forwarded_for: str, password: str, remote=PROXY):
    return client.post(
        reverse("login"),
        {"username": "maker", "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def _fail_five_times(client, forwarded_for: str):
    codes = [_sign_in(client, forwarded_for, "wrong").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # the fifth failure locks


def test_an_attacker_behind_the_proxy_does_not_lock_out_the_owner(client, maker, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _fail_five_times(client, "203.0.113.5")
    assert _sign_in(client, "203.0.113.5", PASSWORD).status_code == 429
    assert _sign_in(client, "198.51.100.7", PASSWORD).status_code == 302


def test_a_forged_header_cannot_pick_the_owners_address(client, maker, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The attacker sends "X-Forwarded-For: 198.51.100.7"; nginx appends the real address.
    _fail_five_times(client, "198.51.100.7, 203.0.113.5")
    assert _sign_in(client, "198.51.100.7", PASSWORD).status_code == 302


def test_without_a_trusted_proxy_the_header_is_ignored(client, maker, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):  # a new forged address every time: all the same REMOTE_ADDR
        _sign_in(client, f"192.0.2.{n}", "wrong", remote="192.0.2.200")
    assert _sign_in(client, "192.0.2.99", PASSWORD, remote="192.0.2.200").status_code == 429


@pytest.mark.parametrize(
    ("count", "header", "expected"),
    [
        (0, "203.0.113.5", PROXY),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.1.1.1, 203.0.113.5", "203.0.113.5"),
        (2, "1.1.1.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "203.0.113.5", PROXY),  # fewer hops than proxies: not through them all
        (1, "not-an-address", PROXY),
        (1, "", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_takes_the_entry_the_outermost_trusted_proxy_wrote(
    settings, count, header, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected


def test_the_lockout_page_names_the_configured_limit_and_wait(client, maker, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    for _ in range(3):
        _sign_in(client, "", "wrong")
    response = _sign_in(client, "", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "locked after 3 wrong passwords in a row" in text
    assert "Try again in 30 minutes" in text
    assert "five" not in text
