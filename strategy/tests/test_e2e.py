"""A CoE lead signs in, creates a plan from the ROI template, fills in its blanks, checks in a
key result and sees its progress and status, in a real headless chromium."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from accounts.policy import ROLE_GROUPS, Role
from accounts.tests.factories import UserFactory
from conftest import PASSWORD
from strategy import services


@pytest.fixture(scope="module", autouse=True)
def _role_groups_survive_the_flush(django_db_setup, django_db_blocker):
    """A transactional test empties every table when it ends, including the role groups that a
    data migration created. Tests that run later and look the groups up would then fail, so put
    them back once this module is done (module scope: after the flush of the last test)."""
    yield
    with django_db_blocker.unblock():
        for name in ROLE_GROUPS.values():
            Group.objects.get_or_create(name=name)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_coe_lead_plans_from_the_roi_template_and_checks_in(live_server, page):
    for name in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=name)
    UserFactory(username="lead", first_name="Casey", role=Role.COE_LEAD)
    services.load_plan_templates()

    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", "lead")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()

    page.get_by_role("link", name="Strategy").first.click()
    page.get_by_role("link", name="Use this template").first.click()
    expect(
        page.get_by_role("heading", name=re.compile("Measure value and realize ROI"))
    ).to_be_visible()

    # The plan started 50 days ago and runs for 100 days: half-way today.
    today = timezone.localdate()
    page.fill("input[name=title]", "Value plan 2026")
    page.fill("input[name=starts_on]", (today - timedelta(days=50)).isoformat())
    page.fill("input[name=ends_on]", (today + timedelta(days=50)).isoformat())
    page.fill("input[name='blank_roi-accuracy']", "80")
    page.fill("input[name='blank_time-to-value']", "40")
    page.get_by_role("button", name="Create plan").click()

    expect(page.get_by_role("heading", name="Value plan 2026")).to_be_visible()
    expect(page.get_by_text("Plan created from the template")).to_be_visible()
    expect(page.get_by_role("heading", name="Immediate")).to_be_visible()
    page.get_by_role("link", name=re.compile("Our ROI method measures .* 80% accuracy")).click()

    # Half-way through, 30 of 80 is 37.5 %, 12.5 points behind: at risk.
    page.fill("input[name=value]", "30")
    page.fill("input[name=confidence]", "6")
    page.fill("textarea[name=comment]", "First measurement after go-live")
    page.get_by_role("button", name="Save check-in").click()

    expect(page.get_by_text("Check-in saved.")).to_be_visible()
    progress = page.get_by_test_id("kr-progress")
    expect(progress).to_contain_text("37.5 %")
    expect(progress).to_contain_text("At risk")
    expect(page.get_by_role("cell", name="First measurement after go-live")).to_be_visible()
    expect(page.locator("#kr-chart")).to_be_visible()
    # The chart was drawn by the static script (CSP allows no inline code without the nonce).
    page.wait_for_function("() => typeof Chart !== 'undefined' && !!Chart.getChart('kr-chart')")

    page.get_by_role("link", name="Value plan 2026").click()
    expect(page.get_by_test_id("plan-progress")).to_contain_text("%")
