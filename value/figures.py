"""ROI figures: the one place that turns solutions, costs and value records into value, cost,
net value, ROI % and payback months. The value pages, the ROI report and the executive dashboard
all call these functions, so a figure is the same wherever it is shown.

Every function takes a scope (a BusinessUnit, which includes its whole subtree, or None for the
organisation) and a period (start and end dates, counted in whole calendar months) and returns
plain dataclasses and dicts. Sums are computed by the database; the number of queries is fixed,
never growing with the number of solutions or records. Figures of a scope read the monthly
roll-up (value.rollup: one row per business unit and month), so they cost the same for ten
solutions or fifty thousand; the top-solutions ranking reads per-solution two-year windows
(value.models.SolutionYearValue), and a single solution and the ranking's winners read the raw
rows with the same rules.

Rules (our own, written down so that every figure can be checked by hand):
- value = the money of the value records of the months in the period;
- build cost (hours x rate) is charged once, in the month the solution goes live;
- running costs (licences + capacity + support) are charged for every month the solution is live
  (from its go-live month to its retirement month);
- programme costs are spread evenly over the days of their period, and a unit's share is counted
  in that unit's scope; organisation-wide programme costs only in the organisation's figures;
- cost = build + running + programme; net = value - cost; ROI % = net / cost x 100;
- payback months = investment (build cost of everything live by the end of the period) / the
  average monthly net operating benefit (value - running - programme, per month); none (empty,
  never 0) when there is no investment to pay back or that benefit is not positive. Payback
  belongs to a scope and period: month rows have none;
- ratios (ROI %, variance %, payback) are computed from exact sums and rounded once, half-up, to
  one decimal (config.numbers), never to "-0.0";
- by business unit: one row per direct child of the scope with everything below it, and a row of
  the scope unit's *own* solutions (those booked on the unit itself), labelled as such, so that it
  is never mistaken for the scope's total;
- projected value = the business case's monthly value for every month the solution is live; the
  variance is realised - projected.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import BusinessUnit
from config import figures_cache
from config.numbers import round_half_up

from . import rollup
from .models import (
    ProgrammeCost,
    Solution,
    SolutionTrailingValue,
    SolutionYearValue,
    UnitMonthCost,
    UnitMonthValue,
    ValueRecord,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=20, decimal_places=2)


def money(amount) -> Decimal:
    """An amount to the cent, half-up (never -0.00)."""
    return round_half_up(amount or 0, CENT)


# Periods ------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_between(start: date, end: date) -> list[date]:
    """First days of every month from `start`'s month to `end`'s month."""
    months, current = [], month_start(start)
    while current <= end:
        months.append(current)
        current = month_end(current) + timedelta(days=1)
    return months


def quarter_of(day: date) -> tuple[date, date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    return start, month_end(date(day.year, first_month + 2, 1))


# Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Value and cost of one scope over one period, with the ratios derived from them."""

    months: int
    value: Decimal = ZERO
    hours: Decimal = ZERO
    verified_value: Decimal = ZERO
    build_cost: Decimal = ZERO
    running_cost: Decimal = ZERO
    programme_cost: Decimal = ZERO
    investment: Decimal = ZERO
    projected_value: Decimal = ZERO
    records: int = 0

    @property
    def cost(self) -> Decimal:
        return self.build_cost + self.running_cost + self.programme_cost

    @property
    def net(self) -> Decimal:
        return self.value - self.cost

    @property
    def roi_pct(self) -> Decimal | None:
        if self.cost <= 0:
            return None
        return round_half_up(self.net / self.cost * 100)

    @property
    def payback_months(self) -> Decimal | None:
        """None with nothing to pay back (no investment) or no positive monthly benefit."""
        if self.investment <= 0:
            return None
        monthly_benefit = (self.value - self.running_cost - self.programme_cost) / max(
            self.months, 1
        )
        if monthly_benefit <= 0:
            return None
        return round_half_up(self.investment / monthly_benefit)

    @property
    def variance(self) -> Decimal:
        return self.value - self.projected_value

    @property
    def variance_pct(self) -> Decimal | None:
        if self.projected_value <= 0:
            return None
        return round_half_up(self.variance / self.projected_value * 100)

    def as_dict(self, *, month_row: bool = False) -> dict:
        """JSON-safe: money and ratios as strings with fixed decimals, None when undefined. A
        month row leaves out payback and investment (they belong to a scope and period)."""

        def text(number):
            return None if number is None else str(number)

        figures = {
            "months": self.months,
            "records": self.records,
            "value": text(money(self.value)),
            "hours": text(round_half_up(self.hours)),
            "verified_value": text(money(self.verified_value)),
            "build_cost": text(money(self.build_cost)),
            "running_cost": text(money(self.running_cost)),
            "programme_cost": text(money(self.programme_cost)),
            "cost": text(money(self.cost)),
            "net": text(money(self.net)),
            "roi_pct": text(self.roi_pct),
            "payback_months": text(self.payback_months),
            "investment": text(money(self.investment)),
            "projected_value": text(money(self.projected_value)),
            "variance": text(money(self.variance)),
            "variance_pct": text(self.variance_pct),
        }
        if month_row:
            del figures["payback_months"], figures["investment"]
        return figures


