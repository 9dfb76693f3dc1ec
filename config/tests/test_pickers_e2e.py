"""A picker in a real browser, with the keyboard only: type, arrow down, Enter, submit."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from strategy.models import Plan
from value.tests.factories import SolutionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_person_is_found_and_chosen_with_the_keyboard(page, live_server, coe_lead, executive):
    executive.first_name, executive.last_name = "Erin", "Sponsor"
    executive.save()
    SolutionFactory.create_batch(3)  # other rows, so the search has something to leave out
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", coe_lead.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/strategy/plans/new/")
    page.fill("input[name=title]", "Adoption 2027")
    page.fill("textarea[name=vision]", "Every team automates its own paperwork.")
    page.fill("input[name=starts_on]", "2027-01-01")
    page.fill("input[name=ends_on]", "2027-12-31")
    # Named by its label (the hidden <select> carries the same name for screen readers).
    control = page.get_by_role("combobox", name="Executive sponsor").and_(page.locator("input"))
    assert control.get_attribute("id") == "id_sponsor-ts-control"
    control.focus()
    page.keyboard.type("spons")
    option = page.locator("#id_sponsor-ts-dropdown .option", has_text="Erin Sponsor")
    option.wait_for()
    expect(page.locator("#id_sponsor-ts-dropdown .option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.screenshot(path="var/picker.png")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/strategy/plans/*/")
    assert Plan.objects.get(title="Adoption 2027").sponsor == executive
