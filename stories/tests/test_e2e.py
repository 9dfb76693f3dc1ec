"""Browser tests: the whole path of a story, and XSS judged by a real browser."""

import io

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from PIL import Image

from accounts.policy import ROLE_GROUPS
from conftest import PASSWORD
from stories.models import Story
from stories.services import story_refresh_search
from stories.tests.test_rendering import XSS_PAYLOADS

from .factories import StoryFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _create_role_groups():
    for name in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=name)


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """The role groups come from a data migration, which the flush after every transactional
    test removes: put them back before the personas are created."""
    _create_role_groups()


@pytest.fixture(scope="module", autouse=True)
def restore_role_groups(django_db_setup, django_db_blocker):
    """After the last flush of this module, leave the groups in place for the tests that run
    later (pytest-django runs transactional tests after the others, but not always last)."""
    yield
    with django_db_blocker.unblock():
        _create_role_groups()


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_story_goes_from_a_maker_through_review_into_the_library(
    browser, live_server, maker, coe_lead, tmp_path
):
    picture = tmp_path / "after.png"
    out = io.BytesIO()
    Image.new("RGB", (320, 200), "teal").save(out, "PNG")
    picture.write_bytes(out.getvalue())

    maker_page = browser.new_page()
    sign_in(maker_page, live_server, "maker")
    maker_page.click("text=Stories")
    maker_page.click("text=Share a story")
    maker_page.fill("#id_title", "Gritstone invoices approved overnight")
    maker_page.fill("#id_overview", "A cloud flow sends each invoice to its approver in Teams.")
    maker_page.fill("#id_highlight_1", "Approvals overnight instead of a week")
    maker_page.fill("#id_highlight_2", "No more paper trays")
    maker_page.fill("#id_metrics-0-name", "Approval lead time")
    maker_page.fill("#id_metrics-0-unit", "days")
    maker_page.fill("#id_metrics-0-before_value", "6")
    maker_page.fill("#id_metrics-0-after_value", "1")
    maker_page.set_input_files("#id_images-0-upload", str(picture))
    maker_page.fill("#id_images-0-caption", "The approval card in Teams")
    maker_page.click("button[value=submit]")
    maker_page.wait_for_selector("text=Submitted. The CoE will review your story")
    story = Story.objects.get(title="Gritstone invoices approved overnight")
    assert story.status == Story.Status.SUBMITTED
    assert story.images.count() == 1 and story.metrics.count() == 1

    coe_page = browser.new_page()
    sign_in(coe_page, live_server, "coe-lead")
    coe_page.goto(f"{live_server.url}/stories/review/")
    coe_page.click("text=Gritstone invoices approved overnight")
    coe_page.click("button:has-text('Start review')")
    coe_page.wait_for_selector("text=Done: start review.")
    for field, value in [("relevance", "5"), ("impact", "5"), ("diversity", "3"),
                         ("engagement", "4"), ("scalability", "4")]:  # fmt: skip
        coe_page.select_option(f"#id_score_{field}", value)
    coe_page.click("button:has-text('Save scores')")
    coe_page.wait_for_selector("text=Scores saved: 21 of 25.")
    coe_page.click("button:has-text('Approve')")
    coe_page.wait_for_selector("text=Done: approve.")
    coe_page.click("button:has-text('Publish')")
    coe_page.wait_for_selector("text=Done: publish.")
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED and story.score_total == 21

    maker_page.goto(f"{live_server.url}/stories/")
    maker_page.fill("#id_q", "gritstone")
    maker_page.click("button:has-text('Search')")
    card = maker_page.locator(".story-card", has_text="Gritstone invoices approved overnight")
    card.wait_for()
    assert "-83.3 %" in card.inner_text()
    assert card.locator("img").evaluate("img => img.naturalWidth") == 320
    maker_page.screenshot(path=str(tmp_path / "library.png"))


def test_no_payload_runs_script_in_the_browser(browser, live_server, maker):
    payloads = "\n\n".join(XSS_PAYLOADS)
    story = StoryFactory(
        author=maker,
        status=Story.Status.PUBLISHED,
        published_at=timezone.now(),
        title="Payloads",
        overview=payloads,
        business_scenario=payloads,
        meet_the_team=payloads,
    )
    story_refresh_search(story=story)
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "maker")
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    page.wait_for_load_state("load")
    for link in page.locator(".story-body a").all():
        href = link.get_attribute("href") or ""
        assert href.startswith(("http:", "https:", "mailto:")), href
    page.locator(".story-body").hover()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.locator(".story-body script, .story-body img, .story-body iframe").count() == 0