@dataclass
class _Sums:
    """Mutable accumulator behind Figures."""

    value: Decimal = ZERO
    hours: Decimal = ZERO
    verified_value: Decimal = ZERO
    build_cost: Decimal = ZERO
    running_cost: Decimal = ZERO
    programme_cost: Decimal = ZERO
    investment: Decimal = ZERO
    projected_value: Decimal = ZERO
    records: int = 0
    extra: dict = field(default_factory=dict)

    def add(self, **amounts) -> None:
        for name, amount in amounts.items():
            setattr(self, name, getattr(self, name) + (amount or 0))

    def freeze(self, months: int) -> Figures:
        return Figures(
            months=months,
            value=money(self.value),
            hours=Decimal(self.hours),
            verified_value=money(self.verified_value),
            build_cost=money(self.build_cost),
            running_cost=money(self.running_cost),
            programme_cost=money(self.programme_cost),
            investment=money(self.investment),
            projected_value=money(self.projected_value),
            records=self.records,
        )


# Building blocks (each one query) -----------------------------------------------------------


def scope_unit_ids(unit) -> list[int] | None:
    """The ids of `unit` and its subtree, or None for the whole organisation."""
    return None if unit is None else BusinessUnit.objects.subtree_ids(unit)


# What a solution's costs are made of, for reading them off the solution itself.
COST_FIELDS = ("go_live_on", "retired_on", "build_hours", "build_hourly_rate",
               "licence_cost_monthly", "capacity_cost_monthly", "support_cost_monthly",
               "projected_monthly_value")  # fmt: skip


def _solution_cost_sums(solution: Solution, months: list[date]) -> dict:
    """A solution's costs and projection over `months`, from its own fields, by the rules the
    roll-up applies in SQL (value.rollup): the build effort in the go-live month (`investment`
    counts every go-live up to the period's end), and the running costs and the projection for
    each month it is live on at least one day. A few numbers: no query needed."""
    start, end = months[0], month_end(months[-1])
    live_on, retired_on = solution.go_live_on, solution.retired_on
    launched = live_on is not None and live_on <= end
    live_months = sum(
        1
        for month in months
        if launched and live_on <= month_end(month) and (retired_on is None or retired_on >= month)
    )
    build = solution.build_hours * solution.build_hourly_rate
    running = (
        solution.licence_cost_monthly
        + solution.capacity_cost_monthly
        + solution.support_cost_monthly
    )
    return {
        "build_cost": build if launched and live_on >= start else ZERO,
        "investment": build if launched else ZERO,
        "running_cost": running * live_months,
        "projected_value": solution.projected_monthly_value * live_months,
    }


_VALUE_AGGREGATES = {
    "value": Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY),
    "hours": Coalesce(Sum("hours_saved"), Value(ZERO), output_field=MONEY),
    "verified_value": Sum("amount", filter=Q(source=ValueRecord.Source.COE_VERIFIED)),
    "records": Count("id"),
}


# The same sums from the roll-up tables (value.rollup), for scopes rather than single solutions.
_ROLLUP_VALUE_AGGREGATES = {
    "value": Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY),
    "hours": Coalesce(Sum("hours"), Value(ZERO), output_field=MONEY),
    "verified_value": Sum("amount", filter=Q(source=ValueRecord.Source.COE_VERIFIED)),
    "records": Coalesce(Sum("records"), 0),
}


