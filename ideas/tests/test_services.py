"""Votes, the CoE's decisions, the chain idea → solution → value → stories, and badges."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from config.tests.marks import CONCURRENT_WRITERS
from ideas import services
from ideas.badges import badges_award
from ideas.chain import idea_chain
from ideas.models import Badge, BadgeRule, Idea, IdeaVote
from ideas.services import IdeaStateError, KeyResultLink
from ideas.tasks import badges_award_task
from stories.models import Story
from stories.tests.factories import StoryFactory
from strategy.models import Plan
from strategy.tests.factories import KeyResultFactory
from value.models import Solution
from value.services import value_record_create
from value.tests.factories import UnitCostFactory

from .factories import IdeaFactory

D = Decimal


def test_a_second_vote_counts_once(unit, maker, other_maker):
    idea = IdeaFactory(business_unit=unit, author=maker)
    _, first = services.idea_vote(idea=idea, user=other_maker)
    _, second = services.idea_vote(idea=idea, user=other_maker)
    assert (first, second) == (True, False)
    idea.refresh_from_db()
    assert idea.vote_count == 1 == IdeaVote.objects.filter(idea=idea).count()


def test_votes_on_a_declined_idea_are_refused(unit, maker, other_maker, coe_lead):
    idea = IdeaFactory(business_unit=unit, author=maker)
    services.idea_decline(idea=idea, actor=coe_lead, reason="Already covered by the ERP project.")
    with pytest.raises(IdeaStateError, match="declined"):
        services.idea_vote(idea=idea, user=other_maker)
    assert not IdeaVote.objects.exists()


def test_declining_needs_a_reason(unit, maker, coe_lead):
    idea = IdeaFactory(business_unit=unit, author=maker)
    with pytest.raises(IdeaStateError):
        services.idea_decline(idea=idea, actor=coe_lead, reason="  ")
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.NEW


def test_a_key_result_of_a_closed_plan_is_refused_and_nothing_saved(unit, maker):
    closed = KeyResultFactory(objective__plan__status=Plan.Status.CLOSED)
    with pytest.raises(IdeaStateError, match="active plan"):
        services.idea_save(
            idea=Idea(),
            actor=maker,
            data={"title": "T", "process": "P", "pain_point": "X", "business_unit": unit},
            key_results=[KeyResultLink(key_result=closed, how="faster")],
        )
    assert not Idea.objects.exists()


def test_accept_creates_the_solution_with_projected_value_once(unit, maker, coe_lead):
    idea = IdeaFactory(
        business_unit=unit,
        author=maker,
        potential_value_year=D("24000"),
        potential_hours_year=D("600"),
    )
    services.idea_accept(idea=idea, actor=coe_lead, kind=Solution.Kind.CANVAS_APP)
    idea.refresh_from_db()
    solution = idea.solution
    assert idea.status == Idea.Status.ACCEPTED
    assert solution.status == Solution.Status.IN_DEVELOPMENT
    assert solution.owner == maker and solution.business_unit == unit
    assert solution.projected_monthly_value == D("2000.00")
    assert solution.projected_monthly_hours == D("50.0")
    with pytest.raises(IdeaStateError):
        services.idea_accept(idea=idea, actor=coe_lead, kind=Solution.Kind.CANVAS_APP)
    assert Solution.objects.count() == 1


def test_the_chain_compares_realised_with_estimated_value(unit, maker, coe_lead):
    UnitCostFactory(
        business_unit=unit, name="Hour", measure="hour", amount=D("40"), is_staff_hour=True
    )
    idea = IdeaFactory(business_unit=unit, author=maker, potential_value_year=D("12000"))
    services.idea_accept(idea=idea, actor=coe_lead, kind=Solution.Kind.CLOUD_FLOW)
    idea.refresh_from_db()
    with pytest.raises(IdeaStateError, match="live"):
        services.idea_advance(idea=services.idea_advance(idea=idea, actor=coe_lead), actor=coe_lead)
    Solution.objects.filter(pk=idea.solution_id).update(
        status=Solution.Status.LIVE, go_live_on=date(2026, 1, 1)
    )
    # Two months recorded: 20 hours x 40 = 800, and 30 hours x 40 = 1,200 → 2,000 over 2 months
    # = 12,000 a year: 100 % of the estimate.
    for month, hours in ((date(2026, 1, 1), D("20")), (date(2026, 2, 1), D("30"))):
        value_record_create(
            solution=idea.solution,
            month=month,
            actor=coe_lead,
            source="measured",
            hours_saved=hours,
        )
    story = StoryFactory(
        solution=idea.solution,
        author=maker,
        status=Story.Status.PUBLISHED,
        published_at=timezone.now(),
        business_unit=unit,
    )
    services.idea_advance(idea=idea, actor=coe_lead)
    idea.refresh_from_db()
    assert idea.status == Idea.Status.DELIVERED
    chain = idea_chain(idea, maker)
    assert chain.solution == idea.solution
    assert (chain.records, chain.months) == (2, 2)
    assert chain.realised_total == D("2000.00")
    assert chain.realised_year == D("12000.00")
    assert chain.realised_vs_estimate == D("100")
    assert chain.stories == [story]


def test_badges_are_awarded_once_on_retry(unit, maker):
    StoryFactory(
        author=maker, status=Story.Status.PUBLISHED, published_at=timezone.now(), business_unit=unit
    )
    first = badges_award(user=maker)
    assert [b.rule.kind for b in first] == [BadgeRule.Kind.FIRST_STORY]
    assert badges_award_task(maker.pk) == 0  # a retried task awards nothing twice
    assert Badge.objects.filter(user=maker).count() == 1


def test_value_badge_follows_the_coe_threshold(unit, maker, coe_lead):
    solution = Solution.objects.create(
        name="S", kind="canvas_app", business_unit=unit, owner=maker, status="live"
    )
    value_record_create(
        solution=solution,
        month=date(2026, 1, 1),
        actor=coe_lead,
        source="measured",
        other_value=D("9999"),
    )
    rule = BadgeRule.objects.get(kind=BadgeRule.Kind.VALUE_OVER)
    assert rule.threshold == D("10000")
    assert rule.pk not in [b.rule_id for b in badges_award(user=maker)]
    services.badge_rule_save(rule=rule, actor=coe_lead, data={"threshold": D("9999")})
    assert rule.pk in [b.rule_id for b in badges_award(user=maker)]


@CONCURRENT_WRITERS
@pytest.mark.django_db(transaction=True)
def test_badges_are_awarded_once_under_a_race():
    """Two workers check the same person at the same moment: one badge row."""
    from accounts.policy import Role

    maker = UserFactory(username="racer", role=Role.MAKER)
    StoryFactory(
        author=maker,
        status=Story.Status.PUBLISHED,
        published_at=timezone.now(),
        business_unit=maker.business_unit,
    )
    if not BadgeRule.objects.filter(kind="first_story").exists():
        BadgeRule.objects.create(name="First story", kind="first_story")
    barrier, results, errors = threading.Barrier(2), [], []

    def award():
        try:
            barrier.wait()
            results.append(len(badges_award(user=maker)))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=award) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Badge.objects.filter(user=maker, rule__kind="first_story").count() == 1
    assert sorted(results)[-1] >= 1 and sum(results) == Badge.objects.filter(user=maker).count()
