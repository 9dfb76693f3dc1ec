"""Writes of the ideas app: submitting and editing ideas, votes, comments, the CoE's review and
acceptance (which creates the solution in `value` through value's own service), the score."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record
from config.errors import StateConflict
from config.jobs import enqueue_on_commit
from strategy.models import KeyResult, Plan
from value.models import Solution
from value.services import solution_save, staff_hour_rate

from . import scoring
from .models import (
    BadgeRule,
    Champion,
    Idea,
    IdeaComment,
    IdeaKeyResult,
    IdeaVote,
    MakerProfile,
    ScoreWeights,
)

MAX_KEY_RESULTS = 3


class IdeaStateError(Exception):
    """The idea is not in a state that allows this (voting on a declined idea, accepting a
    draft, ...), or the input does not fit it. The message says why, for the page or the API."""


class IdeaStatusError(IdeaStateError, StateConflict):
    """The idea's status does not allow the step; the API answers 409."""


@dataclass(frozen=True)
class KeyResultLink:
    key_result: KeyResult
    how: str = ""


def key_results_open_for_ideas():
    """Key results an idea may name: live ones of active plans."""
    return KeyResult.objects.alive().filter(objective__plan__status=Plan.Status.ACTIVE)


def idea_estimate(idea: Idea) -> scoring.Estimate:
    """Fill the idea's potential hours and value a year from its answers, through the value
    calculator at its unit's staff-hour rate (two queries) and the chosen library cost."""
    rate = staff_hour_rate(idea.business_unit) or Decimal("0")
    result = scoring.estimate(
        minutes_now=idea.minutes_now,
        minutes_after=min(idea.minutes_after, idea.minutes_now),
        occurrences_per_year=idea.occurrences_per_year,
        hourly_rate=rate,
        items_avoided_per_year=idea.items_avoided_per_year,
        item_cost=idea.cost_item.amount if idea.cost_item_id else None,
    )
    idea.potential_hours_year = result.hours_year
    idea.potential_value_year = result.value_year
    idea.hourly_rate = rate
    return result


def idea_breakdown(idea: Idea, weights: ScoreWeights | None = None) -> scoring.Breakdown:
    """The parts of the idea's score, from its stored fields and linked key results."""
    weights = weights or ScoreWeights.current()
    kr_weights = list(idea.key_result_links.values_list("key_result__weight", flat=True))
    return scoring.breakdown(
        value_year=idea.potential_value_year,
        key_result_weights=kr_weights,
        votes=idea.vote_count,
        effort=idea.effort,
        risk=idea.risk,
        weights=weights,
    )


def idea_refresh_score(idea: Idea, weights: ScoreWeights | None = None) -> Idea:
    """Recompute and store the idea's denormalised score."""
    idea.score = idea_breakdown(idea, weights).total
    Idea.objects.filter(pk=idea.pk).update(score=idea.score)
    return idea


def ideas_rescore_all(weights: ScoreWeights | None = None) -> int:
    """Recompute every idea's vote count and score (after the weights change); returns how many
    changed. Reads the raw votes and key-result weights in two grouped queries."""
    weights = weights or ScoreWeights.current()
    kr_weights: dict[int, list] = {}
    for idea_id, weight in IdeaKeyResult.objects.values_list("idea_id", "key_result__weight"):
        kr_weights.setdefault(idea_id, []).append(weight)
    votes = dict(
        IdeaVote.objects.values("idea_id")
        .annotate(n=Sum(Value(1)))
        .values_list("idea_id", "n")
        .order_by()
    )
    changed = []
    fields = ("id", "potential_value_year", "vote_count", "effort", "risk", "score")
    for idea in Idea.objects.only(*fields).iterator(chunk_size=2000):
        count = votes.get(idea.pk, 0)
        score = scoring.breakdown(
            value_year=idea.potential_value_year,
            key_result_weights=kr_weights.get(idea.pk, []),
            votes=count,
            effort=idea.effort,
            risk=idea.risk,
            weights=weights,
        ).total
        if score != idea.score or count != idea.vote_count:
            idea.score, idea.vote_count = score, count
            changed.append(idea)
    Idea.objects.bulk_update(changed, ["score", "vote_count"], batch_size=1000)
    return len(changed)


