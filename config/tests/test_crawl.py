"""Every page reachable by links, as every demo role: no server error, and no page for strangers.

The crawler signs in as each demo user, follows every same-site link it finds from the home page
(GET only), and checks each answer. Anonymous visitors must be sent to sign-in from every page
the signed-in crawl found."""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command

from accounts.models import User

LINK = re.compile(r'href="([^"]+)"')
SKIP_PREFIXES = ("/static/", "/media/", "/api/docs/", "/admin/logout/", "/accounts/sign-out/")
MAX_PAGES = 600


def crawl(client, start: str = "/") -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not href.startswith("/"):
                continue
            if href.startswith(SKIP_PREFIXES) or href in seen:
                continue
            queue.append(href)
    return seen


@pytest.fixture
def demo(db):
    call_command("load_content")
    call_command("seed_demo")


@pytest.mark.parametrize("username", ["admin", "coe", "exec", "maker"])
def test_no_page_reachable_by_a_role_fails(client, demo, username):
    client.force_login(User.objects.get(username=username))
    seen = crawl(client)
    errors = {url: status for url, status in seen.items() if status >= 500}
    assert not errors
    assert len(seen) > 3


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(client, demo):
    client.force_login(User.objects.get(username="coe"))
    pages = [url for url, status in crawl(client).items() if status == 200]
    client.logout()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response.url, url
