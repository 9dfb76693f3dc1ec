from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import BusinessUnitFactory
from value.models import ProgrammeCost, Solution, UnitCost, ValueRecord
from value.tests.factories import SolutionFactory, UnitCostFactory, ValueRecordFactory


@pytest.fixture
def solution(maker, unit):
    return SolutionFactory(name="Invoice approvals", business_unit=unit, owner=maker)


@pytest.fixture
def staff_hour(unit):
    return UnitCostFactory(
        business_unit=None, name="Staff hour", amount=Decimal("40"), is_staff_hour=True
    )


PAGES = [
    "value:overview",
    "value:solution_list",
    "value:solution_create",
    "value:solution_import",
    "value:record_create",
    "value:calculator",
    "value:unit_cost_list",
    "value:programme_cost_list",
]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("login") in response.url


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "maker",
            {
                "value:overview": 403,
                "value:solution_list": 200,
                "value:solution_create": 200,
                "value:solution_import": 403,
                "value:record_create": 200,
                "value:calculator": 200,
                "value:unit_cost_list": 403,
                "value:programme_cost_list": 403,
            },
        ),
        (
            "executive",
            {
                "value:overview": 200,
                "value:solution_list": 200,
                "value:solution_create": 403,
                "value:solution_import": 403,
                "value:record_create": 403,
                "value:calculator": 403,
                "value:unit_cost_list": 200,
                "value:programme_cost_list": 200,
            },
        ),
        ("coe_lead", dict.fromkeys(PAGES, 200)),
        ("admin_user", dict.fromkeys(PAGES, 200)),
        ("no_role_user", dict.fromkeys(PAGES, 403)),
    ],
)
def test_every_page_for_every_role(client, request, persona, expected, solution):
    client.force_login(request.getfixturevalue(persona))
    got = {name: client.get(reverse(name)).status_code for name in PAGES}
    assert got == expected


def test_solution_detail_owner_reader_and_other_maker(client, solution, other_maker, executive):
    client.force_login(solution.owner)
    assert client.get(solution.get_absolute_url()).status_code == 200
    client.force_login(executive)
    assert client.get(solution.get_absolute_url()).status_code == 200
    assert client.get(reverse("value:solution_edit", args=[solution.uuid])).status_code == 403
    client.force_login(other_maker)
    assert client.get(solution.get_absolute_url()).status_code == 404
    assert client.get(reverse("value:solution_edit", args=[solution.uuid])).status_code == 404


def test_maker_sees_only_own_solutions(client, solution, other_maker, unit):
    SolutionFactory(name="Someone else's flow", business_unit=unit, owner=other_maker)
    client.force_login(solution.owner)
    names = [s.name for s in client.get(reverse("value:solution_list")).context["solutions"]]
    assert names == ["Invoice approvals"]


def test_solution_list_query_count(client, coe_lead, unit, django_assert_max_num_queries):
    for _ in range(30):
        ValueRecordFactory(solution=SolutionFactory(business_unit=unit))
    client.force_login(coe_lead)
    # session, user, groups, count, page of solutions (with unit, owner, value sum), units
    with django_assert_max_num_queries(7):
        response = client.get(reverse("value:solution_list"))
    assert len(response.context["solutions"]) == 25


def test_overview_query_count(client, executive, unit, django_assert_max_num_queries):
    for _ in range(20):
        ValueRecordFactory(solution=SolutionFactory(business_unit=unit))
    client.force_login(executive)
    # session, user, groups, organisation, units (form), 10 figure queries, tabs policy
    with django_assert_max_num_queries(17):
        response = client.get(reverse("value:overview"), {"start": "2026-01", "end": "2026-03"})
    assert response.context["result"].totals.value == Decimal("2000.00")


def test_maker_creates_own_solution_and_cannot_choose_owner(client, maker, other_maker, unit):
    maker.language = "de"  # the confirmation is in the maker's language
    maker.save()
    client.force_login(maker)
    response = client.post(
        reverse("value:solution_create"),
        {
            "name": "Expense checker",
            "kind": "cloud_flow",
            "business_unit": unit.pk,
            "owner": other_maker.pk,  # ignored: the field is for the CoE only
            "status": "live",
            "monthly_users": 5,
            "monthly_runs": 300,
            "build_hours": "20",
            "build_hourly_rate": "60",
            "licence_cost_monthly": "0",
            "capacity_cost_monthly": "0",
            "support_cost_monthly": "10",
            "projected_monthly_value": "500",
            "projected_monthly_hours": "10",
        },
    )
    assert response.status_code == 302
    assert Solution.objects.get(name="Expense checker").owner == maker
    page = client.get(response.url).content.decode()
    assert "Expense checker wurde in das Inventar aufgenommen." in page


