"""A story names only a solution its author may see: the form offers no other, and neither the
form nor the API accepts one."""

import re

import pytest
from django.urls import reverse

from value.tests.factories import SolutionFactory

from .factories import StoryFactory
from .test_api import api, payload
from .test_views import form_data


@pytest.fixture
def own(maker, unit):
    return SolutionFactory(name="Own invoice flow", owner=maker, business_unit=unit)


@pytest.fixture
def foreign(other_maker, unit):
    return SolutionFactory(name="Someone else's app", owner=other_maker, business_unit=unit)


def _options(html: str) -> list[str]:
    select = re.search(r'<select name="solution".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_api_refuses_a_solution_the_author_cannot_see(maker, unit, own, foreign):
    refused = api(maker).post(
        "/api/v1/stories/", payload(unit, solution=str(foreign.uuid)), format="json"
    )
    assert refused.status_code == 400
    assert "solution" in refused.json()
    accepted = api(maker).post(
        "/api/v1/stories/", payload(unit, solution=str(own.uuid)), format="json"
    )
    assert accepted.status_code == 201
    assert accepted.json()["solution"] == str(own.uuid)


def test_the_api_refuses_it_on_update_too(maker, unit, own, foreign):
    story = StoryFactory(author=maker, business_unit=unit)
    response = api(maker).patch(
        f"/api/v1/stories/{story.uuid}/", {"solution": str(foreign.uuid)}, format="json"
    )
    assert response.status_code == 400
    story.refresh_from_db()
    assert story.solution_id is None


def test_an_edit_keeps_a_link_the_coe_made(maker, unit, foreign):
    story = StoryFactory(author=maker, business_unit=unit, solution=foreign)
    response = api(maker).patch(
        f"/api/v1/stories/{story.uuid}/", {"title": "Invoices in an hour"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["solution"] == str(foreign.uuid)


def test_the_coe_may_link_a_story_to_any_solution_its_author_owns(coe_lead, maker, unit, own):
    story = StoryFactory(author=maker, business_unit=unit)
    response = api(coe_lead).patch(
        f"/api/v1/stories/{story.uuid}/", {"solution": str(own.uuid)}, format="json"
    )
    assert response.status_code == 200


def test_the_form_offers_only_the_authors_solutions(client, maker, own, foreign):
    client.force_login(maker)
    html = client.get(reverse("stories:story_create")).content.decode()
    assert _options(html) == [""]  # nothing listed: the picker searches
    assert 'data-picker-url="/pickers/solutions/?key=uuid"' in html
    found = client.get("/pickers/solutions/", {"key": "uuid"}).json()["results"]
    assert [row["value"] for row in found] == [str(own.uuid)]


def test_the_form_refuses_a_solution_the_author_cannot_see(client, maker, unit, foreign):
    client.force_login(maker)
    response = client.post(
        reverse("stories:story_create"), form_data(unit, solution=str(foreign.uuid))
    )
    assert response.status_code == 400
    assert "solution" in response.context["form"].errors


def test_the_form_accepts_one_found_by_search_beyond_the_first_options(client, coe_lead, unit):
    solutions = [SolutionFactory(name=f"App {n:02}", business_unit=unit) for n in range(25)]
    client.force_login(coe_lead)
    last = solutions[-1]  # "App 24": not among the first 20 options
    html = client.get(reverse("stories:story_create")).content.decode()
    assert str(last.uuid) not in _options(html)
    response = client.post(
        reverse("stories:story_create"), form_data(unit, solution=str(last.uuid))
    )
    assert response.status_code == 302
    assert coe_lead.stories.get().solution == last


def test_the_form_never_lists_thousands_of_solutions(client, coe_lead, unit):
    for n in range(30):
        SolutionFactory(name=f"App {n:02}", business_unit=unit)
    client.force_login(coe_lead)
    options = _options(client.get(reverse("stories:story_create")).content.decode())
    assert options == [""]  # only the empty choice: the picker searches as you type


def test_the_chosen_solution_stays_offered_when_the_form_comes_back(client, coe_lead, unit):
    solutions = [SolutionFactory(name=f"App {n:02}", business_unit=unit) for n in range(25)]
    client.force_login(coe_lead)
    chosen = solutions[-1]
    response = client.post(
        reverse("stories:story_create"),
        form_data(unit, solution=str(chosen.uuid), overview=""),  # invalid: comes back
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<option value="{chosen.uuid}" selected>' in html


def test_the_search_behind_the_form_applies_the_policy(maker, own, foreign):
    response = api(maker).get("/api/v1/solutions/", {"search": "", "page_size": 20})
    assert [row["uuid"] for row in response.json()["results"]] == [str(own.uuid)]
