"""The monthly roll-up: kept in step by every write service, and equal to the raw rows."""

import io
import random
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import BusinessUnitFactory
from config.tests.marks import CONCURRENT_WRITERS
from value import figures, rollup, services
from value.models import (
    Solution,
    SolutionTrailingValue,
    SolutionYearValue,
    UnitMonthCost,
    UnitMonthValue,
    ValueRecord,
)
from value.tests.factories import SolutionFactory, ValueRecordFactory

# Row locks are what these tests are about; SQLite locks the whole database instead (and its
# shared in-memory test database cannot take two writers at once).
Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def rows_of(unit):
    values = {
        (row.month, row.source): (row.amount, row.records)
        for row in UnitMonthValue.objects.filter(business_unit=unit)
    }
    costs = {
        row.month: (row.build_cost, row.running_change, row.projected_change, row.live_change)
        for row in UnitMonthCost.objects.filter(business_unit=unit)
    }
    return values, costs


def test_rows_by_hand(unit):
    """Live 10 Jan, retired 15 Feb: build 2 x 50 = 100 in January, running 30 a month from
    January, gone from March (the month after retirement); counted live at the end of January
    only."""
    solution = SolutionFactory(
        business_unit=unit,
        go_live_on=date(2026, 1, 10),
        retired_on=date(2026, 2, 15),
        build_hours=Decimal("2"),
        build_hourly_rate=Decimal("50"),
        licence_cost_monthly=Decimal("30"),
        projected_monthly_value=Decimal("80"),
    )
    ValueRecordFactory(solution=solution, month=date(2026, 1, 1), amount=Decimal("70"))
    ValueRecordFactory(solution=solution, month=date(2026, 1, 1), amount=Decimal("5"))
    values, costs = rows_of(unit)
    assert values == {(date(2026, 1, 1), "measured"): (Decimal("75.00"), 2)}
    assert costs == {
        date(2026, 1, 1): (Decimal("100.00"), Decimal("30.00"), Decimal("80.00"), 1),
        date(2026, 2, 1): (Decimal("0"), Decimal("0"), Decimal("0"), -1),  # not live on 28 Feb
        date(2026, 3, 1): (Decimal("0"), Decimal("-30.00"), Decimal("-80.00"), 0),
    }


def test_live_count_by_month_end(unit):
    """Counted at each month's end: retired on 31 March is still live at the end of March;
    retired on 30 March is not; an idea is never counted."""
    SolutionFactory(business_unit=unit, go_live_on=date(2026, 1, 5), retired_on=date(2026, 3, 31))
    SolutionFactory(business_unit=unit, go_live_on=date(2026, 1, 5), retired_on=date(2026, 3, 30))
    SolutionFactory(business_unit=unit, go_live_on=date(2026, 2, 1), status=Solution.Status.IDEA)
    changes = dict(
        UnitMonthCost.objects.filter(business_unit=unit).values_list("month", "live_change")
    )
    assert changes == {date(2026, 1, 1): 2, date(2026, 2, 1): 0, date(2026, 3, 1): -1,
                       date(2026, 4, 1): -1}  # fmt: skip


def test_services_keep_it_in_step(unit, coe_lead):
    other = BusinessUnitFactory(name="Sales", slug="sales")
    solution = services.solution_save(
        solution=Solution(),
        actor=coe_lead,
        data={
            "name": "Invoices",
            "kind": Solution.Kind.CLOUD_FLOW,
            "business_unit": unit,
            "go_live_on": date(2026, 1, 5),
            "support_cost_monthly": Decimal("10"),
        },
    )
    record = services.value_record_create(
        solution=solution,
        month=date(2026, 2, 1),
        actor=coe_lead,
        source=ValueRecord.Source.MEASURED,
        cost_avoided=Decimal("400"),
    )
    assert figures.period_figures(unit, *Q1).value == Decimal("400.00")
    assert figures.period_figures(unit, *Q1).running_cost == Decimal("30.00")

    services.value_record_verify(record=record, actor=coe_lead)
    assert figures.period_figures(unit, *Q1).verified_value == Decimal("400.00")

    # Moving the solution moves its value and costs to the other unit.
    services.solution_save(solution=solution, actor=coe_lead, data={"business_unit": other})
    assert figures.period_figures(unit, *Q1).value == 0
    assert figures.period_figures(unit, *Q1).running_cost == 0
    assert figures.period_figures(other, *Q1).value == Decimal("400.00")


