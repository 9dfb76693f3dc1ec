"""Value records from a published success story's measured metrics, in one step.

It lives beside the stories because it reads them; it writes value records only through value's
own service (value_record_create, one save() at a time, so that anything hooked on a record's
save sees each of them), so imports point down (stories reads value, never the reverse). It owns
the `origin_key` contract: a record made from a story metric for a month carries
"story-metric:<metric uuid>:<YYYY-MM>", and the unique constraint on that key means the step
can be run again (a double click, a retried API call, next month's run) without doubling value.
The stories pages and API call these functions; the arithmetic is value.calculator's.

Each chosen metric is converted per month with one of four methods:
- minutes per item before/after x items per month, valued at an hourly cost
  (e.g. 12 → 2 minutes per invoice x 3,000 invoices = 500 hours);
- hours per period before/after x periods per month (e.g. hours per week x 4.33), valued the same;
- a count per item before/after x items per month x the cost of one such thing from the library;
- money per period before/after x periods per month (already money: cost avoided).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, DecimalException

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import audit_record
from value import calculator
from value.models import Solution, UnitCost, ValueRecord
from value.services import ValueRecordError, staff_hour_rate, value_record_create

from ..models import Story, StoryMetric

MAX_MONTHS = 36
# The largest figures a value record holds (hours: 10 digits with 1 decimal; money: 14 with 2).
MAX_HOURS = Decimal("999999999.9")
MAX_MONEY = Decimal("999999999999.99")


class Method(models.TextChoices):
    TIME_PER_ITEM = "time_per_item", _("Minutes per item x items per month (valued per hour)")
    HOURS_PER_PERIOD = (
        "hours_per_period",
        _("Hours per period x periods per month (valued per hour)"),
    )
    COUNT_PER_ITEM = (
        "count_per_item",
        _("Count per item (or period) x volume per month x cost of one"),
    )
    MONEY_PER_PERIOD = "money_per_period", _("Money per period x periods per month")


HOURLY_METHODS = (Method.TIME_PER_ITEM, Method.HOURS_PER_PERIOD)


@dataclass(frozen=True)
class MetricConversion:
    """How one metric turns into value each month: the method, the monthly volume (items, or
    periods, per month) and, optionally, a cost from the library (an hourly cost for the time
    methods, the cost of one thing for counts)."""

    metric: StoryMetric
    method: str
    volume: Decimal | None
    unit_cost: UnitCost | None = None


@dataclass(frozen=True)
class Problem:
    """One reason the step is refused: a message, the input it is about (a field name, or "" for
    the request as a whole) and, for a metric's input, that metric's position in the request."""

    message: str
    field: str = ""
    index: int | None = None


class StoryValueError(Exception):
    """The value cannot be recorded as asked; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class MetricPlan:
    """One metric's value per month and the months it applies to."""

    conversion: MetricConversion
    calculation: calculator.Calculation
    months: list[date]
    recorded: set[date] = field(default_factory=set)  # months that already have the record

    @property
    def metric(self) -> StoryMetric:
        return self.conversion.metric

    @property
    def new_months(self) -> list[date]:
        return [m for m in self.months if m not in self.recorded]

    @property
    def total(self) -> Decimal:
        return self.calculation.amount * len(self.months)

    @property
    def hours_total(self) -> Decimal:
        return self.calculation.hours_saved * len(self.months)

    def origin_key(self, month: date) -> str:
        return origin_key(self.metric, month)


@dataclass
class StoryValuePlan:
    """What story_value_record would write: a plan per metric over the same months."""

    story: Story
    solution: Solution
    months: list[date]
    source: str
    metrics: list[MetricPlan]
    # Records of the solution in these months that did not come from this story: the story's
    # value adds to them, which the page points out so nobody counts a saving twice unawares.
    other_records: int = 0

    @property
    def source_label(self) -> str:
        return ValueRecord.Source(self.source).label

    @property
    def total(self) -> Decimal:
        return sum((p.total for p in self.metrics), Decimal("0.00"))

    @property
    def new_count(self) -> int:
        return sum(len(p.new_months) for p in self.metrics)

    @property
    def recorded_count(self) -> int:
        return sum(len(p.recorded) for p in self.metrics)


