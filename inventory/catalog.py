"""The app catalog: live solutions anyone signed in may look through, so that people find an
existing app before building another; near-duplicate names in one unit are flagged to the CoE."""

import re
from datetime import date

from django.db import connections
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery

from stories.models import Story
from value.models import Solution, SolutionUsage

NOISE = re.compile(r"\b(copy of|copy|v\d+|version \d+|test|old|new)\b|[^a-z0-9]+|\d+$")
# name_key() in PostgreSQL's words ("\y" is its word boundary), the expression of the index
# solution_live_name_key (inventory migration 0005): the flags of a page then read the few
# solutions sharing its keys, not every name of its units (50,000 in a unit the import fills).
NAME_KEY_SQL = (
    "regexp_replace(lower(name), "
    "'\\y(copy of|copy|v\\d+|version \\d+|test|old|new)\\y|[^a-z0-9]+|\\d+$', '', 'g')"
)


def name_key(name: str) -> str:
    """A name without case, punctuation, "copy"/"v2"/"test" and trailing numbers:
    "Expense App", "Expense app (copy)" and "Expense App v2" share the key "expenseapp"."""
    return NOISE.sub("", name.lower())


def catalog_queryset(*, q="", kind="", unit="", environment="", owner="", usage="", today=None):
    """Live solutions matching the filters, each with its latest month of usage and its
    published stories counted (subqueries: evaluated for the rows of one page)."""
    latest = SolutionUsage.objects.filter(solution=OuterRef("pk")).order_by("-month")
    stories = (
        Story.objects.filter(solution=OuterRef("pk"), status=Story.Status.PUBLISHED)
        .order_by()
        .values("solution")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Solution.objects.filter(status=Solution.Status.LIVE)
        .select_related("business_unit", "owner")
        .only(
            "uuid",
            "name",
            "kind",
            "environment",
            "business_unit__name",
            "business_unit__slug",
            "owner__username",
            "owner__first_name",
            "owner__last_name",
        )
        .annotate(
            usage_month=Subquery(latest.values("month")[:1]),
            usage_runs=Subquery(latest.values("runs")[:1], output_field=IntegerField()),
            usage_launches=Subquery(latest.values("launches")[:1], output_field=IntegerField()),
            usage_users=Subquery(latest.values("active_users")[:1], output_field=IntegerField()),
            story_count=Subquery(stories, output_field=IntegerField()),
        )
        .order_by("name", "pk")
    )
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if kind:
        rows = rows.filter(kind=kind)
    if unit:
        rows = rows.filter(business_unit__slug=unit)
    if environment:
        rows = rows.filter(environment__icontains=environment)
    if owner:
        rows = rows.filter(
            Q(owner__username__iexact=owner)
            | Q(owner__email__iexact=owner)
            | Q(owner__last_name__iexact=owner)
        )
    if usage in ("used", "unused"):
        today = today or date.today()
        month, year = today.month - 3, today.year
        if month <= 0:
            month, year = month + 12, year - 1
        since = date(year, month, 1)  # the last three months and this one
        recent = SolutionUsage.objects.filter(solution=OuterRef("pk"), month__gte=since).filter(
            Q(runs__gt=0) | Q(launches__gt=0) | Q(active_users__gt=0)
        )
        rows = rows.filter(Exists(recent)) if usage == "used" else rows.exclude(Exists(recent))
    return rows


# Near-duplicates are counted up to this many solutions a name key: "99+" says enough, and an
# import can give thousands of names one key ("Solution 1" … "Solution 50000").
COUNTED = 100


def flag_duplicates(page_rows) -> None:
    """Set `duplicate_count` on each row: other live solutions of its unit whose name has the
    same key, at most COUNTED - 1 (`duplicates_capped` then). On PostgreSQL one query reads at
    most COUNTED entries of the expression index for each unit and key of the page; elsewhere
    the names of the page's units are read."""
    page_rows = list(page_rows)
    pairs = {(row.business_unit_id, name_key(row.name)) for row in page_rows}
    if not pairs:
        return
    if connections[Solution.objects.db].vendor == "postgresql":
        counts = _counted_keys(pairs)
    else:
        counts = {}
        live = Solution.objects.filter(
            status=Solution.Status.LIVE, business_unit_id__in={unit for unit, _key in pairs}
        )
        for unit_id, name in live.values_list("business_unit_id", "name"):
            key = (unit_id, name_key(name))
            counts[key] = min(COUNTED, counts.get(key, 0) + 1)
    for row in page_rows:
        counted = counts.get((row.business_unit_id, name_key(row.name)), 1)
        row.duplicate_count = counted - 1
        row.duplicates_capped = counted >= COUNTED


def _counted_keys(pairs) -> dict[tuple[int, str], int]:
    values = ", ".join(["(%s::bigint, %s::text)"] * len(pairs))
    # Built from constants and placeholders only.
    sql = (
        f"SELECT wanted.unit, wanted.key, (SELECT count(*) FROM (SELECT 1 FROM value_solution "  # noqa: S608
        f"WHERE status = 'live' AND business_unit_id = wanted.unit AND {NAME_KEY_SQL} = "
        f"wanted.key LIMIT {COUNTED}) AS found) FROM (VALUES {values}) AS wanted (unit, key)"
    )
    with connections[Solution.objects.db].cursor() as cursor:
        cursor.execute(sql, [part for pair in pairs for part in pair])
        return {(unit, key): n for unit, key, n in cursor.fetchall()}
