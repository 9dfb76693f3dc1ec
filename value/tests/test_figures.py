"""ROI figures against numbers worked out by hand."""

import random
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
    assert result.payback_months == Decimal("6.3")  # 6.25, rounded once, half-up
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


@pytest.mark.parametrize(
    ("go_live", "retired", "live_months", "built_in_period"),
    [
        (date(2026, 1, 1), date(2026, 3, 1), 3, True),  # first day of the period; out on 1 March
        (date(2026, 1, 31), date(2026, 2, 28), 2, True),  # last day of January, out on 28 Feb
        (date(2025, 12, 31), None, 3, False),  # the day before the period: built before it
        (date(2026, 3, 31), None, 1, True),  # the period's last day
        (date(2026, 4, 1), None, 0, False),  # the day after: nothing in the period
        (None, None, 0, False),  # never live
    ],
)
def test_costs_at_the_edges_of_months(unit, go_live, retired, live_months, built_in_period):
    """Running costs (10 a month) and the projection (100) for every month live on at least one
    day, the build (2 h at 50) in the period of the go-live day: the same from the solution's
    own fields and from the roll-up's SQL."""
    solution = SolutionFactory(
        business_unit=unit,
        go_live_on=go_live,
        retired_on=retired,
        build_hours=Decimal("2"),
        build_hourly_rate=Decimal("50"),
        licence_cost_monthly=Decimal("10"),
        projected_monthly_value=Decimal("100"),
    )
    for result in (figures.solution_figures(solution, *Q1), figures.period_figures(unit, *Q1)):
        assert result.running_cost == Decimal("10") * live_months
        assert result.projected_value == Decimal("100") * live_months
        assert result.build_cost == (Decimal("100.00") if built_in_period else 0)
        assert result.investment == (Decimal("100.00") if go_live and go_live <= Q1[1] else 0)


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


def test_payback_is_empty_without_investment_and_absent_from_month_rows(invoice_app, unit):
    """Payback belongs to a scope and period: a unit with nothing built in it has none (not
    0.0), and month rows carry none at all (they showed "payback_months 0.0")."""
    child = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    child_app = SolutionFactory(business_unit=child, go_live_on=date(2025, 6, 1))
    ValueRecordFactory(solution=child_app, month=date(2026, 2, 1), amount=Decimal("500"))
    data = figures.roi_figures(unit, *Q1).as_dict()
    # Finance's own: investment 5,000 / ((3,000 - 600) / 3 = 800) = 6.25 → 6.3 months.
    rows = {row["slug"]: row for row in data["by_unit"]}
    assert rows["finance"]["payback_months"] == "6.3"
    assert rows["payables"]["investment"] == "0.00"
    assert rows["payables"]["payback_months"] is None  # nothing to pay back
    assert all("payback_months" not in row for row in data["by_month"])
    assert figures.solution_figures(child_app, *Q1).payback_months is None


def test_by_unit_rows_say_what_they_count(invoice_app, unit):
    """Inside Finance: Finance's own solutions (3,000) beside Payables (500); from the
    organisation: Finance with the units below it (3,500). Never two rows named "Finance"."""
    child = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    child_app = SolutionFactory(business_unit=child, go_live_on=date(2025, 6, 1))
    ValueRecordFactory(solution=child_app, month=date(2026, 2, 1), amount=Decimal("500"))
    inside = figures.roi_figures(unit, *Q1).as_dict()
    assert [(r["label"], r["counts"], r["value"]) for r in inside["by_unit"]] == [
        ("Finance (own solutions only)", "own_solutions", "3000.00"),
        ("Payables", "with_units_below", "500.00"),
    ]
    organisation = figures.roi_figures(None, *Q1).as_dict()
    assert [(r["label"], r["counts"], r["value"]) for r in organisation["by_unit"]] == [
        ("Finance (with the units below)", "with_units_below", "3500.00"),
    ]


def test_ratios_round_half_up_and_never_read_minus_zero(unit):
    """January only: value 999.99 against a running cost of 1,000 is an ROI of -0.001 %, which
    the old rounding wrote as "-0.0"; 898 of value against 800 is 12.25 % → 12.3 (not 12.2)."""
    app = SolutionFactory(
        business_unit=unit, go_live_on=date(2025, 12, 1), licence_cost_monthly=Decimal("1000")
    )
    ValueRecordFactory(solution=app, month=date(2026, 1, 1), amount=Decimal("999.99"))
    january = figures.solution_figures(app, date(2026, 1, 1), date(2026, 1, 31))
    assert january.net == Decimal("-0.01")
    assert str(january.roi_pct) == "0.0"
    assert str(january.as_dict()["roi_pct"]) == "0.0"
    assert figures.money(Decimal("-0.004")) == Decimal("0.00")
    assert str(figures.money(Decimal("-0.004"))) == "0.00"
    assert figures.money(Decimal("0.125")) == Decimal("0.13")  # half-up, not half-even 0.12
    other = SolutionFactory(
        business_unit=unit, go_live_on=date(2025, 12, 1), licence_cost_monthly=Decimal("800")
    )
    ValueRecordFactory(solution=other, month=date(2026, 1, 1), amount=Decimal("898"))
    # (898 - 800) / 800 = 12.25 %
    assert figures.solution_figures(other, date(2026, 1, 1), date(2026, 1, 31)).roi_pct == (
        Decimal("12.3")
    )


def test_several_periods_in_one_pass_equal_each_period_alone(unit):
    """periods_figures() (the home page's twelve months and quarter) gives, for each period,
    exactly what period_figures() gives for it alone, on random solutions, records and
    programme costs spread over odd day counts (their shares are fractions of a cent)."""
    rng = random.Random(5)
    for index in range(12):
        solution = SolutionFactory(
            business_unit=unit,
            go_live_on=date(2025, rng.randint(1, 12), rng.randint(1, 28)),
            build_hours=Decimal(rng.randint(0, 90)),
            build_hourly_rate=Decimal("55"),
            licence_cost_monthly=Decimal(rng.choice([0, 20, 40])),
            projected_monthly_value=Decimal(rng.randint(0, 900)),
        )
        for _ in range(6):
            ValueRecordFactory(
                solution=solution,
                month=date(rng.randint(2025, 2026), rng.randint(1, 12), 1),
                hours_saved=Decimal(rng.randint(0, 30)),
                amount=Decimal(rng.randint(0, 5000)),
            )
        if index % 4 == 0:
            ProgrammeCostFactory(
                business_unit=unit if index % 8 else None,
                starts_on=date(2025, rng.randint(1, 12), rng.randint(1, 28)),
                ends_on=date(2026, rng.randint(1, 12), rng.randint(1, 28)),
                amount=Decimal(rng.randint(1000, 99999)) / 7,
            )
    pairs = [
        [(date(2025, 12, 1), date(2026, 11, 30)), (date(2026, 10, 1), date(2026, 12, 31))],
        [(date(2025, 3, 1), date(2025, 8, 31)), (date(2026, 1, 1), date(2026, 3, 31))],
    ]
    for periods in pairs:
        for scope in (None, unit):
            together = figures.periods_figures(scope, periods)
            alone = [figures.period_figures(scope, start, end) for start, end in periods]
            assert together == alone
