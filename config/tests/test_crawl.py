"""Every page reachable by links, as every demo role: no server error, and no page for strangers.

The crawler signs in as each demo user, follows every same-site link it finds from the home page
(GET only), and checks each answer. Pages of the same shape (the same path once ids, UUIDs and
query strings are left out) are visited at most three times, so the crawl stays quick however much
demo data there is. Anonymous visitors must be sent to sign-in from every page the crawl found."""

import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command

from accounts.models import User

LINK = re.compile(r'href="([^"]+)"')
ID_SEGMENT = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27,}|[0-9a-f]{32})(?=/|$)")
SKIP_PREFIXES = ("/static/", "/media/", "/api/docs/", "/admin/logout/", "/accounts/sign-out/")
SKIP_PARTS = ("/history/", "/delete/", "/password/")
PER_SHAPE = 3


def shape(url: str) -> str:
    return ID_SEGMENT.sub("/<id>", urlparse(url).path)


def crawl(client, start: str = "/") -> dict[str, int]:
    seen: dict[str, int] = {}
    shapes: Counter = Counter()
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen or shapes[shape(url)] >= PER_SHAPE:
            continue
        shapes[shape(url)] += 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or response.streaming:
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not href.startswith("/"):
                continue
            if href.startswith(SKIP_PREFIXES) or any(part in href for part in SKIP_PARTS):
                continue
            if href not in seen:
                queue.append(href)
    return seen


@pytest.mark.django_db
def test_every_page_as_every_role(client):
    call_command("load_content")
    call_command("seed_demo")
    reachable: set[str] = set()
    for username in ["admin", "coe", "exec", "maker"]:
        client.force_login(User.objects.get(username=username))
        seen = crawl(client)
        errors = {url: status for url, status in seen.items() if status >= 500}
        assert not errors, username
        assert len(seen) > 3
        if username != "admin":  # admin pages send strangers to the admin's own sign-in
            reachable |= {url for url, status in seen.items() if status == 200}
        client.logout()

    for url in sorted(reachable):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response.url, url