def _scope_costs(unit_ids, months: list[date]) -> dict:
    """Solution costs and projections of a scope over `months` from the roll-up: `investment`
    (the build effort of every go-live up to the period's end), and per month `run_<i>`,
    `build_<i>` and `proj_<i>`. The running cost (and projection) of a month is the sum of
    the changes recorded up to that month: one row per month with a change is read, and
    summed here (three sums a month in SQL cost more to build than to run)."""
    rows = (
        UnitMonthCost.objects.in_units(unit_ids)
        .filter(month__lte=month_end(months[-1]))
        .order_by("month")
        .values("month")
        .annotate(
            build=Sum("build_cost"),
            running=Sum("running_change"),
            projected=Sum("projected_change"),
        )
    )
    result = {"investment": None}
    running = projected = None
    changes = iter(rows)
    change = next(changes, None)
    for index, month in enumerate(months):
        result[f"build_{index}"] = None
        while change is not None and change["month"] <= month:
            running = _plus(running, change["running"])
            projected = _plus(projected, change["projected"])
            result["investment"] = _plus(result["investment"], change["build"])
            if change["month"] == month:
                result[f"build_{index}"] = change["build"]
            change = next(changes, None)
        result[f"run_{index}"], result[f"proj_{index}"] = running, projected
    return result


def _plus(total, amount):
    """A running SQL-style sum: None until the first amount."""
    return amount if total is None else total + amount


def _unit_cost_totals(unit_ids, months: list[date]) -> dict[int, dict]:
    """Per business unit, the period's totals of what `_scope_costs` gives month by month
    (build_cost, investment, running_cost, projected_value). A change recorded in a month
    counts once for every month of the period from then on, so each total is one weighted sum:
    four columns a unit instead of three per month (the breakdown by unit needs no months)."""
    start, end = months[0], month_end(months[-1])
    months_on = Case(
        When(month__lt=start, then=Value(len(months))),
        *(When(month=month, then=Value(len(months) - index)) for index, month in enumerate(months)),
        default=Value(0),
        output_field=IntegerField(),
    )
    grouped = (
        UnitMonthCost.objects.in_units(unit_ids)
        .filter(month__lte=end)
        .order_by()
        .values("business_unit_id")
        .annotate(
            period_build=Sum("build_cost", filter=Q(month__gte=start)),  # (not a column's name)
            investment=Sum("build_cost"),
            running_cost=Sum(F("running_change") * months_on, output_field=MONEY),
            projected_value=Sum(F("projected_change") * months_on, output_field=MONEY),
        )
    )
    return {
        row.pop("business_unit_id"): {"build_cost": row.pop("period_build"), **row}
        for row in grouped
    }


def _programme_shares(unit_ids, months: list[date]) -> list[tuple[int | None, date, Decimal]]:
    """(unit id, month, amount) of every programme cost's share of each month in the period.
    A cost is spread evenly over the days of its own period. One query; the rows are programme
    costs (a handful per unit and year), not solutions."""
    start, end = months[0], month_end(months[-1])
    shares = []
    costs = ProgrammeCost.objects.overlapping(start, end)
    if unit_ids is not None:
        costs = costs.filter(business_unit_id__in=unit_ids)
    for cost in costs.only("business_unit_id", "starts_on", "ends_on", "amount"):
        days = (cost.ends_on - cost.starts_on).days + 1
        for month in months:
            overlap = (min(cost.ends_on, month_end(month)) - max(cost.starts_on, month)).days + 1
            if overlap > 0:
                shares.append((cost.business_unit_id, month, cost.amount * overlap / days))
    return shares


# Public API ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    month: date
    figures: Figures


def period_figures(unit, start: date, end: date) -> Figures:
    """Totals of a scope (unit and subtree, or None for the organisation) over a period."""
    return roi_figures(unit, start, end, sections=()).totals


def solution_figures(solution: Solution, start: date, end: date) -> Figures:
    """One solution's figures over a period (no programme costs). One query."""
    months = months_between(start, end)
    sums = _Sums()
    sums.add(
        **ValueRecord.objects.filter(solution=solution)
        .in_period(months[0], month_end(months[-1]))
        .aggregate(**_VALUE_AGGREGATES)
    )
    sums.add(**_solution_cost_sums(solution, months))
    return sums.freeze(len(months))


