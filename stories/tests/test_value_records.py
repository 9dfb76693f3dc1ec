"""Recording value from a published story: the page (preview, save, errors, roles) and the API."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from value.models import ValueRecord
from value.tests.factories import SolutionFactory, UnitCostFactory

from .factories import StoryFactory, StoryMetricFactory
from .test_api import api

D = Decimal


@pytest.fixture
def hour_cost(unit):
    return UnitCostFactory(business_unit=unit, name="Clerk hour", measure="hour", amount=D("30"))


@pytest.fixture
def story(unit):
    solution = SolutionFactory(business_unit=unit, name="Invoice flow")
    return StoryFactory(business_unit=unit, solution=solution, published=True)


@pytest.fixture
def invoices(story):
    return StoryMetricFactory(
        story=story, name="Minutes per invoice", unit="minutes", before_value=12, after_value=2
    )


def page(story):
    return reverse("stories:story_record_value", kwargs={"uuid": story.uuid})


def form_data(metric, hour_cost, **overrides):
    prefix = f"metric-{metric.uuid}"
    data = {
        "month_from": "2026-01",
        "month_to": "2026-03",
        "source": "measured",
        "note": "",
        f"{prefix}-include": "on",
        f"{prefix}-method": "time_per_item",
        f"{prefix}-volume": "3000",
        f"{prefix}-unit_cost": str(hour_cost.pk),
    }
    data.update(overrides)
    return data


def test_the_coe_sees_the_button_on_a_published_story_but_a_maker_does_not(
    client, story, invoices, coe_lead, maker
):
    client.force_login(coe_lead)
    assert page(story) in client.get(story.get_absolute_url()).content.decode()
    client.force_login(maker)
    assert page(story) not in client.get(story.get_absolute_url()).content.decode()


@pytest.mark.parametrize("persona", ["maker", "executive", "no_role_user"])
def test_other_roles_get_403(client, story, invoices, hour_cost, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page(story)).status_code == 403
    assert client.post(page(story), form_data(invoices, hour_cost, save="1")).status_code == 403
    assert not ValueRecord.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, story):
    response = client.get(page(story))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_form_suggests_the_method_and_the_months(client, story, invoices, coe_lead):
    client.force_login(coe_lead)
    response = client.get(page(story))
    assert response.status_code == 200
    form = response.context["metric_forms"][0]
    assert form.initial["method"] == "time_per_item"
    assert "Preview" in response.content.decode()


def test_the_page_previews_hours_and_money_per_month_without_saving(
    client, story, invoices, hour_cost, coe_lead
):
    client.force_login(coe_lead)
    response = client.post(page(story), form_data(invoices, hour_cost, preview="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "500.0" in html and "15,000.00" in html and "45,000.00" in html
    assert "Save 3 value records" in html
    assert not ValueRecord.objects.exists()


def test_saving_creates_the_records_and_goes_to_the_solution(
    client, story, invoices, hour_cost, coe_lead
):
    client.force_login(coe_lead)
    response = client.post(page(story), form_data(invoices, hour_cost, save="1"), follow=True)
    assert response.redirect_chain[-1][0] == story.solution.get_absolute_url()
    html = response.content.decode()
    assert "3 value records created from this story." in html
    assert "From story:" in html and story.get_absolute_url() in html
    records = ValueRecord.objects.filter(solution=story.solution)
    assert sum(r.amount for r in records) == D("45000.00")

    again = client.post(page(story), form_data(invoices, hour_cost, save="1"), follow=True)
    assert "0 value records created from this story; 3 were already recorded." in (
        again.content.decode()
    )
    assert ValueRecord.objects.count() == 3


def test_form_errors_are_shown_next_to_the_fields(client, story, invoices, hour_cost, coe_lead):
    client.force_login(coe_lead)
    prefix = f"metric-{invoices.uuid}"
    data = form_data(invoices, hour_cost, month_to="2025-12", save="1")
    data[f"{prefix}-volume"] = "-5"
    response = client.post(page(story), data)
    assert response.status_code == 400
    assert response.context["metric_forms"][0].errors == {
        "volume": ["The volume per month must be more than zero."]
    }
    assert response.context["form"].errors == {
        "month_to": ["The last month cannot be before the first."]
    }
    assert not ValueRecord.objects.exists()


def test_a_story_without_a_solution_offers_to_pick_one(client, unit, hour_cost, coe_lead):
    story = StoryFactory(business_unit=unit, published=True)
    metric = StoryMetricFactory(story=story, unit="minutes", before_value=12, after_value=2)
    solution = SolutionFactory(business_unit=unit)
    client.force_login(coe_lead)
    response = client.post(page(story), form_data(metric, hour_cost, save="1"))
    assert response.status_code == 400 and "solution" in response.context["form"].errors
    data = form_data(metric, hour_cost, save="1", solution=solution.pk)
    response = client.post(page(story), data)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.solution == solution


def test_a_story_that_is_not_published_is_refused(client, unit, hour_cost, coe_lead):
    draft = StoryFactory(business_unit=unit, solution=SolutionFactory(business_unit=unit))
    metric = StoryMetricFactory(story=draft, unit="minutes", before_value=12, after_value=2)
    client.force_login(coe_lead)
    response = client.get(page(draft), follow=True)
    assert "Only published stories" in response.content.decode()
    response = client.post(page(draft), form_data(metric, hour_cost, save="1"))
    assert response.status_code == 400
    assert not ValueRecord.objects.exists()


# API -----------------------------------------------------------------------------------------


def endpoint(story):
    return f"/api/v1/stories/{story.uuid}/record-value/"


def api_payload(metric, hour_cost, **overrides):
    data = {
        "metrics": [
            {
                "metric": str(metric.uuid),
                "method": "time_per_item",
                "volume": "3000",
                "unit_cost": str(hour_cost.uuid),
            }
        ],
        "month_from": "2026-01",
        "month_to": "2026-03",
    }
    data.update(overrides)
    return data


def test_the_api_creates_the_records_once(story, invoices, hour_cost, coe_lead):
    client = api(coe_lead)
    response = client.post(endpoint(story), api_payload(invoices, hour_cost), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["solution"] == str(story.solution.uuid)
    assert [(r["month"], r["hours_saved"], r["amount"], r["source"]) for r in body["created"]] == [
        ("2026-01-01", "500.0", "15000.00", "measured"),
        ("2026-02-01", "500.0", "15000.00", "measured"),
        ("2026-03-01", "500.0", "15000.00", "measured"),
    ]
    again = client.post(endpoint(story), api_payload(invoices, hour_cost), format="json")
    assert again.status_code == 200
    assert again.json()["created"] == [] and len(again.json()["already_recorded"]) == 3
    assert ValueRecord.objects.count() == 3


def test_the_api_refuses_bad_input_with_reasons(story, invoices, hour_cost, coe_lead):
    client = api(coe_lead)
    payload = api_payload(invoices, hour_cost, month_from="2026-03", month_to="2026-01")
    payload["metrics"][0]["volume"] = "-1"
    response = client.post(endpoint(story), payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "month_to": ["The last month cannot be before the first."],
        "metrics": {"0": {"volume": ["The volume per month must be more than zero."]}},
    }
    other = StoryMetricFactory(unit="minutes")
    payload = api_payload(other, hour_cost)
    response = client.post(endpoint(story), payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"metrics": {"0": {"metric": ["Not a metric of this story."]}}}
    assert not ValueRecord.objects.exists()


def test_the_api_refuses_a_story_that_is_not_published(unit, hour_cost, coe_lead):
    draft = StoryFactory(business_unit=unit, solution=SolutionFactory(business_unit=unit))
    metric = StoryMetricFactory(story=draft, unit="minutes", before_value=12, after_value=2)
    response = api(coe_lead).post(endpoint(draft), api_payload(metric, hour_cost), format="json")
    assert response.status_code == 409  # the story's state, not the request, is in the way
    assert response.json() == {"detail": "Only published stories can be turned into value records."}


@pytest.mark.parametrize("persona", ["maker", "executive"])
def test_maker_and_executive_tokens_get_403(story, invoices, hour_cost, persona, request):
    user = request.getfixturevalue(persona)
    response = api(user).post(endpoint(story), api_payload(invoices, hour_cost), format="json")
    assert response.status_code == 403
    assert not ValueRecord.objects.exists()


def test_the_demo_records_value_from_a_published_story_once(client, db):
    call_command("seed_demo")
    records = ValueRecord.objects.filter(origin_key__startswith="story-metric:")
    first = sorted(records.values_list("origin_key", flat=True))
    assert first  # the invoice story's keying time, for each month since it was published
    record = records.select_related("solution").first()
    assert record.solution.name == "Invoice approvals" and record.source == "measured"
    # 10 hours a week x 4.33 weeks = 43.3 hours a month
    assert record.hours_saved == D("43.3")
    call_command("seed_demo")
    assert sorted(records.values_list("origin_key", flat=True)) == first
    client.force_login(User.objects.get(username="coe"))
    html = client.get(record.solution.get_absolute_url()).content.decode()
    assert "From story: Supplier invoices approved" in html


def test_the_preview_in_german_shows_german_numbers_and_text(
    client, story, invoices, hour_cost, coe_lead
):
    client.force_login(coe_lead)
    try:
        response = client.post(
            page(story), form_data(invoices, hour_cost, preview="1"), HTTP_ACCEPT_LANGUAGE="de"
        )
    finally:
        translation.deactivate()  # the German request left German active in this thread
    html = response.content.decode()
    # 500 hours and 15,000.00 a month over three months, written the German way.
    assert 'data-label="Stunden pro Monat">500,0</td>' in html
    assert "15.000,00" in html and "45.000,00" in html
    assert "3 Werteinträge speichern" in html
    assert not ValueRecord.objects.exists()