def test_delete_and_import_refresh(unit, coe_lead):
    solution = SolutionFactory(business_unit=unit, support_cost_monthly=Decimal("10"))
    services.solution_delete(solution=solution, actor=coe_lead)
    assert not UnitMonthCost.objects.exists()

    services.solutions_import_csv(
        file=io.BytesIO(
            (
                "name,kind,business_unit,go_live_on,external_id\n"
                f"Leave requests,canvas app,{unit.name},2026-02-03,APP-1\n"
            ).encode()
        ),
        actor=coe_lead,
    )
    assert rows_of(unit)[1] == {date(2026, 2, 1): (Decimal("0"), Decimal("0"), Decimal("0"), 1)}


def test_admin_edits_refresh(unit, admin_user):
    other = BusinessUnitFactory(name="Sales", slug="sales")
    solution = SolutionFactory(business_unit=unit)
    ValueRecordFactory(solution=solution, month=date(2026, 2, 1), amount=Decimal("250"))
    model_admin = site._registry[Solution]
    request = RequestFactory().post("/")
    request.user = admin_user
    solution.business_unit = other
    model_admin.save_model(request, solution, form=None, change=True)
    assert figures.period_figures(unit, *Q1).value == 0
    assert figures.period_figures(other, *Q1).value == Decimal("250.00")


