from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from value.models import ProgrammeCost, Solution, UnitCost, ValueRecord
from value.tests.factories import SolutionFactory, UnitCostFactory, ValueRecordFactory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def solution(maker, unit):
    return SolutionFactory(name="Invoice approvals", business_unit=unit, owner=maker)


def test_anonymous_gets_401(api, db):
    assert api.get("/api/v1/solutions/").status_code == 401


def test_maker_lists_own_solutions_only(api, maker, other_maker, solution, unit):
    SolutionFactory(business_unit=unit, owner=other_maker)
    api.force_authenticate(maker)
    response = api.get("/api/v1/solutions/")
    assert [row["name"] for row in response.json()["results"]] == ["Invoice approvals"]
    api.force_authenticate(other_maker)
    assert api.get(f"/api/v1/solutions/{solution.uuid}/").status_code == 404
    assert api.patch(f"/api/v1/solutions/{solution.uuid}/", {"name": "x"}).status_code == 404


def test_maker_creates_a_solution_owned_by_them(api, maker, other_maker, unit):
    api.force_authenticate(maker)
    response = api.post(
        "/api/v1/solutions/",
        {
            "name": "Expense checker",
            "kind": "cloud_flow",
            "business_unit": unit.slug,
            "owner": other_maker.username,
            "build_hours": "10",
            "build_hourly_rate": "50",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Solution.objects.get(name="Expense checker").owner == maker


def test_negative_cost_is_a_400_and_nothing_is_saved(api, coe_lead, unit):
    api.force_authenticate(coe_lead)
    response = api.post(
        "/api/v1/solutions/",
        {"name": "Bad", "kind": "cloud_flow", "business_unit": unit.slug, "build_hours": "-1"},
        format="json",
    )
    assert response.status_code == 400
    assert "build_hours" in response.json()
    assert not Solution.objects.exists()


def test_executive_reads_but_cannot_write(api, executive, solution):
    api.force_authenticate(executive)
    assert api.get(f"/api/v1/solutions/{solution.uuid}/").status_code == 200
    assert api.patch(f"/api/v1/solutions/{solution.uuid}/", {"name": "x"}).status_code == 403
    response = api.post(
        "/api/v1/unit-costs/", {"name": "Staff hour", "measure": "hour", "amount": "40"}
    )
    assert response.status_code == 403
    assert not UnitCost.objects.exists()
    solution.refresh_from_db()
    assert solution.name == "Invoice approvals"


def test_maker_records_value_but_cannot_verify_it(api, maker, solution):
    UnitCostFactory(name="Staff hour", measure="hour", amount=Decimal("40"), is_staff_hour=True)
    api.force_authenticate(maker)
    base = {"solution": str(solution.uuid), "month": "2026-02-01", "hours_saved": "10"}
    refused = api.post("/api/v1/value-records/", {**base, "source": "coe_verified"})
    assert refused.status_code == 400 and "source" in refused.json()
    created = api.post("/api/v1/value-records/", {**base, "source": "measured"})
    assert created.status_code == 201, created.json()
    assert created.json()["amount"] == "400.00"
    record = ValueRecord.objects.get()
    assert api.patch(f"/api/v1/value-records/{record.uuid}/", {"amount": "9"}).status_code == 405


@pytest.mark.parametrize(
    "data",
    [{"hours_saved": "-2"}, {"cost_avoided": "-5"}, {"hours_saved": "1", "month": "2099-01-01"}],
)
def test_bad_value_records_are_refused(api, coe_lead, solution, data):
    UnitCostFactory(name="Staff hour", measure="hour", amount=Decimal("40"), is_staff_hour=True)
    api.force_authenticate(coe_lead)
    response = api.post(
        "/api/v1/value-records/",
        {"solution": str(solution.uuid), "month": "2026-01-01", "source": "measured", **data},
    )
    assert response.status_code == 400
    assert not ValueRecord.objects.exists()


def test_programme_cost_period_order(api, coe_lead):
    api.force_authenticate(coe_lead)
    response = api.post(
        "/api/v1/programme-costs/",
        {"kind": "training", "starts_on": "2026-03-01", "ends_on": "2026-02-01", "amount": "10"},
    )
    assert response.status_code == 400 and "ends_on" in response.json()
    assert not ProgrammeCost.objects.exists()


def test_unit_cost_duplicate_org_wide_name_is_a_400(api, coe_lead):
    api.force_authenticate(coe_lead)
    body = {"name": "Staff hour", "measure": "hour", "amount": "40", "is_staff_hour": True}
    assert api.post("/api/v1/unit-costs/", body, format="json").status_code == 201
    assert api.post("/api/v1/unit-costs/", body, format="json").status_code == 400
    assert UnitCost.objects.count() == 1


def test_figures_endpoint_gives_the_hand_computed_roi(api, executive, unit):
    app = SolutionFactory(
        business_unit=unit,
        go_live_on=date(2026, 1, 10),
        build_hours=Decimal("100"),
        build_hourly_rate=Decimal("50"),
        licence_cost_monthly=Decimal("200"),
    )
    for month in (1, 2, 3):
        ValueRecordFactory(solution=app, month=date(2026, month, 1), amount=Decimal("1000"))
    api.force_authenticate(executive)
    response = api.get(
        "/api/v1/value-figures/", {"unit": unit.slug, "start": "2026-01-01", "end": "2026-03-31"}
    )
    totals = response.json()["totals"]
    assert (totals["value"], totals["cost"], totals["roi_pct"]) == ("3000.00", "5600.00", "-46.4")
    bad = api.get("/api/v1/value-figures/", {"start": "2026-03-01", "end": "2026-01-01"})
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "query", [{"end": "5779-03-01"}, {"start": "1900-01-01"}, {"end": "1900-01-01"}]
)
def test_figures_period_limits_hold_when_one_bound_is_left_out(api, executive, query):
    api.force_authenticate(executive)
    response = api.get("/api/v1/value-figures/", query)
    assert response.status_code == 400 and "end" in response.json()


def test_figures_are_for_readers(api, maker):
    api.force_authenticate(maker)
    assert api.get("/api/v1/value-figures/").status_code == 403


def test_solution_list_query_count(api, coe_lead, unit, django_assert_max_num_queries):
    for _ in range(30):
        SolutionFactory(business_unit=unit, owner=User.objects.get(pk=coe_lead.pk))
    api.force_authenticate(coe_lead)
    # groups (policy), count, page with unit and owner
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/solutions/")
    assert response.json()["count"] == 30


def test_value_records_page_by_cursor(api, coe_lead, solution, django_assert_max_num_queries):
    """Newest month first, then the newest id; every record once; no count; the last page has
    no next link, and a later page costs the same queries as the first."""
    months = [date(2026, 1, 1), date(2026, 3, 1), date(2026, 3, 1), date(2026, 2, 1),
              date(2026, 3, 1)]  # fmt: skip
    records = [ValueRecordFactory(solution=solution, month=month) for month in months]
    expected = [str(r.uuid) for r in sorted(records, key=lambda r: (r.month, r.pk), reverse=True)]
    api.force_authenticate(coe_lead)
    seen, url, pages = [], "/api/v1/value-records/?page_size=2", 0
    while url:
        # groups (policy, read once per user), one page of records with their solutions
        with django_assert_max_num_queries(2):
            body = api.get(url).json()
        assert "count" not in body and set(body) == {"next", "results"}
        seen += [row["uuid"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert seen == expected and pages == 3

    by_amount = api.get("/api/v1/value-records/", {"ordering": "amount", "page_size": 100})
    assert len(by_amount.json()["results"]) == 5


def test_value_records_refuse_a_bad_cursor(api, coe_lead, solution):
    ValueRecordFactory(solution=solution)
    api.force_authenticate(coe_lead)
    for cursor in ["nonsense", "eyJmIjoibW9udGgifQ==", "e30="]:
        response = api.get("/api/v1/value-records/", {"cursor": cursor})
        assert response.status_code == 400 and "cursor" in response.json(), cursor
    first = api.get("/api/v1/value-records/", {"page_size": 1, "ordering": "amount"}).json()
    assert first["next"] is None  # one record: one page
    ValueRecordFactory(solution=solution, month=date(2026, 2, 1))
    by_amount = api.get("/api/v1/value-records/", {"page_size": 1, "ordering": "amount"}).json()
    cursor = by_amount["next"].split("cursor=")[1].split("&")[0]
    # A cursor of one ordering does not continue another.
    response = api.get("/api/v1/value-records/", {"cursor": cursor, "ordering": "-month"})
    assert response.status_code == 400
    response = api.get("/api/v1/value-records/", {"ordering": "month,amount"})
    assert response.status_code == 400 and "ordering" in response.json()


# --- Faults the all-checks fuzzing found (config/tests/test_api_schema.py) ---------------------


@pytest.mark.parametrize("junk", ["xyz", "maybe", "2"])
def test_a_yes_no_filter_that_is_not_true_or_false_is_a_400_naming_it(api, coe_lead, junk):
    UnitCostFactory(name="Staff hour", measure="hour", is_staff_hour=True)
    api.force_authenticate(coe_lead)
    response = api.get("/api/v1/unit-costs/", {"is_staff_hour": junk})
    assert response.status_code == 400
    assert response.json() == {"is_staff_hour": [f"Use true or false, not {junk!r}."]}


@pytest.mark.parametrize("name", ["is_staff_hour", "business_unit__slug", "measure"])
def test_a_filter_without_a_value_is_a_400_naming_it(api, coe_lead, name):
    # django-filter would ignore it and list everything.
    api.force_authenticate(coe_lead)
    response = api.get("/api/v1/unit-costs/", {name: ""})
    assert response.status_code == 400
    assert response.json() == {name: "Give a value, or leave the parameter out."}


def test_a_yes_no_filter_keeps_the_rows_it_names(api, coe_lead):
    UnitCostFactory(name="Staff hour", measure="hour", is_staff_hour=True)
    UnitCostFactory(name="Licence", measure="item", is_staff_hour=False)
    api.force_authenticate(coe_lead)

    def names(value):
        response = api.get("/api/v1/unit-costs/", {"is_staff_hour": value})
        return [row["name"] for row in response.json()["results"]]

    assert names("true") == ["Staff hour"]
    assert names("false") == ["Licence"]
    assert names("1") == ["Staff hour"]
    assert [r["name"] for r in api.get("/api/v1/unit-costs/").json()["results"]] == [
        "Licence",
        "Staff hour",
    ]


def test_deleting_a_solution_with_value_records_is_a_409_with_the_reason(api, coe_lead, solution):
    ValueRecordFactory(solution=solution, month=date(2026, 1, 1))
    api.force_authenticate(coe_lead)
    response = api.delete(f"/api/v1/solutions/{solution.uuid}/")
    assert response.status_code == 409
    assert response.json() == {"detail": "This solution has value records; retire it."}
    assert Solution.objects.filter(pk=solution.pk).exists()


def test_an_empty_text_for_a_relation_in_json_is_a_400_and_null_means_none(api, coe_lead):
    api.force_authenticate(coe_lead)
    body = {"name": "Licence", "measure": "item", "amount": "10"}
    empty = api.post("/api/v1/unit-costs/", {**body, "business_unit": ""}, format="json")
    assert empty.status_code == 400
    assert empty.json() == {"business_unit": ["Give a value, or null for none."]}
    assert not UnitCost.objects.exists()
    none = api.post("/api/v1/unit-costs/", {**body, "business_unit": None}, format="json")
    assert none.status_code == 201 and none.json()["business_unit"] is None


@pytest.mark.parametrize(
    ("url", "name"), [("/api/v1/value-figures/", "unit"), ("/api/v1/solutions/", "ordering")]
)
def test_an_empty_figures_scope_or_ordering_is_a_400_naming_it(api, executive, url, name):
    api.force_authenticate(executive)
    response = api.get(url, {name: ""})
    assert response.status_code == 400
    assert response.json() == {name: "Give a value, or leave the parameter out."}
