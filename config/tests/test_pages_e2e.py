"""Every page of the product as every role, in one real chromium, on a desktop (1366 px) and on a
phone (390 px): axe-core, the layout and a screenshot of the main pages.

The demo organisation is loaded, then each demo person's pages are found by following links as
the crawl test does (one page per route: one plan, one story, one solution...), plus the pages
that person uses most. On every page:
- axe-core (vendored) checks WCAG 2.1 A/AA and its best practices: no serious or critical
  violation; the moderate ones are counted and printed;
- every chart has a text alternative (a table with the same figures, or a link to it);
- the page does not scroll sideways and no element cuts off its own text.
Every page is checked at 1366 px as every role; at 390 px each route once (the first role that
reaches it) and each role's main pages, whose screenshots are kept in SCREENSHOT_DIR (default
var/screenshots/) for a person to look at. Tables that are wider than the phone and do not stack
are listed (they are the apps' own templates)."""

import os
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from adoption.models import Assessment
from reports.bench_pages import route_of
from reports.models import ReportDefinition, ReportSnapshot
from strategy.models import KeyResult, Kpi, Plan

from .browser import (
    WIDTHS,
    axe_violations,
    charts_without_table,
    discover_pages,
    layout_faults,
    sign_in,
    wide_tables,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The stranger's pages (sign-in, password reset), then one person per role, the least allowed
# first so that the phone pass sees each route as the role with the fewest rights. The admin
# sees the CoE lead's pages and a few more: only the routes nobody else reached are checked.
ROLES = [(None, "/accounts/sign-in/"), ("maker", "/"), ("exec", "/"), ("coe", "/"), ("admin", "/")]
BLOCKING = {"serious", "critical"}


def main_pages() -> dict[str, dict[str, str]]:
    """Per demo person, name -> address of the pages that person uses most."""
    plan = Plan.objects.order_by("created_at").first().get_absolute_url()
    key_result = KeyResult.objects.order_by("pk").first()
    kpi_report = ReportSnapshot.objects.filter(definition__kind=ReportDefinition.Kind.KPI).first()
    assessment = Assessment.objects.filter(status="submitted").order_by("-submitted_at").first()
    readers = {
        "home": "/",
        "dashboard": "/dashboard/",
        "plan": plan,
        "key-result": key_result.get_absolute_url(),
        "kpis": "/strategy/kpis/",
        "kpi": Kpi.objects.order_by("pk").first().get_absolute_url(),
        "kpi-report": kpi_report.get_absolute_url(),
        "assessment": assessment.get_absolute_url(),
        "value": "/value/",
        "stories": "/stories/",
    }
    coe = {**readers, "assessments": "/assessments/", "solutions": "/value/solutions/"}
    draft = Assessment.objects.filter(status="draft").first()
    if draft:
        area = draft.answers.select_related("area").order_by("area__order").first().area
        coe["assessment-draft"] = draft.get_absolute_url()
        coe["assessment-area"] = f"{draft.get_absolute_url()}areas/{area.key}/"
    maker = {"home": "/", "stories": "/stories/", "story-new": "/stories/new/", "ideas": "/ideas/",
             "plan": plan}  # fmt: skip
    return {"maker": maker, "exec": readers, "coe": coe, "admin": {}, None: {}}


def test_every_page_as_every_role_is_accessible_and_fits_a_phone(browser, live_server, capsys):
    began = time.perf_counter()
    call_command("load_content", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    folder = Path(os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR, "var", "screenshots")))
    folder.mkdir(parents=True, exist_ok=True)
    blocking: list[str] = []
    faults: list[str] = []
    unstacked: set[str] = set()
    moderate: Counter = Counter()
    counts: Counter = Counter()
    routes: dict[str, set[str]] = {"desktop": set(), "phone": set()}
    main = main_pages()
    for username, start in ROLES:
        user = User.objects.get(username=username) if username else None
        client = Client()
        if user:
            client.force_login(user)
        mine = main[username]
        pages = discover_pages(client, start=start)
        assert pages, username
        # The role's main pages stand for their routes (the crawl's pick is left out).
        main_routes = {route_of(url) for url in mine.values()}
        pages = list(mine.values()) + [url for url in pages if route_of(url) not in main_routes]
        if username == "admin":
            pages = [url for url in pages if route_of(url) not in routes["desktop"]]
        context = browser.new_context()
        if user:
            sign_in(context, live_server, user)
        page = context.new_page()
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            for url in pages:
                name = next((n for n, u in mine.items() if u == url), None)
                if width == "phone" and not name and route_of(url) in routes["phone"]:
                    continue
                routes[width].add(route_of(url))
                response = page.goto(f"{live_server.url}{url}")
                assert response.status == 200, (username, url)
                counts[width] += 1
                where = f"{url} as {username or 'a stranger'} at {viewport['width']} px"
                for violation in axe_violations(page):
                    if violation["impact"] in BLOCKING:
                        blocking.append(
                            f"{violation['impact']} {violation['id']} on {where}: "
                            f"{violation['help']} ({violation['nodes']}x, e.g. "
                            f"{violation['targets']}) {violation['summary']}"
                        )
                    elif violation["impact"] == "moderate":
                        moderate[violation["id"]] += violation["nodes"]
                for chart in charts_without_table(page):
                    blocking.append(f"chart {chart} without a table on {where}")
                for fault in layout_faults(page):
                    faults.append(f"{fault['kind']} on {where}: {fault['detail']}")
                if width == "phone":
                    unstacked |= {f"{route_of(url)}: {table}" for table in wide_tables(page)}
                if name:
                    page.wait_for_load_state("networkidle")
                    shot = folder / f"{username}-{name}-{width}.png"
                    page.screenshot(path=shot, full_page=True)
        context.close()

    with capsys.disabled():
        print(
            f"\naxe-core and layout: {counts['desktop']} pages at 1366 px and {counts['phone']} at "
            f"390 px ({len(routes['desktop'])} routes) in {time.perf_counter() - began:.0f} s; "
            f"serious or critical: {len(blocking)}; moderate: {sum(moderate.values())} "
            f"{dict(moderate)}; layout faults: {len(faults)}; screenshots in {folder}"
        )
        if unstacked:
            print(f"Tables wider than a phone that do not stack ({len(unstacked)}):")
            print("\n".join(f"  {table}" for table in sorted(unstacked)))
    assert not blocking, "\n".join(blocking)
    assert not faults, "\n".join(faults)