@dataclass
class StoryValueResult:
    """What story_value_record did: the records it created and how many were already there."""

    solution: Solution
    created: list[ValueRecord]
    already_recorded: list[tuple[StoryMetric, date]]


def origin_key(metric: StoryMetric, month: date) -> str:
    """The key that makes a metric's record for a month unique (at most 57 characters)."""
    return f"story-metric:{metric.uuid}:{month:%Y-%m}"


def _month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def default_months(story: Story, today: date | None = None) -> tuple[date, date]:
    """The months since publication: from the month the story was published to the last
    complete month (or the current one, for a story published this month), at most 36."""
    today = today or date.today()
    current = _month_number(today)
    published = story.published_at.date() if story.published_at else today
    start = min(_month_number(published), current)
    end = max(current - 1, start)
    start = max(start, end - MAX_MONTHS + 1)
    return _month(start), _month(end)


def suggested_method(metric: StoryMetric) -> str:
    """A first guess of the method from the metric's unit, for the form's initial values."""
    unit = metric.unit.lower()
    if "min" in unit:
        return Method.TIME_PER_ITEM
    if unit.startswith("h") or "hour" in unit:
        return Method.HOURS_PER_PERIOD
    if unit in ("€", "$", "£", "eur", "usd", "gbp", "chf", "money", "cost") or "cost" in unit:
        return Method.MONEY_PER_PERIOD
    return Method.COUNT_PER_ITEM


def suggested_include(metric: StoryMetric) -> bool:
    """Ticked at first: metrics that save something and whose volume can be guessed, so that a
    first Preview shows figures rather than errors; the CoE ticks the others by hand."""
    return metric.after_value < metric.before_value and suggested_volume(metric) is not None


def suggested_volume(metric: StoryMetric) -> Decimal | None:
    """Periods per month for a metric stated per week or per month; None when unknown."""
    period = metric.period.lower()
    if "week" in period:
        return Decimal("4.33")  # 52 weeks / 12 months
    if "month" in period:
        return Decimal("1")
    return None


def _months_between(start: date | None, end: date | None, problems: list[Problem]) -> list[date]:
    if start is None or end is None:
        problems.append(Problem(gettext("Give the first and the last month."), "month_from"))
        return []
    first, last = _month_number(start), _month_number(end)
    if last > _month_number(date.today()):
        problems.append(
            Problem(gettext("Value can only be recorded up to this month."), "month_to")
        )
    elif last < first:
        problems.append(Problem(gettext("The last month cannot be before the first."), "month_to"))
    elif last - first + 1 > MAX_MONTHS:
        problems.append(
            Problem(
                gettext("At most %(count)d months at a time.") % {"count": MAX_MONTHS}, "month_to"
            )
        )
    else:
        return [_month(n) for n in range(first, last + 1)]
    return []


