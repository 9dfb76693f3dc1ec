"""The executive dashboard's figures: one function, `dashboard_figures()`, computes every panel
for a scope (a business unit with its whole subtree, or the organisation) and a period.

Money figures come from value.figures (the same code path as the scheduled ROI reports), maturity
scores from adoption.scoring, key-result progress and status from strategy.progress (through the
KeyResult model's methods). Everything is summed by the database: the page costs the same number
of queries whether the organisation has ten solutions or fifty thousand (listed in the docstring
of `dashboard_figures`). The result is plain JSON-safe data, shared by the page, the PDF and the
API.

Periods: "this quarter" and "this year" run to the end of the current month (months still ahead
carry no value yet, so charging them running costs would understate ROI); "last quarter" is the
whole previous quarter; "all time" starts in the month of the first go-live or value record.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit, Organisation, User
from adoption.models import Answer, Target
from adoption.scoring import AreaScore, AssessmentScore
from config import figures_cache
from config.numbers import display_float
from ideas.dashboard import pipeline_by_key_result
from maturity.models import Area
from stories.models import Story
from strategy import progress as kr_rules
from strategy.models import KeyResult
from value import figures
from value.models import Solution, UnitMonthCost, UnitMonthValue

PERIODS = {
    "this_quarter": _("This quarter"),
    "last_quarter": _("Last quarter"),
    "this_year": _("This year"),
    "all_time": _("All time"),
}
DEFAULT_PERIOD = "this_quarter"
STORY_ROWS = 5
TREND_ASSESSMENTS = 8
ATTENTION_ROWS = 8
ALL_TIME_FROM = date(1900, 1, 1)
# Statuses worst first: an objective's status in the attention list is that of its worst KR.
STATUS_ORDER = [kr_rules.OFF_TRACK, kr_rules.AT_RISK, kr_rules.ON_TRACK, kr_rules.DONE]
# Key results without a value yet are counted apart, never as on or off track.
COUNTED_STATUSES = [*STATUS_ORDER, kr_rules.NO_CHECK_IN]


class DashboardInputError(ValueError):
    """An unknown period key or business unit."""


class SubqueryCount(Subquery):
    """The number of rows a subquery returns, as a scalar (counts need no GROUP BY outside)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


class SubqueryTotal(Subquery):
    """The sum of a subquery's `total` column, as a scalar (0 when it returns no rows)."""

    template = "(SELECT COALESCE(SUM(_rows.total), 0) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


# Periods ------------------------------------------------------------------------------------


def period_bounds(key: str, today: date, first_day: date | None) -> tuple[date, date]:
    """(start, end) of a period key; see the module docstring for the rules."""
    if key not in PERIODS:
        raise DashboardInputError(
            gettext("Unknown period %(period)r. Allowed: %(periods)s.")
            % {"period": key, "periods": ", ".join(PERIODS)}
        )
    month_end = figures.month_end(today)
    if key == "this_quarter":
        return figures.quarter_of(today)[0], month_end
    if key == "last_quarter":
        return figures.quarter_of(figures.quarter_of(today)[0] - timedelta(days=1))
    if key == "this_year":
        return date(today.year, 1, 1), month_end
    start = figures.month_start(min(first_day, today)) if first_day else date(today.year, 1, 1)
    return start, month_end


def _moments(start: date, end: date) -> tuple[datetime, datetime]:
    """The first and last moment of the days from `start` to `end` in the site's time zone, to
    compare timestamps with (a cast of the column to a date could not use its index)."""
    first = timezone.make_aware(datetime.combine(start, time.min))
    return first, timezone.make_aware(datetime.combine(end, time.max))


def period_label(start: date, end: date) -> str:
    """ "Oct to Dec 2026" in the active language (the locale's month abbreviations)."""
    first = date_format(start, "M")
    if start.year != end.year:
        first = f"{first} {start.year}"
    return gettext("%(start)s to %(end)s") % {
        "start": first,
        "end": f"{date_format(end, 'M')} {end.year}",
    }


# Units --------------------------------------------------------------------------------------