def test_a_stacked_table_shows_every_column_on_a_phone(page, live_server, coe_lead):
    """`table.table-stack` (static/css/app.css): below 576 px each row is a card, each cell shows
    its column's name (data-label) and nothing is off-screen; at 1366 px it is a normal table."""
    sign_in(page.context, live_server, coe_lead)
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """(html) => document.querySelector("main").insertAdjacentHTML("afterbegin", html)""",
        '<table class="table table-stack" id="t"><thead><tr><th>Key result</th><th>Progress</th>'
        "<th>Status</th><th>Owner</th><th>Due</th><th>Last check-in</th></tr></thead><tbody><tr>"
        '<td data-label="Key result">Hours saved by automated approvals in finance</td>'
        '<td data-label="Progress">64.5 %</td><td data-label="Status">'
        '<span class="badge text-bg-success">On track</span></td><td data-label="Owner">Casey '
        'Lead</td><td data-label="Due">2026-12-31</td><td data-label="Last check-in">2026-11-30'
        "</td></tr></tbody></table>",
    )
    page.set_viewport_size(WIDTHS["phone"])
    status = page.locator("#t td[data-label=Status]")
    cell = status.bounding_box()
    assert cell["x"] >= 0 and cell["x"] + cell["width"] <= 390
    assert status.evaluate("td => getComputedStyle(td, '::before').content") == '"Status"'
    assert page.locator("#t thead").bounding_box()["height"] <= 1  # read by screen readers only
    first, second = (page.locator("#t td").nth(i).bounding_box() for i in (0, 1))
    assert second["y"] > first["y"]  # stacked: one cell under the other
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    page.set_viewport_size(WIDTHS["desktop"])
    first, second = (page.locator("#t td").nth(i).bounding_box() for i in (0, 1))
    assert second["y"] == first["y"] and second["x"] > first["x"]  # a row again
    assert status.evaluate("td => getComputedStyle(td, '::before').content") in ("none", "normal")
