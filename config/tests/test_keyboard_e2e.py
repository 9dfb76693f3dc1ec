"""Keyboard only: a CoE lead answers an assessment area, a key result owner checks in, and a maker
submits a story, with Tab, Shift+Tab, Space, Enter, the arrow keys and typing; no mouse.

Every Tab must move the focus forwards in the page's order (Shift+Tab backwards), every focused
control must show that it has the focus, and what was entered must be saved."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.policy import ROLE_GROUPS
from adoption.loader import load_question_bank
from adoption.tests.factories import start
from maturity.loader import load_maturity_model
from stories.models import Story
from strategy.models import CheckIn
from strategy.tests.factories import KeyResultFactory, ObjectiveFactory, PlanFactory

from .browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Where the focus is, as a short text; whether it moved in the expected direction from the last
# element seen (document order); whether it shows a focus indicator (outline or box shadow).
FOCUS_JS = """(backwards) => {
    const el = document.activeElement;
    const previous = window.__lastFocus;
    window.__lastFocus = el;
    let inOrder = true;
    if (previous && previous !== el && previous.isConnected) {
        const position = previous.compareDocumentPosition(el);
        inOrder = backwards ? !!(position & Node.DOCUMENT_POSITION_PRECEDING)
                            : !!(position & Node.DOCUMENT_POSITION_FOLLOWING);
    }
    // A picker's search box shows the focus on its whole control (config.pickers).
    const style = getComputedStyle(el.closest(".ts-control") || el);
    const visible = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
                    || style.boxShadow !== "none";
    let label = el.tagName.toLowerCase();
    if (el.name) label += `[name=${el.name}]`;
    if (el.type === "radio") label += `[value=${el.value}]`;
    if (el.id) label += "#" + el.id;
    return {label, inOrder, visible, isBody: el === document.body};
}"""


@pytest.fixture(autouse=True)
def _role_groups(db):
    for name in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=name)


def press(page, key: str) -> dict:
    """Press `key` and return where the focus went; Tab must move forwards, Shift+Tab back."""
    page.keyboard.press(key)
    focus = page.evaluate(FOCUS_JS, key == "Shift+Tab")
    if key in ("Tab", "Shift+Tab"):
        assert focus["inOrder"], f"{key} moved the focus out of order, to {focus['label']}"
        assert not focus["isBody"], f"{key} lost the focus"
        assert focus["visible"], f"no visible focus on {focus['label']}"
    return focus


def tab_to(page, selector: str, limit: int = 60) -> dict:
    """Press Tab until the element matching `selector` has the focus (in order at every step)."""
    for _ in range(limit):
        focus = press(page, "Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return focus
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab")


def start_from_skip_link(page) -> None:
    """The first Tab reaches the skip link; Enter on it moves the focus into the main content."""
    page.evaluate("window.__lastFocus = null")
    focus = press(page, "Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main", focus
    assert page.evaluate("document.activeElement.getBoundingClientRect().width") > 1  # shown
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.evaluate("window.__lastFocus = document.activeElement")


def test_an_assessment_area_answered_and_saved_with_the_keyboard(page, live_server, coe_lead):
    load_maturity_model()
    load_question_bank()
    assessment = start(user=coe_lead)
    area = assessment.answers.select_related("area").order_by("area__order").first().area
    sign_in(page.context, live_server, coe_lead)
    page.goto(f"{live_server.url}{assessment.get_absolute_url()}areas/{area.key}/")
    # The questions in the page's order: (key, text).
    questions = page.evaluate(
        """() => [...document.querySelectorAll("main fieldset")].map((group) => [
            group.querySelector("input[type=radio]").name.slice(2),
            group.querySelector("legend").textContent.trim()])"""
    )
    assert len(questions) >= 3
    # Each question group is named by its question (fieldset + legend), as a screen reader says.
    for key, text in questions:
        group = page.get_by_role("group", name=text)
        assert group.get_by_role("radio").count() == 6, key
    keys = [key for key, _ in questions]

    start_from_skip_link(page)
    # Question 1: Space picks the first option (100); then a note, typed.
    tab_to(page, f"input[name=q_{keys[0]}]")
    page.keyboard.press("Space")
    press(page, "Tab")
    assert page.evaluate("document.activeElement.name") == f"note_{keys[0]}"
    page.keyboard.type("Written down in the CoE charter")
    # Question 2: Tab enters the group, two presses of ArrowDown choose 300.
    press(page, "Tab")
    assert page.evaluate("document.activeElement.name") == f"q_{keys[1]}"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    # Shift+Tab goes back to the note of question 1, Tab forwards to question 2 again.
    assert press(page, "Shift+Tab")["label"].startswith(f"textarea[name=note_{keys[0]}]")
    press(page, "Tab")
    assert page.evaluate("document.activeElement.value") == "300"
    # Question 3: ArrowDown five times from the first option reaches "Not sure".
    tab_to(page, f"input[name=q_{keys[2]}]")
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "unsure"
    tab_to(page, "button[name=save]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    saved = {a.question_key: a for a in assessment.answers.all()}
    assert saved[keys[0]].level == 100
    assert saved[keys[0]].note == "Written down in the CoE charter"
    assert saved[keys[1]].level == 300
    assert saved[keys[2]].is_unsure
    assert saved[keys[2]].level is None


def test_a_check_in_recorded_with_the_keyboard(page, live_server, coe_lead):
    plan = PlanFactory(owner=coe_lead, title="Keyboard plan")
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(plan=plan), owner=coe_lead, title="Apps with an owner"
    )
    sign_in(page.context, live_server, coe_lead)
    page.goto(f"{live_server.url}{key_result.get_absolute_url()}")
    start_from_skip_link(page)
    tab_to(page, "input[name=value]")
    page.keyboard.type("42.5")
    press(page, "Tab")
    page.keyboard.type("7")
    press(page, "Tab")
    page.keyboard.type("Counted in the inventory")
    tab_to(page, "button[type=submit]")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save check-in"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    check_in = CheckIn.objects.get(key_result=key_result)
    assert (check_in.value, check_in.confidence) == (Decimal("42.50"), 7)
    assert check_in.comment == "Counted in the inventory"
    assert page.get_by_text("Check-in saved.").is_visible()


def test_a_story_submitted_with_the_keyboard(page, live_server, maker):
    sign_in(page.context, live_server, maker)
    page.goto(f"{live_server.url}/stories/new/")
    start_from_skip_link(page)
    tab_to(page, "input[name=title]")
    page.keyboard.type("Leave requests answered the same day")
    # The kind of solution: a native <select>, changed with the arrow keys.
    tab_to(page, "select[name=solution_kind]")
    page.keyboard.press("ArrowDown")
    kind = page.evaluate("document.activeElement.value")
    assert kind
    tab_to(page, "textarea[name=overview]")
    page.keyboard.type("A flow routes each leave request to the manager in Teams.")
    tab_to(page, "input[name=highlight_1]")
    page.keyboard.type("Answers on the same day")
    press(page, "Tab")
    page.keyboard.type("No more e-mail chains")
    tab_to(page, "button[value=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    story = Story.objects.get(title="Leave requests answered the same day")
    assert story.status == Story.Status.SUBMITTED
    assert story.author == maker and story.solution_kind == kind
    assert story.highlight_1 == "Answers on the same day"
    assert story.highlight_2 == "No more e-mail chains"
