"""The monthly roll-up behind every ROI figure of a business unit or the organisation.

Summing 600,000 value records and 50,000 solutions on each dashboard visit takes seconds; the
same figures from one row per business unit and month take milliseconds. Two tables hold them
(value.models.UnitMonthValue and UnitMonthCost); value.figures reads them for scopes and periods,
and reads the raw rows only for single solutions and the top solutions' other sums.

A third table, value.models.SolutionYearValue, holds each solution's value per month over
two-year windows, for ranking the top solutions of a period without reading the raw records. A
fourth, SolutionTrailingValue, holds each solution's value over the twelve complete months before
this one (the value page's default period) behind an index ordered by value, so that ranking reads
ten index entries.

The tables are derived data, kept in step by the write services: every service that writes a
solution or a value record calls `refresh_units()` for the units it touched, inside its own
transaction, so a figure never lags behind the record that was just saved. `rebuild()`
recomputes everything; a nightly task runs it as a safety net for writes made outside the
services (SQL, a restore), and `manage.py value_rollup` runs it by hand.

A refresh recomputes a unit's rows whole (a unit's own solutions and records, a few thousand rows
at most), which is simpler to get right than adding and subtracting deltas.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, DateField, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth

from accounts.models import BusinessUnit
from config import figures_cache

from .models import (
    Solution,
    SolutionTrailingValue,
    SolutionYearValue,
    UnitMonthCost,
    UnitMonthValue,
    ValueRecord,
)

MONEY = DecimalField(max_digits=20, decimal_places=2)
RUNNING = ExpressionWrapper(
    F("licence_cost_monthly") + F("capacity_cost_monthly") + F("support_cost_monthly"),
    output_field=MONEY,
)
BUILD = ExpressionWrapper(F("build_hours") * F("build_hourly_rate"), output_field=MONEY)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _value_rows(unit_ids: list[int], models) -> list[UnitMonthValue]:
    grouped = (
        models["ValueRecord"]
        .objects.filter(solution__business_unit_id__in=unit_ids)
        .order_by()
        .values("solution__business_unit_id", "month", "source")
        .annotate(amount=Sum("amount"), hours=Sum("hours_saved"), records=Count("id"))
    )
    return [
        models["UnitMonthValue"](
            business_unit_id=row["solution__business_unit_id"],
            month=row["month"],
            source=row["source"],
            amount=row["amount"],
            hours=row["hours"],
            records=row["records"],
        )
        for row in grouped
    ]


def _cost_rows(unit_ids: list[int], models) -> list[UnitMonthCost]:
    """A solution is live in a month when it went live on or before the month's last day and was
    not retired before its first day (value.figures' rule): its running cost and projection
    start in the go-live month and stop in the month after the retirement month."""
    live = models["Solution"].objects.filter(
        business_unit_id__in=unit_ids, go_live_on__isnull=False
    )
    starts = (
        live.order_by()
        .annotate(starts=TruncMonth("go_live_on", output_field=DateField()))
        .values("business_unit_id", "starts")
        .annotate(build=Sum(BUILD), running=Sum(RUNNING), projected=Sum("projected_monthly_value"))
    )
    stops = (
        live.filter(retired_on__isnull=False)
        .order_by()
        .annotate(stops=TruncMonth("retired_on", output_field=DateField()))
        .values("business_unit_id", "stops")
        .annotate(running=Sum(RUNNING), projected=Sum("projected_monthly_value"))
    )
    # Solutions live on a month's last day, counted: ideas and solutions in development are not.
    counted = live.exclude(status__in=[Solution.Status.IDEA, Solution.Status.IN_DEVELOPMENT])
    counted_starts = (
        counted.order_by()
        .annotate(starts=TruncMonth("go_live_on", output_field=DateField()))
        .values("business_unit_id", "starts")
        .annotate(count=Count("id"))
    )
    counted_stops = (
        counted.filter(retired_on__isnull=False)
        .order_by()
        .values("business_unit_id", "retired_on")
        .annotate(count=Count("id"))
    )
    rows: dict[tuple[int, date], UnitMonthCost] = {}

    def row(unit_id: int, month: date) -> UnitMonthCost:
        key = (unit_id, month)
        if key not in rows:
            rows[key] = models["UnitMonthCost"](business_unit_id=unit_id, month=month)
        return rows[key]

    for start in starts:
        cost = row(start["business_unit_id"], start["starts"])
        cost.build_cost += start["build"] or 0
        cost.running_change += start["running"] or 0
        cost.projected_change += start["projected"] or 0
    for stop in stops:
        cost = row(stop["business_unit_id"], next_month(stop["stops"]))
        cost.running_change -= stop["running"] or 0
        cost.projected_change -= stop["projected"] or 0
    for start in counted_starts:
        row(start["business_unit_id"], start["starts"]).live_change += start["count"]
    for stop in counted_stops:
        # Retired on a month's last day: still live at that month's end, gone from the next.
        retired = stop["retired_on"]
        month = retired.replace(day=1)
        if next_month(month) - timedelta(days=1) == retired:
            month = next_month(month)
        row(stop["business_unit_id"], month).live_change -= stop["count"]
    return list(rows.values())


def _solution_year_rows(unit_ids: list[int], models) -> list[SolutionYearValue]:
    """The two-year windows of the solutions of these units: a row for every year with a record
    and for the year after it (whose window still holds that year as its first twelve months)."""
    per_year = (
        models["ValueRecord"]
        .objects.filter(solution__business_unit_id__in=unit_ids)
        .order_by()
        .annotate(year=ExtractYear("month"))
        .values("solution_id", "solution__business_unit_id", "year")
        .annotate(
            **{f"a{m:02d}": Sum("amount", filter=Q(month__month=m)) for m in range(1, 13)},
            **{f"n{m:02d}": Count("id", filter=Q(month__month=m)) for m in range(1, 13)},
        )
    )
    years: dict[tuple[int, int], dict[int, dict]] = defaultdict(dict)
    for row in per_year:
        years[(row["solution_id"], row["solution__business_unit_id"])][row["year"]] = row
    rows = []
    for (solution_id, unit_id), by_year in years.items():
        for year in sorted(set(by_year) | {year + 1 for year in by_year}):
            row = models["SolutionYearValue"](
                solution_id=solution_id, business_unit_id=unit_id, year=year
            )
            mask = 0
            for offset, source in ((0, by_year.get(year - 1)), (12, by_year.get(year))):
                if source is None:
                    continue
                for month in range(1, 13):
                    index = offset + month  # the column's number, 1 to 24
                    setattr(row, f"m{index:02d}", source[f"a{month:02d}"] or 0)
                    if source[f"n{month:02d}"]:
                        mask |= 1 << (index - 1)
            row.months_with_records = mask
            rows.append(row)
    return rows


def trailing_month(today: date | None = None) -> date:
    """The last of the twelve complete months before the current one (its first day)."""
    today = today or date.today()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def trailing_months(through_month: date) -> list[date]:
    """The first days of the twelve months that end with `through_month`."""
    year, month = through_month.year, through_month.month
    return [
        date(year + (month - 12 + offset - 1) // 12, (month - 12 + offset - 1) % 12 + 1, 1)
        for offset in range(1, 13)
    ]


def window_columns(months: list[date], row_year: int) -> tuple[list[str], int]:
    """The SolutionYearValue columns of `months` that lie in the window of `row_year`, and the
    bit mask of those columns (for months_with_records)."""
    columns, mask = [], 0
    for month in months:
        if row_year - 1 <= month.year <= row_year:
            column = SolutionYearValue.column(month.year, month.month, row_year)
            columns.append(column)
            mask |= 1 << (int(column[1:]) - 1)
    return columns, mask


def column_sum(columns: list[str]) -> ExpressionWrapper:
    total = F(columns[0])
    for column in columns[1:]:
        total = total + F(column)
    return ExpressionWrapper(total, output_field=MONEY)


# The lock of the trailing table's writers: refreshes share it (units refresh side by side),
# the rebuild takes it alone, so no refresh writes the month the rebuild moves the table from.
TRAILING_LOCK = 0x7A1E_0001


def _lock_trailing(*, shared: bool) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite serialises its writers anyway
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [TRAILING_LOCK])


def _write_trailing(unit_ids: list[int] | None, models) -> None:
    """Recompute the trailing-year rows of these units, or of all (None: the rebuild).

    The table holds one month at a time: a refresh writes the month the table holds, the
    rebuild the current one. A refresh leaves an empty table empty (the ranking reads the
    windows until the nightly rebuild fills it), so a table with rows is always complete."""
    table = models["SolutionTrailingValue"].objects
    _lock_trailing(shared=unit_ids is not None)
    if unit_ids is None:
        through = trailing_month()
        table.all().delete()
    else:
        through = table.values_list("through_month", flat=True).first()
        if through is None:
            return
        table.filter(business_unit_id__in=unit_ids).delete()
    columns, mask = window_columns(trailing_months(through), through.year)
    windows = (
        models["SolutionYearValue"]
        .objects.filter(year=through.year)
        .annotate(hit=F("months_with_records").bitand(mask), total=column_sum(columns))
        .exclude(hit=0)
        .values_list("solution_id", "business_unit_id", "total")
    )
    if unit_ids is not None:
        windows = windows.filter(business_unit_id__in=unit_ids)
    row = models["SolutionTrailingValue"]
    table.bulk_create(
        (
            row(solution_id=solution, business_unit_id=unit, through_month=through, value=total)
            for solution, unit, total in windows.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )


MODELS = {
    "BusinessUnit": BusinessUnit,
    "Solution": Solution,
    "ValueRecord": ValueRecord,
    "UnitMonthValue": UnitMonthValue,
    "UnitMonthCost": UnitMonthCost,
    "SolutionYearValue": SolutionYearValue,
    "SolutionTrailingValue": SolutionTrailingValue,
}


def refresh_units(unit_ids: Iterable[int | None], *, models=None, whole: bool = False) -> None:
    """Recompute the roll-up rows of these business units from their solutions and records.
    (`models` replaces the model classes, for the migration that fills the tables first.)

    The units' rows are locked first (FOR NO KEY UPDATE, which still lets others add solutions
    to them): a second transaction refreshing the same unit waits until the first commits, and
    then recomputes with both writes visible, so the last refresh is always complete.
    `whole` (the rebuild, whose units are all of them) also moves the trailing year on to the
    current month."""
    models = models or MODELS
    ids = sorted({unit_id for unit_id in unit_ids if unit_id is not None})
    if not ids:
        return
    with transaction.atomic():
        locked = models["BusinessUnit"].objects.select_for_update(no_key=True).filter(pk__in=ids)
        list(locked.order_by("pk").values_list("pk", flat=True))
        models["UnitMonthValue"].objects.filter(business_unit_id__in=ids).delete()
        models["UnitMonthCost"].objects.filter(business_unit_id__in=ids).delete()
        models["UnitMonthValue"].objects.bulk_create(_value_rows(ids, models), batch_size=2000)
        models["UnitMonthCost"].objects.bulk_create(_cost_rows(ids, models), batch_size=2000)
        if "SolutionYearValue" in models:  # (absent in the migration that built the first two)
            years = models["SolutionYearValue"].objects
            years.filter(business_unit_id__in=ids).delete()
            for first in range(0, len(ids), 20):  # a bounded number of rows in memory at once
                batch = _solution_year_rows(ids[first : first + 20], models)
                years.bulk_create(batch, batch_size=2000)
        if "SolutionTrailingValue" in models:  # (absent in the migrations before it)
            _write_trailing(None if whole else ids, models)
    figures_cache.bump()  # bulk writes pass the models' signals


def rebuild_trailing(*, models=None) -> None:
    """Recompute the trailing year alone (for the migration that adds its table)."""
    with transaction.atomic():
        _write_trailing(None, models or MODELS)


def rebuild(*, models=None) -> int:
    """Recompute the whole roll-up; returns the number of rows it holds afterwards."""
    models = models or MODELS
    units = models["BusinessUnit"].objects.values_list("pk", flat=True)
    refresh_units(units, models=models, whole=True)
    tables = ["UnitMonthValue", "UnitMonthCost", "SolutionYearValue", "SolutionTrailingValue"]
    return sum(models[name].objects.count() for name in tables if name in models)
