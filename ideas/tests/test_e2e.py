"""Browser test: a maker submits an idea linked to a key result, colleagues vote, the CoE scores
and accepts it, and it appears as a solution."""

import pytest

from conftest import PASSWORD
from ideas.models import Idea
from strategy.tests.factories import KeyResultFactory
from value.models import Solution

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_an_idea_goes_from_a_maker_through_votes_and_the_coe_into_the_inventory(
    browser, live_server, unit, maker, other_maker, executive, coe_lead
):
    KeyResultFactory(title="Cut manual re-keying by 30 %", objective__title="Less manual work")
    KeyResultFactory(title="Grow the maker community", objective__plan__status="closed")

    page = browser.new_page()
    sign_in(page, live_server, "maker")
    page.click("nav >> text=Ideas")
    page.click("text=Submit an idea")
    page.fill("#id_title", "Timesheets typed twice")
    page.select_option("#id_business_unit", str(unit.pk))
    page.fill("#id_process", "Weekly timesheets")
    page.fill("#id_pain_point", "Paper timesheets are typed into payroll **again**.")
    page.fill("#id_people_affected", "40")
    page.fill("#id_occurrences", "1")
    page.select_option("#id_period", "week")
    page.fill("#id_minutes_now", "30")
    page.fill("#id_minutes_after", "5")
    # The key-result picker (the shared one) searches as you type; only active plans' key
    # results are offered.
    control = page.get_by_role("combobox", name="Key result 1").and_(page.locator("input"))
    control.focus()
    page.keyboard.type("re-key")
    page.locator("#id_kr_1-ts-dropdown .option", has_text="Cut manual re-keying by 30 %").click()
    control = page.get_by_role("combobox", name="Key result 2").and_(page.locator("input"))
    control.focus()
    page.keyboard.type("maker community")
    page.wait_for_timeout(800)
    assert "Grow the maker community" not in page.inner_text("body >> #id_kr_2-ts-dropdown")
    page.keyboard.press("Escape")
    page.fill("#id_how_1", "No second typing")
    page.click("button[value=submit]")
    page.wait_for_selector("text=Your idea is in the backlog.")
    idea = Idea.objects.get(title="Timesheets typed twice")
    assert idea.status == Idea.Status.NEW
    assert [link.key_result.title for link in idea.key_result_links.all()] == [
        "Cut manual re-keying by 30 %"
    ]

    for colleague in ("other-maker", "executive"):
        voter = browser.new_page()
        sign_in(voter, live_server, colleague)
        voter.goto(f"{live_server.url}{idea.get_absolute_url()}")
        voter.click("button:has-text('Vote')")
        voter.wait_for_selector("text=Thanks for your vote.")
        voter.close()
    idea.refresh_from_db()
    assert idea.vote_count == 2

    coe = browser.new_page()
    sign_in(coe, live_server, "coe-lead")
    coe.goto(f"{live_server.url}{idea.get_absolute_url()}")
    coe.select_option("#id_effort", "s")
    coe.fill("#id_risk", "1")
    coe.click("button:has-text('Save score')")
    coe.wait_for_selector("text=Score saved.")
    coe.select_option("#id_kind", "canvas_app")
    coe.click("button:has-text('Accept and create the solution')")
    coe.wait_for_selector("text=Accepted: its solution is in the inventory.")
    idea.refresh_from_db()
    solution = Solution.objects.get(pk=idea.solution_id)
    assert solution.status == Solution.Status.IN_DEVELOPMENT and solution.owner == maker
    coe.click("a:has-text('Timesheets typed twice') >> nth=-1")
    coe.wait_for_selector("text=It started as an idea")
    assert "/value/" in coe.url