def unit_choices() -> list[dict]:
    """Every business unit in tree order with its depth, for the selector (one query)."""
    rows = list(BusinessUnit.objects.order_by("name").values("id", "parent_id", "name", "slug"))
    children = defaultdict(list)
    for row in rows:
        children[row["parent_id"]].append(row)
    ordered: list[dict] = []

    def walk(parent_id, depth):
        for row in children.get(parent_id, []):
            ordered.append({**row, "depth": depth})
            walk(row["id"], depth + 1)

    walk(None, 0)
    return ordered


# Panels -------------------------------------------------------------------------------------


def _scalars(unit_ids, start: date, end: date) -> dict:
    """Currency, adoption counts and the first day with data, in ONE query: each figure is a
    scalar subquery on the organisation's single row."""
    solutions = Solution.objects.in_units(unit_ids)
    stories = Story.objects.published()
    if unit_ids is not None:
        stories = stories.filter(business_unit_id__in=unit_ids)
    # Solutions live on the period's last day (a month's end): the roll-up's running count.
    live = UnitMonthCost.objects.in_units(unit_ids).filter(month__lte=end)
    in_period = stories.filter(published_at__range=_moments(start, end))
    # Active makers: people owning a solution live in the period, or who published a story in it.
    live_in_period = solutions.filter(go_live_on__lte=end).filter(
        Q(retired_on__isnull=True) | Q(retired_on__gte=start)
    )
    makers = User.objects.filter(
        Q(pk__in=live_in_period.values("owner_id")) | Q(pk__in=in_period.values("author_id"))
    )
    # The first go-live and value months, from the monthly roll-up (small, whatever the data).
    first_live = UnitMonthCost.objects.in_units(unit_ids).order_by("month")
    first_record = UnitMonthValue.objects.in_units(unit_ids).order_by("month")
    row = (
        Organisation.objects.filter(pk=1)
        .annotate(
            solutions_live=SubqueryTotal(
                live.order_by().annotate(total=F("live_change")).values("total")
            ),
            stories_published=SubqueryCount(in_period.order_by().values("pk")),
            active_makers=SubqueryCount(makers.order_by().values("pk")),
            first_live=Subquery(first_live.values("month")[:1], output_field=DateField()),
            first_record=Subquery(first_record.values("month")[:1], output_field=DateField()),
        )
        .values(
            "currency",
            "solutions_live",
            "stories_published",
            "active_makers",
            "first_live",
            "first_record",
        )
        .first()
    )
    if row is None:  # a fresh installation: create the organisation row, then read again
        Organisation.current()
        return _scalars(unit_ids, start, end)
    return row


def _maturity(unit, end: date) -> dict:
    """The scope's latest submitted assessment up to `end`: overall level, area scores against
    the targets (the radar) and the overall level of earlier assessments (the trend). One query:
    answers summed per assessment and area, with the area's target as a scalar subquery."""
    answers = Answer.objects.filter(
        assessment__status="submitted", assessment__submitted_at__date__lte=end
    )
    targets = Target.objects.filter(area_id=OuterRef("area_id"))
    if unit is None:
        answers = answers.filter(assessment__subject__business_unit__isnull=True)
        targets = targets.filter(subject__business_unit__isnull=True)
    else:
        answers = answers.filter(assessment__subject__business_unit=unit)
        targets = targets.filter(subject__business_unit=unit)
    rows = (
        answers.order_by()
        .values(
            "assessment_id",
            "assessment__uuid",
            "assessment__submitted_at",
            "area_id",
            "area__key",
            "area__name",
            "area__order",
        )
        .annotate(
            total=Count("id"),
            answered=Count("level"),
            unsure=Count("id", filter=Q(is_unsure=True)),
            level_sum=Sum("level"),
            target=Subquery(targets.values("level")[:1], output_field=IntegerField()),
        )
    )
    assessments: dict[int, dict] = {}
    for row in rows:
        entry = assessments.setdefault(
            row["assessment_id"],
            {"uuid": row["assessment__uuid"], "at": row["assessment__submitted_at"], "areas": []},
        )
        area = Area(
            pk=row["area_id"],
            key=row["area__key"],
            name=row["area__name"],
            order=row["area__order"],
        )
        score = AreaScore(
            area=area,
            total=row["total"],
            answered=row["answered"],
            unsure=row["unsure"],
            level_sum=row["level_sum"] or 0,
        )
        entry["areas"].append((score, row["target"]))
    ordered = sorted(assessments.values(), key=lambda entry: entry["at"])
    trend = []
    for entry in ordered[-TREND_ASSESSMENTS:]:
        scored = AssessmentScore(
            areas=sorted((s for s, _t in entry["areas"]), key=lambda s: (s.area.order, s.area.name))
        )
        trend.append(
            {
                "on": timezone.localtime(entry["at"]).date().isoformat(),
                "level": scored.overall_level,
                "mean": display_float(scored.overall_mean),
            }
        )
    if not ordered:
        return {"assessed_on": None, "level": None, "areas": [], "trend": [], "assessment": None}
    latest = ordered[-1]
    pairs = sorted(latest["areas"], key=lambda pair: (pair[0].area.order, pair[0].area.name))
    score = AssessmentScore(areas=[s for s, _t in pairs])
    return {
        "assessed_on": timezone.localtime(latest["at"]).date().isoformat(),
        "assessment": str(latest["uuid"]),
        "level": score.overall_level,
        "areas": [
            {
                "key": s.area.key,
                "area": s.area.name,
                "score": display_float(s.mean),
                "level": s.level,
                "target": target,
            }
            for s, target in pairs
        ],
        "trend": trend,
    }