def idea_refresh_search(idea: Idea) -> None:
    """Store the idea's full-text vector (PostgreSQL only; elsewhere search falls back)."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    Idea.objects.filter(pk=idea.pk).update(
        search_vector=SearchVector(Value(idea.title), weight="A", config="english")
        + SearchVector(Value(idea.process), weight="B", config="english")
        + SearchVector(Value(idea.pain_point), weight="C", config="english")
    )


def _check_key_results(links: list[KeyResultLink]) -> None:
    if len(links) > MAX_KEY_RESULTS:
        raise IdeaStateError(f"Link at most {MAX_KEY_RESULTS} key results.")
    open_ids = set(
        key_results_open_for_ideas()
        .filter(pk__in=[link.key_result.pk for link in links])
        .values_list("pk", flat=True)
    )
    for link in links:
        if link.key_result.pk not in open_ids:
            raise IdeaStateError(
                f"“{link.key_result}” is not a key result of an active plan: pick another."
            )
    if len({link.key_result.pk for link in links}) != len(links):
        raise IdeaStateError(_("The same key result is picked twice."))


@transaction.atomic
def idea_save(
    *,
    idea: Idea,
    actor: User,
    data: dict,
    key_results: list[KeyResultLink] | None = None,
    submit: bool = False,
) -> Idea:
    """Create or change an idea from validated data, estimate its potential value, relink its
    key results (when given) and, with `submit`, move a draft into the backlog. Raises
    IdeaStateError for a key result outside the active plans; nothing is saved then."""
    created = idea.pk is None
    if key_results is not None:
        _check_key_results(key_results)
    for name, value in data.items():
        setattr(idea, name, value)
    if created:
        idea.author = actor
    if submit and idea.status == Idea.Status.DRAFT:
        idea.status = Idea.Status.NEW
        idea.submitted_at = timezone.now()
    idea_estimate(idea)
    idea.full_clean(exclude=["author", "search_vector"])
    idea.save()
    if key_results is not None:
        idea.key_result_links.all().delete()
        IdeaKeyResult.objects.bulk_create(
            [IdeaKeyResult(idea=idea, key_result=k.key_result, how=k.how) for k in key_results]
        )
    idea_refresh_score(idea)
    idea_refresh_search(idea)
    verb = "idea_created" if created else "idea_changed"
    audit_record(actor=actor, verb=verb, target=idea, status=idea.status)
    return idea


@transaction.atomic
def idea_vote(*, idea: Idea, user: User) -> tuple[Idea, bool]:
    """Add `user`'s vote (at most one: a second vote changes nothing and returns False). The
    idea row is locked, so concurrent votes on one idea count one after another. Raises
    IdeaStateError on a draft or declined idea."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if not idea.is_open_for_votes:
        raise IdeaStatusError(_("Votes are closed on a draft or declined idea."))
    try:
        with transaction.atomic():
            IdeaVote.objects.create(idea=idea, user=user)
        added = True
    except IntegrityError:
        added = False  # already voted: one vote counts
    if added:
        idea.vote_count = idea.votes.count()
        Idea.objects.filter(pk=idea.pk).update(vote_count=idea.vote_count)
        idea_refresh_score(idea)
    return idea, added


@transaction.atomic
def idea_unvote(*, idea: Idea, user: User) -> tuple[Idea, bool]:
    """Withdraw `user`'s vote; False when there was none."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    removed, _ = IdeaVote.objects.filter(idea=idea, user=user).delete()
    if removed:
        idea.vote_count = idea.votes.count()
        Idea.objects.filter(pk=idea.pk).update(vote_count=idea.vote_count)
        idea_refresh_score(idea)
    return idea, bool(removed)


@transaction.atomic
def idea_comment(*, idea: Idea, author: User, body: str) -> IdeaComment:
    """Add a comment (Markdown, sanitised when shown). Not on drafts."""
    if idea.is_draft:
        raise IdeaStatusError(_("Submit the idea before it can be discussed."))
    comment = IdeaComment(idea=idea, author=author, body=body.strip())
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def idea_review(*, idea: Idea, actor: User, effort: str, risk: int) -> Idea:
    """The CoE's estimate of effort and risk; a new idea moves to "under review"."""
    if idea.status in (Idea.Status.DRAFT, Idea.Status.DECLINED, Idea.Status.DELIVERED):
        raise IdeaStatusError(_("Only submitted ideas still open can be scored."))
    idea.effort, idea.risk = effort, risk
    if idea.status == Idea.Status.NEW:
        idea.status = Idea.Status.UNDER_REVIEW
    idea.save(update_fields=["effort", "risk", "status", "updated_at"])
    idea_refresh_score(idea)
    audit_record(actor=actor, verb="idea_scored", target=idea, effort=effort, risk=risk)
    return idea


@transaction.atomic
def idea_decline(*, idea: Idea, actor: User, reason: str) -> Idea:
    """Decline an idea with a reason the author sees; its votes close."""
    if idea.status not in (Idea.Status.NEW, Idea.Status.UNDER_REVIEW):
        raise IdeaStatusError(_("Only new ideas or ideas under review can be declined."))
    if not reason.strip():
        raise IdeaStateError(_("Give the reason for declining."))
    idea.status, idea.decline_reason, idea.decided_at = (
        Idea.Status.DECLINED,
        reason.strip(),
        timezone.now(),
    )
    idea.save(update_fields=["status", "decline_reason", "decided_at", "updated_at"])
    audit_record(actor=actor, verb="idea_declined", target=idea, reason=idea.decline_reason)
    return idea


