"""A well-formed date that names no day is "no such date" (API, forms, filters), and a top-level
business unit needs no `"parent": null`."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import BusinessUnit
from config.dates import DateField, names_no_day
from strategy.forms import PlanForm
from value.forms import MonthField


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-30", True),
        ("2026-02-29", True),  # 2026 is no leap year
        ("2028-02-29", False),
        ("2026-13", True),
        ("2026-04-31", True),
        ("2026-4-1", False),
        ("30/02/2026", False),  # another shape: a format error, not a date error
        ("yesterday", False),
    ],
)
def test_names_no_day(text, expected):
    assert names_no_day(text) is expected


def test_a_form_says_no_such_date_not_invalid():
    field = DateField()
    with pytest.raises(Exception) as error:
        field.clean("2026-02-30")
    assert "no such date" in str(error.value)
    with pytest.raises(Exception) as error:
        field.clean("someday")
    assert "valid date" in str(error.value)


def test_a_month_field_says_no_such_month():
    with pytest.raises(Exception) as error:
        MonthField().clean("2026-13")
    assert "no such date" in str(error.value)


def test_the_plan_form_says_no_such_date(coe_lead):
    form = PlanForm(data={"title": "Plan", "vision": "v", "starts_on": "2026-02-30"})
    assert not form.is_valid()
    assert "no such date" in form.errors["starts_on"][0]


def test_the_api_says_no_such_date_for_a_model_date_field(maker, unit):
    response = _api(maker).post(
        "/api/v1/solutions/",
        {"name": "App", "kind": "canvas_app", "business_unit": unit.slug,
         "go_live_on": "2026-02-30"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "no such date" in response.json()["go_live_on"][0]
    wrong = _api(maker).post(
        "/api/v1/solutions/",
        {"name": "App", "kind": "canvas_app", "business_unit": unit.slug,
         "go_live_on": "30.2.2026"},
        format="json",
    )  # fmt: skip
    assert "wrong format" in wrong.json()["go_live_on"][0]


def test_the_api_says_no_such_date_for_a_query_and_a_filter(executive):
    figures = _api(executive).get("/api/v1/value-figures/", {"start": "2026-02-30"})
    assert figures.status_code == 400
    assert "no such date" in str(figures.json())
    records = _api(executive).get("/api/v1/value-records/", {"month": "2026-02-30"})
    assert records.status_code == 400
    assert "no such date" in str(records.json())


def test_the_site_says_no_such_date_in_the_value_filter(client, executive):
    client.force_login(executive)
    response = client.get(reverse("value:overview"), {"start": "2026-13"})
    assert "no such date" in response.content.decode()


def test_a_top_level_unit_needs_no_parent(admin_user):
    response = _api(admin_user).post(
        "/api/v1/business-units/", {"name": "Legal", "slug": "legal"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert BusinessUnit.objects.get(slug="legal").parent is None


def test_two_top_level_units_cannot_share_a_name(admin_user, unit):
    response = _api(admin_user).post(
        "/api/v1/business-units/", {"name": "Finance", "slug": "finance-2"}, format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()


def test_a_unit_may_be_renamed_without_restating_its_parent(admin_user, unit):
    child = BusinessUnit.objects.create(name="Payables", slug="payables", parent=unit)
    response = _api(admin_user).patch(
        f"/api/v1/business-units/{child.slug}/", {"name": "Accounts payable"}, format="json"
    )
    assert response.status_code == 200
    child.refresh_from_db()
    assert (child.name, child.parent) == ("Accounts payable", unit)
