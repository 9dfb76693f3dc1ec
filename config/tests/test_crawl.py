"""Every page reachable by links, as every demo role: no server error, and no page for strangers.

The crawler signs in as each demo user, follows every same-site link it finds from the home page
(GET only), and checks each answer. Pages of the same shape (the same path once ids, UUIDs and
query strings are left out) are visited at most three times, so the crawl stays quick however much
demo data there is. Anonymous visitors must be sent to sign-in from every page the crawl found."""

from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.urls import resolve

from accounts.models import User
from reports.bench_pages import crawl, parameterless_urls


@pytest.mark.django_db
def test_every_page_as_every_role(client):
    call_command("load_content")
    call_command("seed_demo")
    reachable: set[str] = set()
    for username in ["admin", "coe", "exec", "maker"]:
        client.force_login(User.objects.get(username=username))
        seen = crawl(client, seeds=parameterless_urls())
        errors = {url: status for url, status in seen.items() if status >= 500}
        assert not errors, username
        assert len(seen) > 3
        if username != "admin":  # admin pages send strangers to the admin's own sign-in
            reachable |= {url for url, status in seen.items() if status == 200}
        client.logout()

    for url in sorted(reachable):
        if getattr(resolve(urlparse(url).path).func, "login_required", True) is False:
            continue  # public by design: sign-in, password reset, health check
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response.url, url
