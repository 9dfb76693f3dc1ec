"""axe-core over every page of the product, as every role, on a desktop and on a phone.

The demo organisation is loaded, then each demo person's pages are found by following links (one
page per route: one plan, one story, one solution...) and opened in one chromium at 1366 px and
at 390 px. axe-core (vendored) checks each page against WCAG 2.1 A/AA and its best practices.
No page may have a serious or critical violation; the moderate ones are counted and printed."""

import time
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from reports.bench_pages import route_of

from .browser import WIDTHS, axe_violations, discover_pages, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Sign-in and password reset are the stranger's pages; then one person per role. The admin sees
# the CoE lead's pages and a few more: only the routes the CoE lead did not reach are checked.
ROLES = [(None, "/accounts/sign-in/"), ("coe", "/"), ("exec", "/"), ("maker", "/"), ("admin", "/")]
BLOCKING = {"serious", "critical"}


def test_no_page_has_a_serious_or_critical_violation_for_any_role(browser, live_server, capsys):
    began = time.perf_counter()
    call_command("load_content", verbosity=0)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    blocking: list[str] = []
    moderate: Counter = Counter()
    counts = Counter()
    routes_checked: set[str] = set()
    for username, start in ROLES:
        user = User.objects.get(username=username) if username else None
        client = Client()
        if user:
            client.force_login(user)
        pages = discover_pages(client, start=start)
        if username == "admin":
            pages = [url for url in pages if route_of(url) not in routes_checked]
        assert pages, username
        context = browser.new_context()
        if user:
            sign_in(context, live_server, user)
        page = context.new_page()
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            for url in pages:
                response = page.goto(f"{live_server.url}{url}")
                assert response.status == 200, url
                counts[width] += 1
                for violation in axe_violations(page):
                    where = f"{url} as {username or 'stranger'} at {viewport['width']} px"
                    if violation["impact"] in BLOCKING:
                        blocking.append(
                            f"{violation['impact']} {violation['id']} on {where}: "
                            f"{violation['help']} ({violation['nodes']}x, e.g. "
                            f"{violation['targets']}) {violation['summary']}"
                        )
                    elif violation["impact"] == "moderate":
                        moderate[violation["id"]] += violation["nodes"]
        routes_checked |= {route_of(url) for url in pages}
        context.close()

    with capsys.disabled():
        print(
            f"\naxe-core: {counts['desktop']} pages at 1366 px and {counts['phone']} at 390 px "
            f"({len(routes_checked)} routes) in {time.perf_counter() - began:.0f} s; "
            f"serious or critical: {len(blocking)}; moderate: {sum(moderate.values())} "
            f"{dict(moderate)}"
        )
    assert not blocking, "\n".join(blocking)