@transaction.atomic
def idea_accept(*, idea: Idea, actor: User, kind: str, owner: User | None = None) -> Idea:
    """Accept an idea: create its solution in `value` (status in development, owned by `owner`
    or the author) with the idea's projected value a month, and link the two. Safe to run twice:
    the idea row is locked and an idea that has its solution is refused."""
    idea = (
        Idea.objects.select_for_update(of=("self",)).select_related("business_unit").get(pk=idea.pk)
    )
    if idea.solution_id:
        raise IdeaStatusError(_("This idea already has its solution."))
    if idea.status not in (Idea.Status.NEW, Idea.Status.UNDER_REVIEW):
        raise IdeaStatusError(_("Only new ideas or ideas under review can be accepted."))
    solution = solution_save(
        solution=Solution(),
        actor=actor,
        data={
            "name": idea.title[:200],
            "kind": kind,
            "description": f"{idea.process}\n\n{idea.pain_point}"[:5000],
            "business_unit": idea.business_unit,
            "owner": owner or idea.author,
            "status": Solution.Status.IN_DEVELOPMENT,
            "projected_monthly_value": (idea.potential_value_year / 12).quantize(Decimal("0.01")),
            "projected_monthly_hours": (idea.potential_hours_year / 12).quantize(Decimal("0.1")),
        },
    )
    idea.solution = solution
    idea.status, idea.decided_at = Idea.Status.ACCEPTED, timezone.now()
    idea.save(update_fields=["solution", "status", "decided_at", "updated_at"])
    audit_record(actor=actor, verb="idea_accepted", target=idea, solution=str(solution.uuid))
    return idea


@transaction.atomic
def idea_advance(*, idea: Idea, actor: User) -> Idea:
    """Move an accepted idea into build, or one in build to delivered once its solution is live;
    the author's badges are checked after commit."""
    from .tasks import badges_award_task  # tasks import the services

    idea = Idea.objects.select_for_update(of=("self",)).select_related("solution").get(pk=idea.pk)
    if idea.status == Idea.Status.ACCEPTED:
        idea.status = Idea.Status.IN_BUILD
    elif idea.status == Idea.Status.IN_BUILD:
        if not idea.solution_id or idea.solution.status != Solution.Status.LIVE:
            raise IdeaStatusError(_("The idea is delivered when its solution is live."))
        idea.status = Idea.Status.DELIVERED
    else:
        raise IdeaStatusError(_("Only accepted ideas or ideas in build move on."))
    idea.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, verb="idea_advanced", target=idea, status=idea.status)
    enqueue_on_commit(badges_award_task, idea.author_id)
    return idea


@transaction.atomic
def weights_save(*, actor: User, data: dict) -> ScoreWeights:
    """Change the score weights and rescore every idea."""
    weights = ScoreWeights.current()
    for name, value in data.items():
        setattr(weights, name, value)
    weights.full_clean()
    weights.save()
    changed = ideas_rescore_all(weights)
    audit_record(actor=actor, verb="idea_weights_changed", target=weights, rescored=changed)
    return weights


# Makers recognised ---------------------------------------------------------------------------


def profile_shown(user: User) -> MakerProfile:
    """The person's profile as stored, or an empty one that is not (a read writes nothing)."""
    profile = MakerProfile.objects.filter(user=user).select_related("user").first()
    return profile or MakerProfile(user=user)


def profile_for(user: User) -> MakerProfile:
    """The person's profile, created empty on first use (a race creates it once: unique user)."""
    profile, _created = MakerProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_save(*, profile: MakerProfile, actor: User, data: dict) -> MakerProfile:
    """Change what a maker lists on their portfolio, and whether other makers may see it."""
    for name, value in data.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    audit_record(actor=actor, verb="profile_changed", target=profile, fields=sorted(data))
    return profile


@transaction.atomic
def badge_rule_save(*, rule: BadgeRule, actor: User, data: dict) -> BadgeRule:
    """Create or change a badge rule; badges already awarded stay."""
    created = rule.pk is None
    for name, value in data.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    verb = "badge_rule_created" if created else "badge_rule_changed"
    audit_record(actor=actor, verb=verb, target=rule, kind=rule.kind)
    return rule


@transaction.atomic
def champion_add(*, user: User, actor: User, note: str = "") -> Champion:
    """List `user` as a champion (again: updates the note)."""
    champion, _created = Champion.objects.update_or_create(
        user=user, defaults={"note": note, "added_by": actor}
    )
    audit_record(actor=actor, verb="champion_added", target=champion)
    return champion


@transaction.atomic
def champion_remove(*, champion: Champion, actor: User) -> None:
    audit_record(actor=actor, verb="champion_removed", target=champion)
    champion.delete()