def _strategy(unit_ids, today: date) -> dict:
    """Active plans in scope: their progress, the key results per status and the objectives that
    need attention. One query, read as plain rows (an organisation has hundreds of key results;
    model instances would cost more than the query): progress and status come from the same
    strategy.progress rules that KeyResult.progress() and status() apply."""
    key_results = (
        KeyResult.objects.alive()
        .filter(objective__plan__status="active")
        .values(
            "kind",
            "baseline",
            "target",
            "current",
            "starts_on",
            "due_on",
            "weight",
            "objective_id",
            "objective__uuid",
            "objective__title",
            "objective__plan_id",
            "objective__plan__uuid",
            "objective__plan__title",
        )
        .order_by("objective__plan__title", "objective__order", "objective_id", "order", "pk")
    )
    if unit_ids is not None:
        key_results = key_results.filter(objective__plan__business_unit_id__in=unit_ids)
    counts = dict.fromkeys(COUNTED_STATUSES, 0)
    objectives: dict[int, dict] = {}
    for kr in key_results:
        # A key result's value is its latest check-in; before the first one it has none.
        progress = kr_rules.kr_progress(kr["kind"], kr["baseline"], kr["target"], kr["current"])
        status = kr_rules.kr_status(kr["kind"], progress, kr["starts_on"], kr["due_on"], today)
        counts[status] += 1
        objective = objectives.setdefault(kr["objective_id"], {**kr, "pairs": [], "statuses": []})
        objective["pairs"].append((progress, kr["weight"]))
        if status != kr_rules.NO_CHECK_IN:
            objective["statuses"].append(status)
    plans: dict[int, dict] = {}
    attention = []
    for entry in objectives.values():
        progress = kr_rules.weighted_progress(entry["pairs"])
        plan = plans.setdefault(
            entry["objective__plan_id"],
            {
                "plan": entry["objective__plan__title"],
                "uuid": str(entry["objective__plan__uuid"]),
                "objectives": [],
            },
        )
        plan["objectives"].append(progress)
        if not entry["statuses"]:
            continue  # no key result checked in yet: nothing to judge
        worst = min(entry["statuses"], key=STATUS_ORDER.index)
        if worst in (kr_rules.OFF_TRACK, kr_rules.AT_RISK):
            attention.append(
                {
                    "objective": entry["objective__title"],
                    "uuid": str(entry["objective__uuid"]),
                    "plan": entry["objective__plan__title"],
                    "plan_uuid": str(entry["objective__plan__uuid"]),
                    "progress": display_float(progress),
                    "status": worst,
                    "status_label": str(kr_rules.STATUS_LABELS[worst]),
                    "behind": sum(
                        s in (kr_rules.OFF_TRACK, kr_rules.AT_RISK) for s in entry["statuses"]
                    ),
                }
            )
    plan_rows = [
        {
            "plan": p["plan"],
            "uuid": p["uuid"],
            "progress": display_float(kr_rules.plan_progress(p["objectives"])),
        }
        for p in plans.values()
    ]
    attention.sort(key=lambda row: (STATUS_ORDER.index(row["status"]), row["progress"] or 0))
    all_objectives = [p for plan in plans.values() for p in plan["objectives"]]
    return {
        # Exact objective figures averaged, then rounded once for display.
        "progress": display_float(kr_rules.plan_progress(all_objectives)),
        "plans": plan_rows,
        "key_results": {status: counts[status] for status in COUNTED_STATUSES},
        "key_result_total": sum(counts.values()),
        "attention": attention[:ATTENTION_ROWS],
        "attention_total": len(attention),
    }


