"""Pickers: forms render only the chosen option, and the search endpoint answers with what the
person may choose, page by page, under the policy."""

import re

import pytest
from django import forms
from django.core.management import call_command
from django.urls import reverse

from accounts.models import BusinessUnit, User
from accounts.policy import Role
from accounts.tests.factories import BusinessUnitFactory, UserFactory
from config.pickers import PAGE_SIZE, use_picker
from reports.bench_pages import crawl, parameterless_urls
from strategy.models import Kpi
from value.models import Solution
from value.tests.factories import SolutionFactory

OPTION = re.compile(r"<option\b")
# Fixed lists that do not grow with the organisation (the IANA time zones) are not counted.
FIXED_LISTS = re.compile(r'<select[^>]*name="time_zone".*?</select>', re.S)


def _search(client, name, **params):
    return client.get(reverse("picker_search", args=[name]), params)


@pytest.mark.django_db
def test_maker_finds_only_their_own_solutions(client, maker, other_maker, unit):
    SolutionFactory(name="Invoice tracker", owner=maker, business_unit=unit)
    SolutionFactory(name="Invoice approvals", owner=other_maker, business_unit=unit)
    client.force_login(maker)
    answer = _search(client, "solutions", q="invoice").json()
    assert [row["text"] for row in answer["results"]] == ["Invoice tracker · Finance"]
    assert answer["more"] is False


@pytest.mark.django_db
def test_executive_finds_every_solution_with_every_word(client, executive, maker, unit):
    SolutionFactory(name="Invoice tracker", owner=maker, business_unit=unit)
    SolutionFactory(name="Invoice approvals", owner=maker, business_unit=unit)
    SolutionFactory(name="Leave planner", owner=maker, business_unit=unit)
    client.force_login(executive)
    texts = [row["text"] for row in _search(client, "solutions", q="invoice").json()["results"]]
    assert texts == ["Invoice approvals · Finance", "Invoice tracker · Finance"]
    texts = [row["text"] for row in _search(client, "solutions", q="tracker inv").json()["results"]]
    assert texts == ["Invoice tracker · Finance"]


@pytest.mark.django_db
def test_results_come_page_by_page(client, coe_lead, unit):
    BusinessUnit.objects.bulk_create(
        BusinessUnit(name=f"Branch {n:02}", slug=f"branch-{n:02}", parent=unit) for n in range(25)
    )
    client.force_login(coe_lead)
    first = _search(client, "units", q="branch", key="slug").json()
    second = _search(client, "units", q="branch", key="slug", page=2).json()
    assert len(first["results"]) == PAGE_SIZE and first["more"] is True
    assert len(second["results"]) == 25 - PAGE_SIZE and second["more"] is False
    assert first["results"][0] == {"value": "branch-00", "text": "Branch 00 · Finance"}


@pytest.mark.django_db
def test_bad_requests_are_refused_with_a_reason(client, maker, executive):
    client.force_login(maker)
    assert _search(client, "nothing").status_code == 404
    assert _search(client, "units", key="name").status_code == 400
    assert _search(client, "units", page="two").status_code == 400
    client.force_login(executive)  # executives record no value: no cost library to pick from
    response = _search(client, "unit-costs")
    assert response.status_code == 403 and "detail" in response.json()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = _search(client, "people")
    assert response.status_code == 302 and "/accounts/sign-in/" in response.url


@pytest.mark.django_db
def test_picker_field_renders_only_the_chosen_option_and_validates_the_rest(unit):
    BusinessUnitFactory.create_batch(30)

    class UnitForm(forms.Form):
        unit = forms.ModelChoiceField(BusinessUnit.objects.all(), to_field_name="slug")

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            use_picker(self.fields["unit"], "units")

    html = str(UnitForm(initial={"unit": unit.slug})["unit"])
    assert len(OPTION.findall(html)) == 2  # the empty choice and Finance
    assert 'value="finance" selected' in html and "?key=slug" in html
    assert UnitForm({"unit": "finance"}).is_valid()
    assert not UnitForm({"unit": "no-such-unit"}).is_valid()


@pytest.mark.django_db
def test_no_page_renders_more_than_a_hundred_options(client):
    """Every page the crawl finds, as the CoE and a maker, with more than a hundred
    units, people, solutions and KPIs in the organisation."""
    call_command("load_content")
    call_command("seed_demo")
    parent = BusinessUnit.objects.get(slug="finance")
    units = BusinessUnit.objects.bulk_create(
        BusinessUnit(name=f"Team {n:03}", slug=f"team-{n:03}", parent=parent) for n in range(110)
    )
    User.objects.bulk_create(
        User(username=f"person-{n:03}", business_unit=units[n]) for n in range(110)
    )
    maker = User.objects.get(username="maker")
    Solution.objects.bulk_create(
        Solution(name=f"App {n:03}", kind="canvas_app", business_unit=units[n], owner=maker)
        for n in range(110)
    )
    Kpi.objects.bulk_create(Kpi(name=f"KPI {n:03}", unit="number") for n in range(110))
    too_many = {}
    for username in ["coe", "maker"]:
        client.force_login(User.objects.get(username=username))
        for url, status in crawl(client, per_shape=1, seeds=parameterless_urls()).items():
            if status != 200:
                continue
            response = client.get(url)
            if not response.streaming and "html" in response.get("Content-Type", ""):
                count = len(OPTION.findall(FIXED_LISTS.sub("", response.content.decode())))
                if count > 100:
                    too_many[url] = count
    assert too_many == {}


@pytest.mark.django_db
def test_role_fixture_sanity(maker):
    assert maker.groups.filter(name="Maker").exists()
    assert UserFactory(role=Role.EXECUTIVE).groups.count() == 1