@pytest.mark.parametrize(
    ("field", "value"),
    [("build_hours", "-1"), ("licence_cost_monthly", "-10"), ("monthly_runs", "-3")],
)
def test_negative_costs_are_refused(client, coe_lead, unit, field, value):
    client.force_login(coe_lead)
    data = {
        "name": "Bad",
        "kind": "cloud_flow",
        "business_unit": unit.pk,
        "status": "live",
        "monthly_users": 0,
        "monthly_runs": 0,
        "build_hours": "0",
        "build_hourly_rate": "0",
        "licence_cost_monthly": "0",
        "capacity_cost_monthly": "0",
        "support_cost_monthly": "0",
        "projected_monthly_value": "0",
        "projected_monthly_hours": "0",
        field: value,
    }
    response = client.post(reverse("value:solution_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Solution.objects.exists()


def test_retirement_before_go_live_is_refused(client, coe_lead, solution):
    client.force_login(coe_lead)
    response = client.post(
        reverse("value:solution_edit", args=[solution.uuid]),
        {
            "name": solution.name,
            "kind": solution.kind,
            "business_unit": solution.business_unit_id,
            "status": "retired",
            "go_live_on": "2026-01-01",
            "retired_on": "2025-12-01",
            "monthly_users": 0,
            "monthly_runs": 0,
            "build_hours": "0",
            "build_hourly_rate": "0",
            "licence_cost_monthly": "0",
            "capacity_cost_monthly": "0",
            "support_cost_monthly": "0",
            "projected_monthly_value": "0",
            "projected_monthly_hours": "0",
        },
    )
    assert "retired_on" in response.context["form"].errors
    solution.refresh_from_db()
    assert solution.status == "live"


def test_calculator_previews_then_saves(client, coe_lead, solution, staff_hour):
    client.force_login(coe_lead)
    form = {
        "solution": solution.pk,
        "month": "2026-02",
        "method": "time",
        "before": "12",
        "after": "2",
        "volume": "3000",
        "source": "coe_verified",
    }
    preview = client.post(reverse("value:calculator"), {**form, "calculate": "1"})
    assert preview.status_code == 200
    assert preview.context["result"].amount == Decimal("20000.00")
    assert not ValueRecord.objects.exists()
    saved = client.post(reverse("value:calculator"), {**form, "save": "1"})
    assert saved.status_code == 302
    record = ValueRecord.objects.get()
    assert (record.hours_saved, record.amount, record.month) == (
        Decimal("500.0"),
        Decimal("20000.00"),
        date(2026, 2, 1),
    )
    assert record.calculation["before"] == "12"


def test_calculator_usage_weighted_uses_monthly_runs(client, maker, solution, staff_hour):
    solution.monthly_runs = 1500
    solution.save()
    client.force_login(maker)
    response = client.post(
        reverse("value:calculator"),
        {
            "solution": solution.pk,
            "month": "2026-02",
            "method": "per_run",
            "minutes_per_run": "2",
            "source": "measured",
            "save": "1",
        },
    )
    assert response.status_code == 302
    # 2 min x 1,500 runs = 50 h; at 40/h = 2,000
    assert ValueRecord.objects.get().amount == Decimal("2000.00")


def test_maker_cannot_verify_or_record_for_others(client, maker, other_maker, unit, staff_hour):
    theirs = SolutionFactory(business_unit=unit, owner=other_maker)
    client.force_login(maker)
    response = client.post(
        reverse("value:record_create"),
        {"solution": theirs.pk, "month": "2026-01", "hours_saved": "5", "source": "measured"},
    )
    assert "solution" in response.context["form"].errors
    own = SolutionFactory(business_unit=unit, owner=maker)
    response = client.post(
        reverse("value:record_create"),
        {"solution": own.pk, "month": "2026-01", "hours_saved": "5", "source": "coe_verified"},
    )
    assert "source" in response.context["form"].errors
    assert not ValueRecord.objects.exists()
    record = ValueRecordFactory(solution=own)
    assert client.post(reverse("value:record_verify", args=[record.uuid])).status_code == 403
    record.refresh_from_db()
    assert record.source == "measured"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"hours_saved": "-4"}, "hours_saved"),
        ({"cost_avoided": "-100"}, "cost_avoided"),
        ({"hours_saved": "1", "month": "2099-01"}, "month"),
        ({}, "__all__"),
    ],
)
def test_value_record_bad_input(client, coe_lead, solution, staff_hour, data, field):
    client.force_login(coe_lead)
    response = client.post(
        reverse("value:record_create"),
        {"solution": solution.pk, "month": "2026-01", "source": "measured", **data},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ValueRecord.objects.exists()


def test_programme_cost_ending_before_start_is_refused(client, coe_lead, unit):
    client.force_login(coe_lead)
    response = client.post(
        reverse("value:programme_cost_list"),
        {"kind": "training", "starts_on": "2026-03-01", "ends_on": "2026-02-01", "amount": "100"},
    )
    assert response.status_code == 400
    assert "ends_on" in response.context["form"].errors
    assert not ProgrammeCost.objects.exists()
    response = client.post(
        reverse("value:programme_cost_list"),
        {"kind": "training", "starts_on": "2026-01-01", "ends_on": "2026-02-01", "amount": "-5"},
    )
    assert "amount" in response.context["form"].errors
    assert not ProgrammeCost.objects.exists()


def test_executive_cannot_write_costs(client, executive):
    client.force_login(executive)
    response = client.post(
        reverse("value:unit_cost_list"), {"name": "Staff hour", "measure": "hour", "amount": "40"}
    )
    assert response.status_code == 403
    assert not UnitCost.objects.exists()


def test_unit_cost_duplicate_and_staff_hour_measure(client, coe_lead, staff_hour):
    client.force_login(coe_lead)
    response = client.post(
        reverse("value:unit_cost_list"), {"name": "Staff hour", "measure": "hour", "amount": "41"}
    )
    assert "name" in response.context["form"].errors
    response = client.post(
        reverse("value:unit_cost_list"),
        {"name": "Paper form", "measure": "item", "amount": "2", "is_staff_hour": "on"},
    )
    assert "measure" in response.context["form"].errors
    assert UnitCost.objects.count() == 1


def test_csv_import_page_lists_bad_lines(client, coe_lead, unit):
    client.force_login(coe_lead)
    upload = (b"name,kind,business unit\nFine,Canvas app,finance\nNope,Canvas app,mars\n",)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("value:solution_import"),
        {"file": SimpleUploadedFile("inventory.csv", upload[0], content_type="text/csv")},
    )
    assert response.status_code == 400
    assert b"Line 3: unknown business unit" in response.content
    assert not Solution.objects.exists()