def _stories(unit_ids, start: date, end: date) -> dict:
    """The newest and the most valuable stories published in the period. One query: the two
    short lists are picked by two limited subqueries and read together."""
    published = Story.objects.published().filter(published_at__range=_moments(start, end))
    if unit_ids is not None:
        published = published.filter(business_unit_id__in=unit_ids)
    newest = published.order_by("-published_at", "-pk").values("pk")[:STORY_ROWS]
    valuable = (
        published.filter(cost_saved_per_year__gt=0)
        .order_by(F("cost_saved_per_year").desc(), "-published_at", "-pk")
        .values("pk")[:STORY_ROWS]
    )
    rows = list(
        Story.objects.filter(Q(pk__in=newest) | Q(pk__in=valuable))
        .select_related("business_unit")
        .only(
            "uuid",
            "title",
            "published_at",
            "cost_saved_per_year",
            "hours_saved_per_year",
            "business_unit__name",
        )
    )

    def card(story):
        return {
            "title": story.title,
            "uuid": str(story.uuid),
            "unit": story.business_unit.name,
            "published_on": timezone.localtime(story.published_at).date().isoformat(),
            "cost_saved_per_year": None
            if story.cost_saved_per_year is None
            else str(story.cost_saved_per_year),
            "hours_saved_per_year": None
            if story.hours_saved_per_year is None
            else str(story.hours_saved_per_year),
        }

    by_date = sorted(rows, key=lambda s: (s.published_at, s.pk), reverse=True)
    by_value = sorted(
        (s for s in rows if (s.cost_saved_per_year or 0) > 0),
        key=lambda s: (s.cost_saved_per_year, s.published_at, s.pk),
        reverse=True,
    )
    return {
        "newest": [card(s) for s in by_date[:STORY_ROWS]],
        "most_valuable": [card(s) for s in by_value[:STORY_ROWS]],
    }


# The one entry point ------------------------------------------------------------------------