def _calculate(
    conversion: MetricConversion, index: int, hour_rate: Decimal | None, problems: list[Problem]
) -> calculator.Calculation | None:
    """One metric's value per month through the calculator, or None with the problems noted."""
    metric, method, volume, cost = (
        conversion.metric,
        conversion.method,
        conversion.volume,
        conversion.unit_cost,
    )
    before, after = Decimal(str(metric.before_value)), Decimal(str(metric.after_value))
    found = len(problems)
    if method not in Method.values:
        problems.append(Problem(gettext("Pick how the metric turns into value."), "method", index))
    if volume is None or volume <= 0:
        problems.append(
            Problem(gettext("The volume per month must be more than zero."), "volume", index)
        )
    if after >= before:
        problems.append(
            Problem(
                gettext(
                    "“%(metric)s” is not lower after than before: there is no saving to record."
                )
                % {"metric": metric.name},
                "",
                index,
            )
        )
    if method in HOURLY_METHODS:
        if cost is not None and cost.measure != UnitCost.Measure.HOUR:
            problems.append(Problem(gettext("Pick a cost measured per hour."), "unit_cost", index))
        elif cost is None and hour_rate is None:
            problems.append(
                Problem(
                    gettext(
                        "There is no staff-hour rate for this unit in the cost library: "
                        "pick an hourly cost."
                    ),
                    "unit_cost",
                    index,
                )
            )
    elif method == Method.COUNT_PER_ITEM:
        if cost is None:
            problems.append(
                Problem(gettext("Pick the cost of one such thing."), "unit_cost", index)
            )
        elif cost.measure == UnitCost.Measure.HOUR:
            problems.append(
                Problem(
                    gettext("Pick the cost of one item or event, not an hour."), "unit_cost", index
                )
            )
    if len(problems) > found:
        return None
    rate = cost.amount if (cost is not None and method in HOURLY_METHODS) else hour_rate
    rate = rate or Decimal("0")
    try:
        if method == Method.TIME_PER_ITEM:
            result = calculator.time_saved(
                before_minutes=before, after_minutes=after, volume=volume, hourly_rate=rate
            )
        elif method == Method.HOURS_PER_PERIOD:
            minutes = calculator.MINUTES_PER_HOUR
            result = calculator.time_saved(
                before_minutes=before * minutes,
                after_minutes=after * minutes,
                volume=volume,
                hourly_rate=rate,
            )
        elif method == Method.COUNT_PER_ITEM:
            result = calculator.cost_reduced(
                before=before, after=after, volume=volume, unit_cost=cost.amount, hourly_rate=rate
            )
        else:  # money per period: a count whose "cost of one" is one unit of money
            result = calculator.cost_reduced(
                before=before, after=after, volume=volume, unit_cost=Decimal("1"), hourly_rate=rate
            )
        too_large = result.hours_saved > MAX_HOURS or result.amount > MAX_MONEY
    except DecimalException:
        too_large = True
    if too_large:
        problems.append(
            Problem(gettext("The volume gives a figure too large to record."), "volume", index)
        )
        return None
    return result


def story_value_preview(
    *,
    story: Story,
    conversions: list[MetricConversion],
    month_from: date | None,
    month_to: date | None,
    source: str = ValueRecord.Source.MEASURED,
    solution: Solution | None = None,
) -> StoryValuePlan:
    """Work out, without writing anything, the value records that story_value_record would
    create: per chosen metric the hours and money per month, and which months already have their
    record. `solution` links a story that has none. Raises StoryValueError with every reason the
    request is refused (story not published, no solution, bad month range, a metric without a
    saving, a volume of zero or less, no hourly cost)."""
    problems: list[Problem] = []
    if not story.is_published:
        problems.append(
            Problem(gettext("Only published stories can be turned into value records."))
        )
    if story.solution_id and solution is not None and solution.pk != story.solution_id:
        problems.append(
            Problem(
                gettext("The story is already linked to %(solution)s.")
                % {"solution": story.solution},
                "solution",
            )
        )
    solution = story.solution if story.solution_id else solution
    if solution is None:
        problems.append(
            Problem(
                gettext(
                    "This story is not linked to a solution: pick the solution its value "
                    "belongs to."
                ),
                "solution",
            )
        )
    if source not in ValueRecord.Source.values:
        problems.append(Problem(gettext("Pick where the figures come from."), "source"))
    months = _months_between(month_from, month_to, problems)
    if not conversions:
        problems.append(Problem(gettext("Pick at least one metric to record.")))
    seen: set[int] = set()
    for index, conversion in enumerate(conversions):
        if conversion.metric.story_id != story.pk:
            problems.append(
                Problem(gettext("This metric belongs to another story."), "metric", index)
            )
        elif conversion.metric.pk in seen:
            problems.append(Problem(gettext("This metric is listed twice."), "metric", index))
        seen.add(conversion.metric.pk)
    hour_rate = staff_hour_rate(solution.business_unit) if solution is not None else None
    plans = []
    for index, conversion in enumerate(conversions):
        result = _calculate(conversion, index, hour_rate, problems)
        if result is not None:
            plans.append(MetricPlan(conversion=conversion, calculation=result, months=months))
    if problems:
        raise StoryValueError(problems)

    keys = {plan.origin_key(m): (plan, m) for plan in plans for m in months}
    for key in ValueRecord.objects.filter(origin_key__in=keys).values_list("origin_key", flat=True):
        plan, month = keys[key]
        plan.recorded.add(month)
    # Records of these months that did not come from this story's metrics (by their origin key).
    story_keys = [origin_key(metric, month) for metric in story.metrics.all() for month in months]
    other_records = (
        ValueRecord.objects.filter(solution=solution, month__in=months)
        .exclude(origin_key__in=story_keys)
        .count()
    )
    return StoryValuePlan(
        story=story,
        solution=solution,
        months=months,
        source=source,
        metrics=plans,
        other_records=other_records,
    )