def test_scope_figures_equal_the_sum_of_solution_figures(unit):
    """Random solutions in a small tree: the roll-up's figures for the organisation and for a
    subtree, and each row of their breakdown by unit, equal the sums of the per-solution
    figures, which read the raw rows."""
    rng = random.Random(7)
    child = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    elsewhere = BusinessUnitFactory(name="Sales", slug="sales")
    solutions = []
    for index in range(25):
        live = date(2025, rng.randint(1, 12), rng.randint(1, 28))
        retired = None
        if index % 4 == 0:
            retired = date(2026, rng.randint(1, 6), rng.randint(1, 28))
        solution = SolutionFactory(
            business_unit=rng.choice([unit, child, elsewhere]),
            go_live_on=live,
            retired_on=retired,
            build_hours=Decimal(rng.randint(0, 200)),
            build_hourly_rate=Decimal("55"),
            licence_cost_monthly=Decimal(rng.choice([0, 20, 40])),
            support_cost_monthly=Decimal(rng.choice([0, 15])),
            projected_monthly_value=Decimal(rng.randint(0, 900)),
        )
        for month in range(1, 13):
            if rng.random() < 0.6:
                ValueRecordFactory(
                    solution=solution,
                    month=date(2025 + month // 7, (month + 5) % 12 + 1, 1),
                    hours_saved=Decimal(rng.randint(0, 30)),
                    amount=Decimal(rng.randint(0, 5000)),
                    source=rng.choice(ValueRecord.Source.values),
                )
        solutions.append(solution)

    fields = ["value", "hours", "verified_value", "build_cost", "running_cost",
              "investment", "projected_value", "records"]  # fmt: skip
    for start, end in ((date(2025, 1, 1), date(2026, 6, 30)), (date(2025, 10, 1), Q1[1])):
        for scope, members in ((None, solutions), (unit, None)):
            in_scope = members or [
                s for s in solutions if s.business_unit_id in (unit.pk, child.pk)
            ]
            expected = dict.fromkeys(fields, 0)
            for solution in in_scope:
                own = figures.solution_figures(solution, start, end)
                for name in fields:
                    expected[name] += getattr(own, name)
            scope_figures = figures.period_figures(scope, start, end)
            assert {name: getattr(scope_figures, name) for name in fields} == expected
        # The breakdown by unit: each row equals the sums of the solutions it counts.
        buckets = {
            None: {"finance": (unit, child), "sales": (elsewhere,)},
            unit: {"finance": (unit,), "payables": (child,)},
        }
        for scope, rows in buckets.items():
            result = figures.roi_figures(scope, start, end, sections=("by_unit",))
            got = {
                row["slug"]: {name: getattr(row["figures"], name) for name in fields}
                for row in result.by_unit
            }
            expected = {}
            for slug, units in rows.items():
                counted = [s for s in solutions if s.business_unit_id in {u.pk for u in units}]
                expected[slug] = dict.fromkeys(fields, 0)
                for solution in counted:
                    own = figures.solution_figures(solution, start, end)
                    for name in fields:
                        expected[slug][name] += getattr(own, name)
            assert got == expected, (scope, start, end)


@pytest.mark.django_db
def test_rebuild_restores_what_sql_changed(unit):
    solution = SolutionFactory(business_unit=unit)
    ValueRecordFactory(solution=solution, month=date(2026, 2, 1), amount=Decimal("100"))
    ValueRecord.objects.update(amount=Decimal("900"))  # behind the services' back
    assert figures.period_figures(unit, *Q1).value == Decimal("100.00")
    # One value row, one cost row, the solution's windows ending in 2026 and in 2027, and its
    # trailing-year row while February 2026 is one of the twelve months before this one.
    trailing = date(2026, 2, 1) in rollup.trailing_months(rollup.trailing_month())
    assert rollup.rebuild() == 4 + trailing
    assert figures.period_figures(unit, *Q1).value == Decimal("900.00")


@CONCURRENT_WRITERS
@pytest.mark.django_db(transaction=True)
def test_two_writers_in_one_unit_both_reach_the_roll_up(unit, coe_lead):
    """The first writer holds its transaction open after refreshing; the second must wait for it
    (the unit's row lock) and then recompute with both records, not overwrite the roll-up with
    its own view that lacks the first record."""
    first_app = SolutionFactory(business_unit=unit)
    second_app = SolutionFactory(business_unit=unit)
    refreshed, release, errors = threading.Event(), threading.Event(), []

    def write(solution, amount, hold):
        try:
            with transaction.atomic():
                services.value_record_create(
                    solution=solution,
                    month=date(2026, 2, 1),
                    actor=coe_lead,
                    source=ValueRecord.Source.MEASURED,
                    cost_avoided=Decimal(amount),
                )
                if hold:
                    refreshed.set()
                    release.wait(timeout=10)
        except Exception as exc:  # reported by the assert below
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=write, args=(first_app, "100", True))
    first.start()
    refreshed.wait(timeout=10)
    second = threading.Thread(target=write, args=(second_app, "20", False))
    second.start()
    second.join(timeout=0.5)
    assert second.is_alive()  # waiting for the first writer's lock
    release.set()
    first.join()
    second.join()
    assert errors == []
    assert figures.period_figures(unit, *Q1).value == Decimal("120.00")


# The two-year windows behind the top-solutions ranking ---------------------------------------


def raw_ranking(unit_ids, start, end, top=10):
    """The ranking computed from the raw records, in Python: value per solution with at least
    one record in the period, value descending, then id."""
    totals = {}
    records = ValueRecord.objects.filter(month__gte=start, month__lte=end).select_related(
        "solution"
    )
    for record in records:
        if unit_ids is None or record.solution.business_unit_id in unit_ids:
            totals[record.solution_id] = totals.get(record.solution_id, 0) + record.amount
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [(Solution.objects.get(pk=pk).uuid, amount) for pk, amount in ranked]


def test_windows_by_hand(unit):
    """Records in March 2025 (100 + 20) and February 2026 (0): the 2025 window holds March 2025
    in column 15; the 2026 window holds it in column 3 and February 2026 in column 14; the 2027
    window holds February 2026 in column 2."""
    solution = SolutionFactory(business_unit=unit)
    ValueRecordFactory(solution=solution, month=date(2025, 3, 1), amount=Decimal("100"))
    ValueRecordFactory(solution=solution, month=date(2025, 3, 1), amount=Decimal("20"))
    ValueRecordFactory(solution=solution, month=date(2026, 2, 1), amount=Decimal("0"))
    rows = {row.year: row for row in SolutionYearValue.objects.filter(solution=solution)}
    assert sorted(rows) == [2025, 2026, 2027]
    assert rows[2025].m15 == Decimal("120.00")
    assert rows[2025].months_with_records == 1 << 14
    assert (rows[2026].m03, rows[2026].m14) == (Decimal("120.00"), Decimal("0"))
    assert rows[2026].months_with_records == (1 << 2) | (1 << 13)
    assert rows[2027].months_with_records == 1 << 1
    assert all(row.business_unit_id == unit.pk for row in rows.values())


