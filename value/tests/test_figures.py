"""ROI figures against numbers worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.tests.factories import BusinessUnitFactory
from value import figures, services
from value.models import ValueRecord
from value.tests.factories import ProgrammeCostFactory, SolutionFactory, ValueRecordFactory

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture
def invoice_app(unit):
    """Built in 100 h at 50/h (5,000), running 100 + 50 + 50 = 200 a month, live since January,
    projected at 1,200 a month; delivered 1,000 in each of January to March."""
    solution = SolutionFactory(
        business_unit=unit,
        go_live_on=date(2026, 1, 10),
        build_hours=Decimal("100"),
        build_hourly_rate=Decimal("50"),
        licence_cost_monthly=Decimal("100"),
        capacity_cost_monthly=Decimal("50"),
        support_cost_monthly=Decimal("50"),
        projected_monthly_value=Decimal("1200"),
    )
    for month in (1, 2, 3):
        ValueRecordFactory(
            solution=solution,
            month=date(2026, month, 1),
            hours_saved=Decimal("20"),
            hourly_rate=Decimal("40"),
            cost_avoided=Decimal("200"),
            amount=Decimal("1000"),
            source=ValueRecord.Source.COE_VERIFIED if month == 1 else "measured",
        )
    return solution


def test_solution_roi_and_payback_by_hand(invoice_app):
    result = figures.solution_figures(invoice_app, *Q1)
    assert result.value == Decimal("3000.00")
    assert result.hours == Decimal("60")
    assert result.build_cost == Decimal("5000.00")
    assert result.running_cost == Decimal("600.00")
    assert result.cost == Decimal("5600.00")
    assert result.net == Decimal("-2600.00")
    # (3,000 - 5,600) / 5,600 = -46.43 %
    assert result.roi_pct == Decimal("-46.4")
    # investment 5,000 / monthly benefit ((3,000 - 600) / 3 = 800) = 6.25 months
    assert result.payback_months == Decimal("6.2")  # 6.25, rounded half to even
    assert result.projected_value == Decimal("3600.00")
    assert result.variance == Decimal("-600.00")
    assert result.variance_pct == Decimal("-16.7")
    assert result.verified_value == Decimal("1000.00")


def test_build_cost_only_in_the_go_live_period(invoice_app):
    april_june = figures.solution_figures(invoice_app, date(2026, 4, 1), date(2026, 6, 30))
    assert april_june.build_cost == 0
    assert april_june.running_cost == Decimal("600.00")
    assert april_june.value == 0
    assert april_june.roi_pct == Decimal("-100.0")
    assert april_june.payback_months is None  # no benefit: never pays back at this rate


def test_running_costs_stop_after_retirement(invoice_app):
    services.solution_save(solution=invoice_app, actor=None, data={"retired_on": date(2026, 2, 15)})
    for result in (
        figures.solution_figures(invoice_app, *Q1),
        figures.period_figures(invoice_app.business_unit, *Q1),  # from the roll-up
    ):
        assert result.running_cost == Decimal("400.00")  # January and February
        assert result.projected_value == Decimal("2400.00")


def test_unit_scope_includes_subtree_and_programme_costs(invoice_app, unit):
    child = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    elsewhere = BusinessUnitFactory(name="Sales", slug="sales")
    child_app = SolutionFactory(business_unit=child, go_live_on=date(2025, 6, 1))
    ValueRecordFactory(solution=child_app, month=date(2026, 2, 1), amount=Decimal("500"))
    other = SolutionFactory(business_unit=elsewhere, go_live_on=date(2025, 6, 1))
    ValueRecordFactory(solution=other, month=date(2026, 2, 1), amount=Decimal("9999"))
    # 3,650 for the year 2026 (365 days): January to March is 90 days = 900.
    ProgrammeCostFactory(business_unit=child, amount=Decimal("3650"))
    ProgrammeCostFactory(business_unit=None, amount=Decimal("7300"))  # organisation-wide

    finance = figures.period_figures(unit, *Q1)
    assert finance.value == Decimal("3500.00")
    assert finance.programme_cost == Decimal("900.00")
    assert finance.cost == Decimal("6500.00")  # 5,000 + 600 + 900
    assert finance.roi_pct == Decimal("-46.2")  # (3,500 - 6,500) / 6,500

    organisation = figures.period_figures(None, *Q1)
    assert organisation.value == Decimal("13499.00")
    assert organisation.programme_cost == Decimal("2700.00")  # 900 + 1,800


def test_breakdown_rolls_children_up_into_top_level_units(invoice_app, unit):
    child = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    child_app = SolutionFactory(business_unit=child, go_live_on=date(2025, 6, 1))
    ValueRecordFactory(solution=child_app, month=date(2026, 2, 1), amount=Decimal("500"))
    result = figures.roi_figures(None, *Q1)
    assert [(row["unit"], row["figures"].value) for row in result.by_unit] == [
        ("Finance", Decimal("3500.00"))
    ]
    inside = figures.roi_figures(unit, *Q1)
    assert sorted((row["unit"], row["figures"].value) for row in inside.by_unit) == [
        ("Finance", Decimal("3000.00")),
        ("Payables", Decimal("500.00")),
    ]
    assert [row["name"] for row in result.top_solutions] == [invoice_app.name, child_app.name]
    assert [row.figures.value for row in result.by_month] == [
        Decimal("1000.00"),
        Decimal("1500.00"),
        Decimal("1000.00"),
    ]
    # The January row carries the one-off build cost, as the totals do.
    assert result.by_month[0].figures.cost == Decimal("5200.00")
    assert result.totals.cost == sum(row.figures.cost for row in result.by_month)


def test_query_count_does_not_grow_with_solutions(unit, django_assert_num_queries):
    def add(count):
        for _ in range(count):
            ValueRecordFactory(solution=SolutionFactory(business_unit=unit), month=date(2026, 2, 1))

    add(3)
    # subtree, value by month and source, costs, programme costs, units, value by unit, costs by
    # unit, top solutions ranked, their sums, their costs and names
    with django_assert_num_queries(10):
        figures.roi_figures(unit, *Q1)
    add(20)
    with django_assert_num_queries(10):
        result = figures.roi_figures(unit, *Q1)
    assert result.totals.records == 23