def test_home_panel_shows_value_to_executives(client, executive, unit):
    from value.views import default_period

    last_month = default_period()[1].replace(day=1)
    ValueRecordFactory(
        solution=SolutionFactory(business_unit=unit), month=last_month, amount=Decimal("1234")
    )
    client.force_login(executive)
    content = client.get("/").content
    assert b"Value, last 12 months" in content
    assert "€1,234.00" in content.decode()


def test_overview_scopes_by_unit_slug_as_the_dashboard_does(client, executive, unit):
    child = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    ValueRecordFactory(solution=SolutionFactory(business_unit=child))
    client.force_login(executive)
    response = client.get(reverse("value:overview"), {"unit": "finance"})
    assert response.context["scope_unit"] == unit
    page = response.content.decode()
    assert '<option value="finance" selected>Finance</option>' in page
    # The by-unit table links to a unit's own scope with the same parameter.
    assert 'href="?unit=payables"' in page
    assert (
        client.get(reverse("value:overview"), {"unit": "payables"}).context["scope_unit"] == child
    )
    # A numeric id is not a unit's address any more: the form says so, the figures stay whole.
    response = client.get(reverse("value:overview"), {"unit": str(unit.pk)})
    assert response.context["scope_unit"] is None and "unit" in response.context["form"].errors