def test_top_solutions_equal_the_raw_ranking_on_random_data(unit):
    """Random records over three years in a small tree: the ranking from the windows equals the
    ranking of the raw records for periods inside one window, across windows and longer, for
    the organisation and for a subtree; the winners' figures are their raw sums."""
    rng = random.Random(13)
    child = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    elsewhere = BusinessUnitFactory(name="Sales", slug="sales")
    for _ in range(30):
        solution = SolutionFactory(business_unit=rng.choice([unit, child, elsewhere]))
        for _ in range(rng.randint(0, 8)):
            ValueRecordFactory(
                solution=solution,
                month=date(rng.randint(2024, 2026), rng.randint(1, 12), 1),
                # Few distinct amounts, so that ties (broken by id) happen.
                amount=Decimal(rng.choice([0, 50, 100, 250, 1000])),
            )
    periods = [
        (date(2026, 1, 1), date(2026, 3, 31)),  # a quarter
        (date(2025, 12, 1), date(2026, 11, 30)),  # twelve months across two years
        (date(2025, 1, 1), date(2026, 12, 31)),  # a whole window
        (date(2024, 11, 1), date(2026, 2, 28)),  # three years: summed per year
        (date(2024, 1, 1), date(2026, 12, 31)),
    ]
    scopes = [(None, None), (unit, {unit.pk, child.pk}), (elsewhere, {elsewhere.pk})]
    for start, end in periods:
        for scope, unit_ids in scopes:
            for top in (3, 10):
                result = figures.roi_figures(scope, start, end, top=top)
                got = [(row["uuid"], row["figures"].value) for row in result.top_solutions]
                assert got == raw_ranking(unit_ids, start, end, top), (start, end, scope, top)


def test_windows_follow_the_services(unit, coe_lead):
    """A record added and a solution moved through the services: the ranking of each unit
    changes in the same transaction, and a rebuild changes nothing."""
    other = BusinessUnitFactory(name="Sales", slug="sales")
    solution = SolutionFactory(business_unit=unit)
    services.value_record_create(
        solution=solution,
        month=date(2026, 2, 1),
        actor=coe_lead,
        source=ValueRecord.Source.MEASURED,
        cost_avoided=Decimal("400"),
    )
    top = figures.roi_figures(unit, *Q1).top_solutions
    assert [(row["uuid"], row["figures"].value) for row in top] == [
        (solution.uuid, Decimal("400.00"))
    ]
    services.solution_save(solution=solution, actor=coe_lead, data={"business_unit": other})
    assert figures.roi_figures(unit, *Q1).top_solutions == []
    assert [row["uuid"] for row in figures.roi_figures(other, *Q1).top_solutions] == [solution.uuid]
    before = sorted(SolutionYearValue.objects.values_list("year", "business_unit", "m14"))
    rollup.rebuild()
    after = sorted(SolutionYearValue.objects.values_list("year", "business_unit", "m14"))
    assert after == before == [(2026, other.pk, Decimal("400.00")), (2027, other.pk, 0)]


# The trailing year behind the value page's default ranking --------------------------------------


def ranking_sql(scope, start, end) -> tuple[list, str]:
    """The top solutions of a period and the SQL that computed them."""
    with CaptureQueriesContext(connection) as queries:
        top = figures.roi_figures(scope, start, end, sections=("top_solutions",)).top_solutions
    return [(row["uuid"], row["figures"].value) for row in top], " ".join(
        query["sql"] for query in queries.captured_queries
    )