def _months_of(unit_ids, months: list[date]):
    """Unrounded sums per month of a scope from the roll-up (value, hours, costs, programme),
    value by source, the cost aggregates, the programme shares and the period's roll-up rows.
    Three queries."""
    period_start, period_end = months[0], month_end(months[-1])
    rolled_up = UnitMonthValue.objects.in_units(unit_ids).filter(
        month__gte=period_start, month__lte=period_end
    )
    # One pass over the period's roll-up gives both the monthly trend and value by source.
    per_month = {month: _Sums() for month in months}
    source_amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rolled_up.order_by().values("month", "source").annotate(**_ROLLUP_VALUE_AGGREGATES):
        source_amounts[row.pop("source")] += row["value"]
        per_month[row.pop("month")].add(**row)
    costs = _scope_costs(unit_ids, months)
    for index, month in enumerate(months):
        per_month[month].add(running_cost=costs[f"run_{index}"])
        per_month[month].add(build_cost=costs[f"build_{index}"])
        per_month[month].add(projected_value=costs[f"proj_{index}"])
    programme = _programme_shares(unit_ids, months)
    for _unit_id, month, amount in programme:
        per_month[month].add(programme_cost=amount)
    return per_month, source_amounts, costs, programme, rolled_up


def _sum_months(per_month: dict, months: list[date]) -> _Sums:
    """The unrounded sums of `months` (no investment: that belongs to a period's end)."""
    totals = _Sums()
    for month in months:
        sums = per_month[month]
        totals.add(
            value=sums.value,
            hours=sums.hours,
            verified_value=sums.verified_value,
            running_cost=sums.running_cost,
            build_cost=sums.build_cost,
            programme_cost=sums.programme_cost,
            projected_value=sums.projected_value,
            records=sums.records,
        )
    return totals


def periods_figures(unit, periods: list[tuple[date, date]]) -> list[Figures]:
    """`period_figures()` of one scope for several periods (the home page's quarter and twelve
    months), from one pass over the months they span: the same numbers, in the three queries of
    one period (plus the subtree's for a unit)."""
    months = months_between(min(start for start, _ in periods), max(end for _, end in periods))
    per_month, _sources, costs, _programme, _rows = _months_of(scope_unit_ids(unit), months)
    results = []
    for start, end in periods:
        own = months_between(start, end)
        totals = _sum_months(per_month, own)
        # Investment is the build cost of everything live by the period's end: the span's,
        # less what went live in its months after this period.
        later = [month for month in months if month > own[-1]]
        totals.add(investment=(costs["investment"] or 0) - _sum_months(per_month, later).build_cost)
        results.append(totals.freeze(len(own)))
    return results


@dataclass
class RoiFigures:
    """Everything the ROI report and dashboard show for one scope and period."""

    start: date
    end: date
    totals: Figures
    by_month: list[MonthFigures]
    by_unit: list[dict]
    top_solutions: list[dict]
    by_source: dict[str, Decimal]

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "totals": self.totals.as_dict(),
            "by_month": [
                {"month": row.month.isoformat(), **row.figures.as_dict(month_row=True)}
                for row in self.by_month
            ],
            "by_unit": [
                {
                    "unit": row["unit"],
                    "slug": row["slug"],
                    "label": row["label"],
                    "counts": row["counts"],
                    **row["figures"].as_dict(),
                }
                for row in self.by_unit
            ],
            "top_solutions": [
                {
                    "solution": row["name"],
                    "uuid": str(row["uuid"]),
                    "unit": row["unit"],
                    **row["figures"].as_dict(),
                }
                for row in self.top_solutions
            ],
            # A list, not an object: PostgreSQL's jsonb does not keep the order of keys.
            "by_source": [
                {"source": str(label), "value": str(money(amount))}
                for label, amount in self.by_source.items()
            ],
        }


