"""Recognition badges: the CoE's rules, checked against what a person has done, each badge
awarded at most once (a unique constraint on rule and person, so retries and races are safe)."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from stories.models import SessionSlot, Story
from value.models import Solution, ValueRecord

from .models import Badge, BadgeRule, Idea


def _value_delivered(user: User) -> Decimal:
    total = ValueRecord.objects.filter(solution__owner=user).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0")


def _earned(rule: BadgeRule, user: User, cache: dict) -> str | None:
    """Why `user` has earned `rule`'s badge, or None."""
    kind = rule.kind
    if kind == BadgeRule.Kind.VALUE_OVER:
        if "value" not in cache:
            cache["value"] = _value_delivered(user)
        if cache["value"] >= rule.threshold:
            return f"Delivered {cache['value']:,.0f} of value"
        return None
    checks = {
        BadgeRule.Kind.FIRST_STORY: (
            Story.objects.filter(author=user, status=Story.Status.PUBLISHED),
            "Published a success story",
        ),
        BadgeRule.Kind.FIRST_SOLUTION_LIVE: (
            Solution.objects.filter(owner=user, status=Solution.Status.LIVE),
            "Has a solution live",
        ),
        BadgeRule.Kind.SHOW_AND_TELL: (
            SessionSlot.objects.filter(presenter=user, session__starts_at__lte=timezone.now()),
            "Presented at a show-and-tell",
        ),
        BadgeRule.Kind.IDEA_DELIVERED: (
            Idea.objects.filter(author=user, status=Idea.Status.DELIVERED),
            "An idea of theirs was delivered",
        ),
    }
    rows, reason = checks[kind]
    return reason if rows.exists() else None


def badges_award(*, user: User) -> list[Badge]:
    """Award `user` every active badge whose rule they now meet and that they do not hold yet;
    returns the badges awarded by this call. Running it twice, or twice at once, awards each
    badge once: get_or_create stops at the unique constraint and reads the winner's row."""
    held = set(Badge.objects.filter(user=user).values_list("rule_id", flat=True))
    awarded, cache = [], {}
    for rule in BadgeRule.objects.filter(is_active=True).exclude(pk__in=held):
        reason = _earned(rule, user, cache)
        if reason is None:
            continue
        with transaction.atomic():
            badge, created = Badge.objects.get_or_create(
                rule=rule, user=user, defaults={"reason": reason[:200]}
            )
        if created:
            awarded.append(badge)
    return awarded


def badge_candidates():
    """People who may have earned a badge: anyone with a published story, a solution, a talk
    or a submitted idea."""
    return User.objects.filter(is_active=True).filter(
        pk__in=set(Story.objects.filter(status="published").values_list("author_id", flat=True))
        | set(Solution.objects.exclude(owner=None).values_list("owner_id", flat=True))
        | set(SessionSlot.objects.exclude(presenter=None).values_list("presenter_id", flat=True))
        | set(Idea.objects.in_backlog().values_list("author_id", flat=True))
    )


def badges_award_all() -> int:
    """Check every candidate; returns the number of badges awarded."""
    return sum(len(badges_award(user=user)) for user in badge_candidates())


def badges_since(since) -> list[Badge]:
    """Badges awarded after `since` (None: the last 30 days), newest first, for the newsletter
    composer's suggestions."""
    since = since or timezone.now() - timedelta(days=30)
    return list(
        Badge.objects.filter(awarded_at__gt=since)
        .select_related("rule", "user", "user__business_unit")
        .order_by("-awarded_at")[:20]
    )