def random_records_around(through: date, rng, units, solutions=30):
    """Solutions with records in the twelve months that end with `through`, the two months
    before them and the month after."""
    months = rollup.trailing_months(through)
    before = rollup.trailing_months(months[0])[-3:-1]  # the two months before the first
    months = [*before, *months, rollup.next_month(through)]
    for _ in range(solutions):
        solution = SolutionFactory(business_unit=rng.choice(units))
        for _ in range(rng.randint(0, 6)):
            ValueRecordFactory(
                solution=solution,
                month=rng.choice(months),
                amount=Decimal(rng.choice([0, 50, 100, 250, 1000])),
            )


def test_trailing_months_by_hand():
    """The twelve complete months before 15 January 2027 run from January to December 2026;
    before 1 March 2026, from March 2025 to February 2026."""
    assert rollup.trailing_month(date(2027, 1, 15)) == date(2026, 12, 1)
    assert rollup.trailing_months(date(2026, 12, 1)) == [date(2026, m, 1) for m in range(1, 13)]
    assert rollup.trailing_month(date(2026, 3, 1)) == date(2026, 2, 1)
    assert rollup.trailing_months(date(2026, 2, 1)) == [
        *(date(2025, m, 1) for m in range(3, 13)),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_trailing_year_equals_the_raw_records_on_random_data(unit):
    """Random records around the trailing year, half before the rebuild fills the table and half
    written through the factories' refreshes after it: every row of the table is its solution's
    raw sum over those months (and only solutions with a record there have one); the default
    period's ranking reads the table and equals the raw ranking for the organisation and a
    subtree; another period still reads the windows."""
    rng = random.Random(29)
    child = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    elsewhere = BusinessUnitFactory(name="Sales", slug="sales")
    through = rollup.trailing_month()
    random_records_around(through, rng, [unit, child, elsewhere], solutions=15)
    rollup.rebuild()
    random_records_around(through, rng, [unit, child, elsewhere], solutions=15)
    start, end = rollup.trailing_months(through)[0], figures.month_end(through)
    raw = {}
    for record in ValueRecord.objects.filter(month__gte=start, month__lte=end):
        raw[record.solution_id] = raw.get(record.solution_id, 0) + record.amount
    table = {row.solution_id: row for row in SolutionTrailingValue.objects.all()}
    assert {pk: row.value for pk, row in table.items()} == raw
    assert {row.through_month for row in table.values()} == {through}
    assert all(row.business_unit_id == row.solution.business_unit_id for row in table.values())
    for scope, unit_ids in [(None, None), (unit, {unit.pk, child.pk}), (elsewhere, {elsewhere.pk})]:
        got, sql = ranking_sql(scope, start, end)
        assert "value_solutiontrailingvalue" in sql and "value_solutionyearvalue" not in sql
        assert got == raw_ranking(unit_ids, start, end), scope
    got, sql = ranking_sql(None, rollup.trailing_months(through)[1], end)  # eleven months
    assert "value_solutiontrailingvalue" not in sql
    assert got == raw_ranking(None, rollup.trailing_months(through)[1], end)


def test_trailing_year_of_an_earlier_month_is_not_read_and_moves_on_at_the_rebuild(unit, coe_lead):
    """The first days of a month, before the nightly rebuild: the table still holds last month's
    year, so the new default period ranks from the windows (and equals the raw ranking); a
    service's refresh keeps writing the month the table holds; the rebuild moves it on."""
    rng = random.Random(31)
    through = rollup.trailing_month()
    random_records_around(through, rng, [unit], solutions=12)
    rollup.rebuild()
    earlier = rollup.trailing_months(through)[-2]
    SolutionTrailingValue.objects.update(through_month=earlier)
    start, end = rollup.trailing_months(through)[0], figures.month_end(through)
    got, sql = ranking_sql(None, start, end)
    assert "value_solutiontrailingvalue" in sql  # only to see which month it holds
    assert "value_solutionyearvalue" in sql
    assert got == raw_ranking(None, start, end)
    solution = SolutionFactory(business_unit=unit)
    services.value_record_create(
        solution=solution,
        month=earlier,
        actor=coe_lead,
        source=ValueRecord.Source.MEASURED,
        cost_avoided=Decimal("9999"),
    )
    assert set(SolutionTrailingValue.objects.values_list("through_month", flat=True)) == {earlier}
    earlier_start = rollup.trailing_months(earlier)[0]
    got, sql = ranking_sql(None, earlier_start, figures.month_end(earlier))
    assert "value_solutionyearvalue" not in sql
    assert got[0] == (solution.uuid, Decimal("9999.00"))
    assert got == raw_ranking(None, earlier_start, figures.month_end(earlier))
    rollup.rebuild()
    assert set(SolutionTrailingValue.objects.values_list("through_month", flat=True)) == {through}
    got, sql = ranking_sql(None, start, end)
    assert "value_solutionyearvalue" not in sql
    assert got == raw_ranking(None, start, end)


def test_an_empty_trailing_table_is_read_from_the_windows_until_the_rebuild_fills_it(unit):
    """A table that is empty (a new installation, or cleared by hand) is not read, a refresh
    leaves it empty (writing only some units would make it incomplete), and the nightly rebuild
    fills it with every unit's rows."""
    elsewhere = BusinessUnitFactory(name="Sales", slug="sales")
    through = rollup.trailing_month()
    random_records_around(through, random.Random(37), [unit, elsewhere], solutions=10)
    assert not SolutionTrailingValue.objects.exists()  # the factories' refreshes wrote none
    start, end = rollup.trailing_months(through)[0], figures.month_end(through)
    got, sql = ranking_sql(None, start, end)
    assert "value_solutionyearvalue" in sql
    assert got == raw_ranking(None, start, end)
    rollup.refresh_units([elsewhere.pk])
    assert not SolutionTrailingValue.objects.exists()
    rollup.rebuild()
    raw = {}
    for record in ValueRecord.objects.filter(month__gte=start, month__lte=end):
        raw[record.solution_id] = raw.get(record.solution_id, 0) + record.amount
    assert dict(SolutionTrailingValue.objects.values_list("solution_id", "value")) == raw
    assert {row.business_unit_id for row in SolutionTrailingValue.objects.all()} == {
        unit.pk,
        elsewhere.pk,
    }


@CONCURRENT_WRITERS
@pytest.mark.django_db(transaction=True)
def test_units_refresh_their_trailing_rows_side_by_side_and_the_rebuild_waits(unit, coe_lead):
    """A writer in one unit holds its transaction open after its refresh: a writer in another
    unit finishes meanwhile (refreshes share the trailing table's lock), the rebuild waits for
    the first, and afterwards the table holds both records and equals the raw sums."""
    other = BusinessUnitFactory(name="Sales", slug="sales")
    through = rollup.trailing_month()
    first_app, second_app = (
        SolutionFactory(business_unit=unit),
        SolutionFactory(business_unit=other),
    )
    ValueRecordFactory(solution=first_app, month=through, amount=Decimal("5"))
    rollup.rebuild()
    refreshed, release, errors = threading.Event(), threading.Event(), []

    def run(work, hold=False):
        try:
            with transaction.atomic():
                work()
                if hold:
                    refreshed.set()
                    release.wait(timeout=10)
        except Exception as exc:  # reported by the assert below
            errors.append(exc)
        finally:
            connection.close()

    def record(solution, amount):
        return lambda: services.value_record_create(
            solution=solution,
            month=through,
            actor=coe_lead,
            source=ValueRecord.Source.MEASURED,
            cost_avoided=Decimal(amount),
        )

    first = threading.Thread(target=run, args=(record(first_app, "100"), True))
    first.start()
    assert refreshed.wait(timeout=10)
    second = threading.Thread(target=run, args=(record(second_app, "20"),))
    second.start()
    second.join(timeout=5)
    assert not second.is_alive()  # did not wait for the first unit's writer
    rebuild = threading.Thread(target=run, args=(rollup.rebuild,))
    rebuild.start()
    rebuild.join(timeout=0.5)
    assert rebuild.is_alive()  # waits for the first writer
    release.set()
    first.join(timeout=10)
    rebuild.join(timeout=10)
    assert errors == []
    rows = dict(SolutionTrailingValue.objects.values_list("solution_id", "value"))
    assert rows == {first_app.pk: Decimal("105.00"), second_app.pk: Decimal("20.00")}
    assert set(SolutionTrailingValue.objects.values_list("through_month", flat=True)) == {through}
