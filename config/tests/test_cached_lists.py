"""Lists and home-page panels kept under the figures version (config.cached_lists and the home
page's SHARED panels): a repeat visit renders none of them and reads none of their rows, what one
reader may not see never reaches another, and a change shows at the next visit."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from accounts.policy import Role
from accounts.tests.factories import BusinessUnitFactory, UserFactory
from stories.tests.factories import StoryFactory
from strategy.tests.factories import PlanFactory
from value.tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db


@dataclass
class CachedList:
    url_name: str
    template: str
    table: str  # the list's own table: a cached visit reads none of it

    def make(self, name: str, **fields):
        if self.url_name == "stories:story_list":
            return StoryFactory(title=name, published=True, **fields)
        if self.url_name == "strategy:plan_list":
            return PlanFactory(title=name, **fields)
        return SolutionFactory(name=name, **fields)


LISTS = [
    CachedList("stories:story_list", "stories/_library_results.html", "stories_story"),
    CachedList("strategy:plan_list", "strategy/_plan_rows.html", "strategy_plan"),
    CachedList("value:solution_list", "value/_solution_rows.html", "value_solution"),
]


def _rendered(response, template: str) -> bool:
    return template in [t.name for t in response.templates]


@pytest.fixture
def second_executive(unit):
    return UserFactory(username="second-executive", business_unit=unit, role=Role.EXECUTIVE)


@pytest.mark.parametrize("listing", LISTS, ids=lambda listing: listing.url_name)
def test_a_list_page_is_rendered_once_per_data_version(
    client, executive, second_executive, listing
):
    listing.make("Invoice approvals")
    url = reverse(listing.url_name)
    client.force_login(executive)
    first = client.get(url)
    assert _rendered(first, listing.template)
    assert "Invoice approvals" in first.content.decode()

    client.force_login(second_executive)
    with CaptureQueriesContext(connection) as again_queries:
        again = client.get(url)
    assert again.status_code == 200
    assert not _rendered(again, listing.template)
    assert "Invoice approvals" in again.content.decode()
    assert not [q for q in again_queries.captured_queries if listing.table in q["sql"]]

    listing.make("Travel requests")
    changed = client.get(url)
    assert _rendered(changed, listing.template)
    assert "Invoice approvals" in changed.content.decode()
    assert "Travel requests" in changed.content.decode()


@pytest.mark.parametrize(
    "listing, query",
    [
        (LISTS[0], "q=invoice"),  # a search
        (LISTS[2], "q=invoice"),
        (LISTS[0], "utm_source=mail"),  # the library's pagination links carry every parameter
        (LISTS[0], "page=abc"),
        (LISTS[1], "page=abc"),
        (LISTS[2], "page=abc"),
    ],
    ids=lambda case: case if isinstance(case, str) else case.url_name,
)
def test_searches_and_pages_that_cannot_be_keys_are_rendered_every_time(
    client, executive, listing, query
):
    listing.make("Invoice approvals")
    client.force_login(executive)
    url = f"{reverse(listing.url_name)}?{query}"
    for response in (client.get(url), client.get(url)):
        if query == "page=abc":
            assert response.status_code == 404
        else:  # (the factories' stories have no search vector: a search finds none of them)
            assert _rendered(response, listing.template)


@pytest.mark.parametrize("listing", LISTS, ids=lambda listing: listing.url_name)
def test_a_page_past_the_end_is_not_found_and_the_list_still_shows(client, executive, listing):
    listing.make("Invoice approvals")
    client.force_login(executive)
    url = reverse(listing.url_name)
    assert client.get(url, {"page": "7"}).status_code == 404
    assert "Invoice approvals" in client.get(url, {"page": "1"}).content.decode()


def test_a_makers_solution_list_shows_their_own_whoever_came_before(
    client, executive, maker, other_maker
):
    SolutionFactory(name="Shared inventory item")
    SolutionFactory(name="Maker's own app", owner=maker)
    SolutionFactory(name="Another maker's app", owner=other_maker)
    url = reverse("value:solution_list")
    client.force_login(executive)
    assert "Another maker&#x27;s app" in client.get(url).content.decode()
    for person, own, not_theirs in (
        (maker, "Maker&#x27;s own app", "Another maker&#x27;s app"),
        (other_maker, "Another maker&#x27;s app", "Maker&#x27;s own app"),
    ):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert own in page
        assert not_theirs not in page and "Shared inventory item" not in page


def test_the_empty_library_invites_only_those_who_may_submit(client, executive, maker):
    client.force_login(maker)
    assert "Share the first story" in client.get(reverse("stories:story_list")).content.decode()
    client.force_login(executive)
    assert "Share the first story" not in client.get(reverse("stories:story_list")).content.decode()


def test_a_renamed_owner_shows_in_the_plan_list_at_the_next_visit(client, executive):
    owner = UserFactory(first_name="Dana", last_name="Weiss")
    PlanFactory(title="Citizen development", owner=owner)
    client.force_login(executive)
    assert "Dana Weiss" in client.get(reverse("strategy:plan_list")).content.decode()
    owner.last_name = "Weiss-Keller"
    owner.save()
    assert "Dana Weiss-Keller" in client.get(reverse("strategy:plan_list")).content.decode()


# Home page ---------------------------------------------------------------------------------

SHARED_EXECUTIVE_PANELS = [
    "reports/dashboard/_home_panel.html",
    "strategy/_plans_panel.html",
    "value/_value_panel.html",
    "stories/_home_latest.html",
]


def test_an_executives_home_renders_the_shared_panels_once_and_their_own_each_time(
    client, executive, unit
):
    StoryFactory(title="Invoice approvals", published=True)
    PlanFactory(title="Citizen development")
    colleague = UserFactory(
        username="colleague",
        business_unit=BusinessUnitFactory(name="Logistics", slug="logistics"),
        role=Role.EXECUTIVE,
    )
    Organisation.current()  # made on first use, which is a write of its own
    client.force_login(executive)
    first = client.get(reverse("home"))
    assert set(SHARED_EXECUTIVE_PANELS) <= {t.name for t in first.templates}
    client.force_login(colleague)
    again = client.get(reverse("home"))
    names = {t.name for t in again.templates}
    assert not set(SHARED_EXECUTIVE_PANELS) & names
    assert "accounts/_organisation_panel.html" in names  # who they are: their own
    page = again.content.decode()
    assert "Invoice approvals" in page and "Citizen development" in page
    assert "Logistics" in page

    StoryFactory(title="Travel requests", published=True)
    assert "Travel requests" in client.get(reverse("home")).content.decode()


def test_a_makers_own_panels_are_their_own(client, maker, other_maker):
    StoryFactory(title="Maker's draft", author=maker)
    StoryFactory(title="Other maker's draft", author=other_maker)
    client.force_login(maker)
    assert "Maker&#x27;s draft" in client.get(reverse("home")).content.decode()
    client.force_login(other_maker)
    page = client.get(reverse("home")).content.decode()
    assert "Other maker&#x27;s draft" in page and "Maker&#x27;s draft" not in page


def test_shared_panels_are_kept_per_day(client, executive, second_executive, monkeypatch):
    Organisation.current()
    client.force_login(executive)
    client.get(reverse("home"))
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    client.force_login(second_executive)
    assert "value/_value_panel.html" in {t.name for t in client.get(reverse("home")).templates}


def test_the_solution_lists_pages_keep_the_unit_filter(client, executive, unit):
    other = BusinessUnitFactory(slug="logistics")
    for n in range(30):
        SolutionFactory(name=f"Finance app {n:02d}", business_unit=unit)
    SolutionFactory(name="Logistics app", business_unit=other)
    client.force_login(executive)
    page = client.get(reverse("value:solution_list"), {"unit": unit.slug}).content.decode()
    assert f"?unit={unit.slug}&amp;page=2" in page
    second = client.get(reverse("value:solution_list"), {"unit": unit.slug, "page": 2})
    assert "Logistics app" not in second.content.decode()
    assert "Finance app 29" in second.content.decode()
