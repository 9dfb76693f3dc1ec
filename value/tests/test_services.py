import io
from datetime import date
from decimal import Decimal

import pytest

from accounts.tests.factories import BusinessUnitFactory
from value import calculator, services
from value.models import Solution, ValueRecord
from value.tests.factories import SolutionFactory, UnitCostFactory


def test_time_saved_invoices_by_hand():
    # 12 -> 2 minutes per invoice, 3,000 invoices: 30,000 minutes = 500 hours; at 40/h = 20,000.
    result = calculator.time_saved(
        before_minutes=Decimal("12"),
        after_minutes=Decimal("2"),
        volume=Decimal("3000"),
        hourly_rate=Decimal("40"),
    )
    assert result.hours_saved == Decimal("500.0")
    assert result.amount == Decimal("20000.00")


def test_usage_weighted_value_follows_runs():
    # 3 minutes per run x 2,000 runs = 100 hours; at 45/h = 4,500.
    result = calculator.usage_weighted(
        minutes_per_run=Decimal("3"), runs=2000, hourly_rate=Decimal("45")
    )
    assert result.hours_saved == Decimal("100.0")
    assert result.amount == Decimal("4500.00")
    assert calculator.usage_weighted(
        minutes_per_run=Decimal("3"), runs=0, hourly_rate=Decimal("45")
    ).amount == Decimal("0.00")


def test_cost_reduced_by_hand():
    # 0.2 -> 0.05 errors per order, 1,000 orders, 80 per error: 150 x 80 = 12,000.
    result = calculator.cost_reduced(
        before=Decimal("0.2"),
        after=Decimal("0.05"),
        volume=Decimal("1000"),
        unit_cost=Decimal("80"),
        hourly_rate=Decimal("0"),
    )
    assert result.cost_avoided == Decimal("12000.00")
    assert result.amount == Decimal("12000.00")


def test_staff_hour_rate_comes_from_the_nearest_unit(unit):
    child = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    UnitCostFactory(business_unit=None, name="Staff hour", amount=Decimal("40"), is_staff_hour=True)
    assert services.staff_hour_rate(child) == Decimal("40")
    UnitCostFactory(business_unit=unit, name="Staff hour", amount=Decimal("55"), is_staff_hour=True)
    assert services.staff_hour_rate(child) == Decimal("55")


def test_value_record_uses_library_rate(unit, coe_lead):
    UnitCostFactory(business_unit=unit, name="Staff hour", amount=Decimal("50"), is_staff_hour=True)
    solution = SolutionFactory(business_unit=unit)
    record = services.value_record_create(
        solution=solution,
        month=date(2026, 2, 14),
        actor=coe_lead,
        source=ValueRecord.Source.MEASURED,
        hours_saved=Decimal("10"),
        cost_avoided=Decimal("25"),
    )
    assert record.month == date(2026, 2, 1)
    assert record.hourly_rate == Decimal("50")
    assert record.amount == Decimal("525.00")


def test_value_record_without_any_rate_is_refused(unit, coe_lead):
    solution = SolutionFactory(business_unit=unit)
    with pytest.raises(services.ValueRecordError):
        services.value_record_create(
            solution=solution,
            month=date(2026, 2, 1),
            actor=coe_lead,
            source="measured",
            hours_saved=Decimal("3"),
        )
    assert ValueRecord.objects.count() == 0


GOOD_CSV = (
    "Display Name,Resource Type,Business Unit,Owner,Environment,State,Created On,Unique Users,Id\n"
    "Invoice approvals,Canvas app,finance,maker,Prod,Started,2025-11-03,42,app-1\n"
    "Supplier onboarding,Cloud flow,Finance,,Prod,,2026-01-15,0,flow-7\n"
)


def test_import_a_starter_kit_style_export(unit, maker, coe_lead):
    result = services.solutions_import_csv(file=io.BytesIO(GOOD_CSV.encode()), actor=coe_lead)
    assert (result.created, result.updated) == (2, 0)
    app = Solution.objects.get(external_id="app-1")
    assert app.owner == maker
    assert app.kind == Solution.Kind.CANVAS_APP
    assert app.monthly_users == 42
    assert app.go_live_on == date(2025, 11, 3)
    # The same export again updates instead of duplicating.
    again = services.solutions_import_csv(file=io.BytesIO(GOOD_CSV.encode()), actor=coe_lead)
    assert (again.created, again.updated) == (0, 2)
    assert Solution.objects.count() == 2


def test_import_with_bad_rows_imports_nothing_and_names_each_line(unit, coe_lead):
    bad = (
        "name,kind,business unit,owner,monthly runs,go live\n"
        "Good one,Canvas app,finance,,10,2026-01-01\n"
        "Bad kind,Spreadsheet,finance,,10,2026-01-01\n"
        "Bad unit,Canvas app,nowhere,,10,2026-01-01\n"
        ",Canvas app,finance,,10,2026-01-01\n"
        "Bad runs,Canvas app,finance,,-5,2026-01-01\n"
        "Bad date,Canvas app,finance,,1,03/01/2026\n"
        "Bad owner,Canvas app,finance,ghost,1,2026-01-01\n"
    )
    with pytest.raises(services.ImportRejected) as caught:
        services.solutions_import_csv(file=io.BytesIO(bad.encode()), actor=coe_lead)
    lines = [line for line, _reason in caught.value.errors]
    assert lines == [3, 4, 5, 6, 7, 8]
    assert "Spreadsheet" in caught.value.errors[0][1]
    assert Solution.objects.count() == 0


def test_import_without_required_columns(unit, coe_lead):
    with pytest.raises(services.ImportRejected) as caught:
        services.solutions_import_csv(file=io.BytesIO(b"title,colour\nA,red\n"), actor=coe_lead)
    assert caught.value.errors[0][0] == 1
    assert "business_unit" in caught.value.errors[0][1]
