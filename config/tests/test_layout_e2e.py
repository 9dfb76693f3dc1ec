"""The main pages of each role on a phone (390 px) and a desktop (1366 px): no sideways scrolling
of the page, no text cut off by its box, and the wide tables' key columns on screen.

Screenshots of every page at both widths are kept in SCREENSHOT_DIR (default var/screenshots/)
for a person to look at; the assertions are what the suite holds."""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from adoption.models import Assessment
from reports.models import ReportDefinition, ReportSnapshot
from strategy.models import KeyResult, Kpi, Plan

from .browser import WIDTHS, layout_faults, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def main_pages() -> dict[str, list[tuple[str, str]]]:
    """Per demo person, (name, address) of the pages that person uses most."""
    plan = Plan.objects.order_by("created_at").first()
    plan.url = plan.get_absolute_url()
    key_result = KeyResult.objects.filter(objective__plan=plan).order_by("pk").first()
    kpi_report = ReportSnapshot.objects.filter(definition__kind=ReportDefinition.Kind.KPI).first()
    assessment = Assessment.objects.filter(status="submitted").order_by("-submitted_at").first()
    draft = Assessment.objects.filter(status="draft").first()
    kpi = Kpi.objects.order_by("pk").first()
    everyone = [("home", "/"), ("dashboard", "/dashboard/")]
    readers = [
        ("plan", plan.url),
        ("key-result", key_result.get_absolute_url()),
        ("kpi-list", "/strategy/kpis/"),
        ("kpi", kpi.get_absolute_url()),
        ("kpi-report", kpi_report.get_absolute_url()),
        ("assessment", assessment.get_absolute_url()),
        ("value", "/value/"),
        ("stories", "/stories/"),
    ]
    coe = [("assessments", "/assessments/"), ("solutions", "/value/solutions/")]
    if draft:
        area = draft.answers.select_related("area").order_by("area__order").first().area
        coe.append(("assessment-draft", draft.get_absolute_url()))
        coe.append(("assessment-area", f"{draft.get_absolute_url()}areas/{area.key}/"))
    maker = [("story-new", "/stories/new/"), ("ideas", "/ideas/"), ("plan", plan.url)]
    return {
        "exec": everyone + readers,
        "coe": everyone + readers + coe,
        "maker": [("home", "/"), ("stories", "/stories/"), *maker],  # no dashboard: 403
    }


def test_main_pages_have_no_layout_faults_on_a_phone_or_a_desktop(browser, live_server, capsys):
    began = time.perf_counter()
    call_command("load_content", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    folder = Path(os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR, "var", "screenshots")))
    folder.mkdir(parents=True, exist_ok=True)
    faults: list[str] = []
    shots = 0
    for username, pages in main_pages().items():
        context = browser.new_context()
        sign_in(context, live_server, User.objects.get(username=username))
        page = context.new_page()
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            for name, url in pages:
                response = page.goto(f"{live_server.url}{url}")
                assert response.status == 200, (username, url)
                page.wait_for_load_state("networkidle")
                for fault in layout_faults(page):
                    faults.append(
                        f"{fault['kind']} on {url} ({name}) as {username} at "
                        f"{viewport['width']} px: {fault['detail']}"
                    )
                page.screenshot(path=folder / f"{username}-{name}-{width}.png", full_page=True)
                shots += 1
        context.close()
    with capsys.disabled():
        print(
            f"\nlayout: {shots} pages checked in {time.perf_counter() - began:.0f} s; "
            f"screenshots in {folder}"
        )
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