def roi_figures(
    unit,
    start: date,
    end: date,
    *,
    top: int = 10,
    sections=("by_unit", "top_solutions", "by_source"),
    units: list[dict] | None = None,
) -> RoiFigures:
    """Totals, monthly trend and, when asked for, the breakdown by business unit (each child of
    the scope with its subtree rolled up), the top solutions by value and value by source.

    `units`, every business unit as {id, parent_id, name, slug}, saves reading them when the
    caller has them already. Queries: subtree (1, units only), value by month and source (1),
    costs (1), programme costs (1); by unit +3; top solutions +3; by source none (it comes with
    the months); with `units`, no subtree query and by unit +2."""
    months = months_between(start, end)
    period_start, period_end = months[0], month_end(months[-1])
    if units is not None and unit is not None:
        unit_ids = subtree_of(units, unit.pk)
    else:
        unit_ids = scope_unit_ids(unit)
    per_month, source_amounts, costs, programme, rolled_up = _months_of(unit_ids, months)
    totals = _sum_months(per_month, months)
    totals.add(investment=costs["investment"])
    by_month = [MonthFigures(month, sums.freeze(1)) for month, sums in per_month.items()]

    result = RoiFigures(
        start=period_start,
        end=period_end,
        totals=totals.freeze(len(months)),
        by_month=by_month,
        by_unit=[],
        top_solutions=[],
        by_source={},
    )
    if "by_unit" in sections:
        result.by_unit = _by_unit(unit, unit_ids, rolled_up, months, programme, units)
    if "top_solutions" in sections:
        result.top_solutions = _top_solutions(unit_ids, months, top)
    if "by_source" in sections:
        result.by_source = {label: source_amounts[key] for key, label in ValueRecord.Source.choices}
    return result


def cached_roi_figures(unit, start: date, end: date) -> RoiFigures:
    """roi_figures() with every section, as of the current data (config.figures_cache): what
    the value page and its API show. Scheduled reports compute theirs afresh."""
    key = f"roi:{unit.pk if unit else 'org'}:{start.isoformat()}:{end.isoformat()}"
    return figures_cache.cached(key, lambda: roi_figures(unit, start, end))


def cached_roi_panels(unit, start: date, end: date, render) -> str:
    """The value page's figures as `render()` makes them, kept beside the cached figures (same
    scope, period and data version) in the reader's language: a repeat visit renders only the
    page around them. The panels are the same for every reader."""
    language = get_language() or "en-gb"
    key = (
        f"roi-panels:{language}:{unit.pk if unit else 'org'}:{start.isoformat()}:{end.isoformat()}"
    )
    return figures_cache.cached(key, render)


def subtree_of(units: list[dict], unit_id: int) -> list[int]:
    """The ids of `unit_id` and every unit below it, from rows with id and parent_id."""
    children = defaultdict(list)
    for row in units:
        children[row["parent_id"]].append(row["id"])
    ids, stack = [], [unit_id]
    while stack:
        current = stack.pop()
        ids.append(current)
        stack.extend(children.get(current, []))
    return ids


# What a by-unit row counts: the scope unit's own solutions only, or a unit with its subtree.
OWN_SOLUTIONS, WITH_UNITS_BELOW = "own_solutions", "with_units_below"


def _by_unit(unit, unit_ids, rolled_up, months, programme, units=None) -> list[dict]:
    """One row per direct child of the scope (top-level units for the organisation), each with
    its subtree rolled up, plus the scope unit's own solutions as a row of their own. `label`
    tells them apart: "Finance (own solutions only)", "Payables (with the units below)"; a unit
    with nothing below keeps its plain name."""
    if units is None:
        units = BusinessUnit.objects.values("id", "parent_id", "name", "slug")
    units = {row["id"]: row for row in units}
    scope_id = None if unit is None else unit.pk

    def bucket_of(unit_id):
        """The child of the scope that `unit_id` lies under (or the scope unit itself)."""
        current = unit_id
        while current is not None and current != scope_id:
            if units[current]["parent_id"] == scope_id:
                return current
            current = units[current]["parent_id"]
        return current

    buckets: dict[int, _Sums] = defaultdict(_Sums)
    grouped = rolled_up.order_by().values("business_unit_id").annotate(**_ROLLUP_VALUE_AGGREGATES)
    for row in grouped:
        buckets[bucket_of(row.pop("business_unit_id"))].add(**row)
    for unit_id, row in _unit_cost_totals(unit_ids, months).items():
        buckets[bucket_of(unit_id)].add(**row)
    for unit_id, _month, amount in programme:
        if unit_id is not None:
            buckets[bucket_of(unit_id)].add(programme_cost=amount)
    parents = {row["parent_id"] for row in units.values()}

    def label(unit_id) -> tuple[str, str]:
        name = units[unit_id]["name"]
        if unit_id == scope_id:
            return OWN_SOLUTIONS, _("%(unit)s (own solutions only)") % {"unit": name}
        if unit_id in parents:
            return WITH_UNITS_BELOW, _("%(unit)s (with the units below)") % {"unit": name}
        return WITH_UNITS_BELOW, name

    rows = [
        {
            "unit": units[unit_id]["name"],
            "slug": units[unit_id]["slug"],
            "counts": label(unit_id)[0],
            "label": str(label(unit_id)[1]),
            "figures": sums.freeze(len(months)),
        }
        for unit_id, sums in buckets.items()
        if unit_id is not None
    ]
    return sorted(rows, key=lambda row: (-row["figures"].value, row["unit"]))