def dashboard_figures(
    *,
    unit: BusinessUnit | None = None,
    period_key: str = DEFAULT_PERIOD,
    today=None,
    units: list[dict] | None = None,
) -> dict:
    """Every figure of the executive dashboard for `unit` (with its subtree; None for the whole
    organisation) over the period `period_key` (see PERIODS), as JSON-safe data.

    `units` is `unit_choices()` when the caller has it already (saves a query). Raises
    DashboardInputError for an unknown period. Queries (never more with more data):
    units (1), currency + adoption counts + first day (1), maturity (1), key results (1),
    stories (1), ideas in the pipeline by key result (1), value via value.figures.roi_figures
    (5: it reuses `units`).
    """
    today = today or timezone.localdate()
    if period_key not in PERIODS:
        raise DashboardInputError(
            gettext("Unknown period %(period)r. Allowed: %(periods)s.")
            % {"period": period_key, "periods": ", ".join(PERIODS)}
        )
    units = unit_choices() if units is None else units
    unit_ids = None if unit is None else figures.subtree_of(units, unit.pk)
    start, end = period_bounds(period_key, today, None)
    # "All time" counts everything up to today; the same query tells where its months begin.
    scalars = _scalars(unit_ids, ALL_TIME_FROM if period_key == "all_time" else start, end)
    if period_key == "all_time":
        firsts = [day for day in (scalars["first_live"], scalars["first_record"]) if day]
        start, end = period_bounds(period_key, today, min(firsts) if firsts else None)

    roi = figures.roi_figures(unit, start, end, sections=("by_unit",), units=units)
    value = roi.as_dict()
    totals = value["totals"]
    return {
        "scope": {
            "unit": None if unit is None else unit.name,
            "slug": None if unit is None else unit.slug,
            "label": unit.name if unit is not None else gettext("Whole organisation"),
            "unit_count": len(unit_ids) if unit_ids is not None else len(units),
        },
        "period": {
            "key": period_key,
            "name": str(PERIODS[period_key]),
            "label": period_label(start, end),
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
        "today": today.isoformat(),
        "currency": scalars["currency"],
        "maturity": _maturity(unit, end),
        "strategy": _strategy(unit_ids, today),
        "value": {
            "totals": totals,
            "by_month": [
                {
                    "month": row["month"],
                    "value": row["value"],
                    "cost": row["cost"],
                    "projected_value": row["projected_value"],
                    "hours": row["hours"],
                }
                for row in value["by_month"]
            ],
            "by_unit": [
                {
                    "unit": row["unit"],
                    "slug": row["slug"],
                    "label": row["label"],
                    "counts": row["counts"],
                    "value": row["value"],
                    "cost": row["cost"],
                    "roi_pct": row["roi_pct"],
                    "hours": row["hours"],
                }
                for row in value["by_unit"]
            ],
        },
        "stories": _stories(unit_ids, start, end),
        "ideas": pipeline_by_key_result(unit_ids),
        "adoption": {
            "active_makers": scalars["active_makers"],
            "solutions_live": scalars["solutions_live"],
            "stories_published": scalars["stories_published"],
        },
    }


def cached_dashboard_figures(
    *, unit=None, period_key: str = DEFAULT_PERIOD, units: list[dict] | None = None
) -> dict:
    """`dashboard_figures` for today as of the current data (config.figures_cache): the page, its
    PDF and the API answer repeated requests without summing the value records again. A first
    request takes the prepared dashboard when one is current (reports.prepared), and keeps its
    panels in the cache too, for the page."""
    from . import prepared

    today = timezone.localdate()
    key = _cache_key(unit, period_key, today)

    def compute():
        ready = prepared.find(unit, period_key, today)
        if ready is None:
            return dashboard_figures(unit=unit, period_key=period_key, today=today, units=units)
        figures_cache.cached(_panels_key(key), lambda: ready["panels"])
        return ready["figures"]

    return figures_cache.cached(key, compute)


def cached_dashboard_panels(*, unit=None, period_key: str = DEFAULT_PERIOD, render) -> str:
    """The page's panels as `render()` makes them from the figures, kept beside those figures
    (same unit, period, day, language and data version): a repeat visit renders only the page
    around them. The panels are the same for every reader (no per-user link or form)."""
    key = _panels_key(_cache_key(unit, period_key, timezone.localdate()))
    return figures_cache.cached(key, render)


def _cache_key(unit, period_key: str, today: date) -> str:
    # Labels in the figures (period, scope, statuses) are in the reader's language: one entry each.
    language = get_language() or "en-gb"
    return f"dashboard:v4:{language}:{unit.pk if unit else 'org'}:{period_key}:{today.isoformat()}"


def _panels_key(figures_key: str) -> str:
    return f"{figures_key}:panels"


def resolve_unit(slug: str | None, units: list[dict]) -> BusinessUnit | None:
    """The unit named by `slug` among `units` (from `unit_choices()`, so no query of its own);
    None for no slug (the organisation). Raises DashboardInputError for an unknown slug."""
    if not slug:
        return None
    row = next((row for row in units if row["slug"] == slug), None)
    if row is None:
        raise DashboardInputError(gettext("Unknown business unit %(unit)r.") % {"unit": slug})
    return BusinessUnit(pk=row["id"], parent_id=row["parent_id"], name=row["name"], slug=slug)


def as_number(text) -> float:
    """Money strings of the figures as floats, for charts only (tables keep the strings)."""
    return float(Decimal(text)) if text is not None else 0.0
