"""Reads that follow an idea down the chain (idea → solution → value records → stories) and a
maker's portfolio. Assembled here, in the higher app, from value's and stories' rows: value and
stories never import ideas."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, Sum

from accounts.models import User
from stories.models import SessionSlot, Story
from value.models import Solution, ValueRecord

from .models import Badge, Idea

ZERO = Decimal("0")


@dataclass
class Chain:
    idea: Idea
    solution: Solution | None = None
    records: int = 0
    months: int = 0
    realised_total: Decimal = ZERO
    realised_hours: Decimal = ZERO
    first_month: object = None
    last_month: object = None
    stories: list = field(default_factory=list)

    @property
    def realised_year(self) -> Decimal | None:
        """The value delivered per year so far: the records' total over the months recorded,
        times twelve (None before any record)."""
        if not self.months:
            return None
        return (self.realised_total / self.months * 12).quantize(Decimal("0.01"))

    @property
    def realised_vs_estimate(self) -> Decimal | None:
        """Realised value a year as a percentage of the idea's estimate."""
        estimate = self.idea.potential_value_year
        if self.realised_year is None or not estimate:
            return None
        return (self.realised_year / estimate * 100).quantize(Decimal("1"))


def idea_chain(idea: Idea, user) -> Chain:
    """The idea's solution, the totals of its value records and the published stories about it
    (with what the stories measured). Four queries at most."""
    chain = Chain(idea=idea)
    if not idea.solution_id:
        return chain
    chain.solution = Solution.objects.select_related("owner").get(pk=idea.solution_id)
    totals = ValueRecord.objects.filter(solution_id=idea.solution_id).aggregate(
        records=Count("pk"),
        months=Count("month", distinct=True),
        total=Sum("amount"),
        hours=Sum("hours_saved"),
        first=Min("month"),
        last=Max("month"),
    )
    chain.records, chain.months = totals["records"], totals["months"]
    chain.realised_total = totals["total"] or ZERO
    chain.realised_hours = totals["hours"] or ZERO
    chain.first_month, chain.last_month = totals["first"], totals["last"]
    chain.stories = list(
        Story.objects.visible_to(user)
        .filter(solution_id=idea.solution_id)
        .select_related("author")
        .order_by("-published_at")
    )
    return chain


@dataclass
class Portfolio:
    user: User
    solutions: list
    solution_count: int
    live_count: int
    stories: list
    ideas: list
    idea_count: int
    talks: list
    badges: list
    value_delivered: Decimal
    hours_saved: Decimal


def maker_portfolio(user: User, viewer) -> Portfolio:
    """What `user` has built, told, proposed, presented and earned; lists are capped so a
    prolific maker's page stays one screen of each (ten queries, whatever their numbers)."""
    solutions = Solution.objects.filter(owner=user)
    counts = solutions.aggregate(
        n=Count("pk"), live=Count("pk", filter=Q(status=Solution.Status.LIVE))
    )
    value = ValueRecord.objects.filter(solution__owner=user).aggregate(
        total=Sum("amount"), hours=Sum("hours_saved")
    )
    ideas = Idea.objects.visible_to(viewer).filter(author=user)
    return Portfolio(
        user=user,
        solutions=list(solutions.select_related("business_unit").order_by("-go_live_on")[:10]),
        solution_count=counts["n"],
        live_count=counts["live"],
        stories=list(
            Story.objects.visible_to(viewer).filter(author=user).order_by("-published_at")[:10]
        ),
        ideas=list(ideas.by_score()[:10]),
        idea_count=ideas.count(),
        talks=list(
            SessionSlot.objects.filter(presenter=user)
            .select_related("session", "story")
            .order_by("-session__starts_at")[:10]
        ),
        badges=list(Badge.objects.filter(user=user).select_related("rule")),
        value_delivered=value["total"] or ZERO,
        hours_saved=value["hours"] or ZERO,
    )