def _ranked_solution_ids(unit_ids, months: list[date], top: int) -> list[int]:
    """The ids of the `top` solutions with records in `months` by their value, from the
    two-year windows (value.rollup): exactly the order of summing the raw records per solution
    (value descending, then id). A period within one window reads one row per solution and
    sums its columns; a longer period sums the rows of each of its years. The twelve months
    that SolutionTrailingValue holds are read off its index."""
    through = months[-1]
    if months == rollup.trailing_months(through):
        trailing = SolutionTrailingValue.objects
        if trailing.values_list("through_month", flat=True).first() == through:
            ranked = (
                trailing.in_units(unit_ids)
                .order_by("-value", "solution_id")
                .values_list("solution_id", flat=True)
            )
            return list(ranked[:top])
    rows = SolutionYearValue.objects.in_units(unit_ids)
    first, last = months[0].year, months[-1].year
    if first >= last - 1:
        columns, mask = rollup.window_columns(months, last)
        ranked = (
            rows.filter(year=last)
            .annotate(hit=F("months_with_records").bitand(mask), value=rollup.column_sum(columns))
            .exclude(hit=0)
            .order_by("-value", "solution_id")
            .values_list("solution_id", flat=True)
        )
        return list(ranked[:top])
    # Each year's own months are columns 13-24 of that year's row.
    value_cases, hit_cases = [], []
    for year in range(first, last + 1):
        columns, mask = rollup.window_columns([m for m in months if m.year == year], year)
        value_cases.append(When(year=year, then=rollup.column_sum(columns)))
        hit_cases.append(When(year=year, then=F("months_with_records").bitand(mask)))
    ranked = (
        rows.filter(year__gte=first, year__lte=last)
        .order_by()
        .values("solution_id")
        .annotate(
            value=Sum(Case(*value_cases, output_field=MONEY)),
            hit=Max(Case(*hit_cases, output_field=IntegerField())),
        )
        .exclude(hit=0)
        .order_by("-value", "solution_id")
        .values_list("solution_id", flat=True)
    )
    return list(ranked[:top])


def _top_solutions(unit_ids, months, top: int) -> list[dict]:
    """The `top` solutions by value in the period, with their own costs. The ranking reads the
    two-year windows; the other sums and the costs are read for the winners only."""
    ids = _ranked_solution_ids(unit_ids, months, top)
    records = ValueRecord.objects.in_period(months[0], month_end(months[-1]))
    # The other sums only for the winners: cheaper than computing them for every solution.
    sums_of = {
        row["solution_id"]: row
        for row in records.filter(solution_id__in=ids)
        .order_by()
        .values("solution_id")
        .annotate(**_VALUE_AGGREGATES)
    }
    grouped = [sums_of[solution_id] for solution_id in ids]
    solutions = Solution.objects.filter(pk__in=ids).select_related("business_unit")
    solutions = solutions.only("name", "uuid", "business_unit__name", *COST_FIELDS).in_bulk()
    rows = []
    for row in grouped:
        sums = _Sums()
        sums.add(
            value=row["value"],
            hours=row["hours"],
            verified_value=row["verified_value"],
            records=row["records"],
        )
        solution = solutions[row["solution_id"]]
        sums.add(**_solution_cost_sums(solution, months))
        rows.append(
            {
                "name": solution.name,
                "uuid": solution.uuid,
                "unit": solution.business_unit.name,
                "figures": sums.freeze(len(months)),
            }
        )
    return rows
