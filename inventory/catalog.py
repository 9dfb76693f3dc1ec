"""The app catalog: live solutions anyone signed in may look through, so that people find an
existing app before building another; near-duplicate names in one unit are flagged to the CoE."""

import re
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery

from stories.models import Story
from value.models import Solution, SolutionUsage

NOISE = re.compile(r"\b(copy of|copy|v\d+|version \d+|test|old|new)\b|[^a-z0-9]+|\d+$")


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


def flag_duplicates(page_rows) -> None:
    """Set `duplicate_of_count` on each row: other live solutions of its unit whose name has the
    same key. One query for the names of the page's units."""
    units = {row.business_unit_id for row in page_rows}
    keys: dict[tuple[int, str], int] = {}
    for unit_id, name in Solution.objects.filter(
        status=Solution.Status.LIVE, business_unit_id__in=units
    ).values_list("business_unit_id", "name"):
        key = (unit_id, name_key(name))
        keys[key] = keys.get(key, 0) + 1
    for row in page_rows:
        row.duplicate_count = keys.get((row.business_unit_id, name_key(row.name)), 1) - 1