@transaction.atomic
def story_value_record(
    *,
    story: Story,
    actor: User,
    conversions: list[MetricConversion],
    month_from: date | None,
    month_to: date | None,
    source: str = ValueRecord.Source.MEASURED,
    solution: Solution | None = None,
    note: str = "",
) -> StoryValueResult:
    """Create the value records of story_value_preview in one transaction: one record per
    chosen metric and month, each saved on its own with its origin key. Months that already
    have their record are left as they are and reported. Links the story to `solution` when it
    had none, and writes one audit event on the story when it changed anything. Raises
    StoryValueError (nothing saved)."""
    # Serialise concurrent runs on one story, so a double submit finds the first one's records.
    locked = Story.objects.select_for_update(of=("self",)).select_related("solution")
    story = locked.get(pk=story.pk)
    plan = story_value_preview(
        story=story,
        conversions=conversions,
        month_from=month_from,
        month_to=month_to,
        source=source,
        solution=solution,
    )
    linked = story.solution_id is None
    if linked:
        story.solution = plan.solution
        story.save(update_fields=["solution", "updated_at"])
    created, already = [], []
    for index, metric_plan in enumerate(plan.metrics):
        conversion, result = metric_plan.conversion, metric_plan.calculation
        calculation = {
            "story": str(story.uuid),
            "story_title": story.title[:160],
            "metric": str(conversion.metric.uuid),
            "metric_name": conversion.metric.name,
            "method": conversion.method,
            "before": str(conversion.metric.before_value),
            "after": str(conversion.metric.after_value),
            "unit": conversion.metric.unit,
            "volume": str(conversion.volume),
        }
        if conversion.unit_cost is not None:
            calculation["unit_cost"] = conversion.unit_cost.name
            calculation["unit_cost_amount"] = str(conversion.unit_cost.amount)
        record_note = note or gettext("From the story “%(title)s”: %(metric)s") % {
            "title": story.title,
            "metric": conversion.metric.name,
        }
        for month in metric_plan.months:
            if month in metric_plan.recorded:
                already.append((conversion.metric, month))
                continue
            try:
                record = value_record_create(
                    solution=plan.solution,
                    month=month,
                    actor=actor,
                    source=source,
                    hours_saved=result.hours_saved,
                    hourly_rate=result.hourly_rate,
                    cost_avoided=result.cost_avoided,
                    note=record_note[:255],
                    calculation=calculation,
                    origin_key=metric_plan.origin_key(month),
                )
            except (ValueRecordError, ValidationError) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise StoryValueError([Problem(m, "", index) for m in messages]) from exc
            created.append(record)
    if not created and not linked:
        return StoryValueResult(solution=plan.solution, created=[], already_recorded=already)
    audit_record(
        actor=actor,
        verb="story_value_recorded",
        target=story,
        solution=str(plan.solution.uuid),
        months=[f"{plan.months[0]:%Y-%m}", f"{plan.months[-1]:%Y-%m}"],
        metrics=[str(p.metric.uuid) for p in plan.metrics],
        created=len(created),
        already_recorded=len(already),
        total=str(sum((r.amount for r in created), Decimal("0.00"))),
        linked_solution=linked,
    )
    return StoryValueResult(solution=plan.solution, created=created, already_recorded=already)
