"""Potential value and score, worked out by hand."""

from decimal import Decimal

import pytest

from ideas import services
from ideas.models import Idea, ScoreWeights
from strategy.tests.factories import KeyResultFactory
from value.tests.factories import UnitCostFactory

from .factories import IdeaFactory, IdeaVoteFactory

D = Decimal


@pytest.fixture
def hour_rate(unit):
    return UnitCostFactory(
        business_unit=unit, name="Staff hour", measure="hour", amount=D("50"), is_staff_hour=True
    )


def test_potential_value_by_hand(maker, unit, hour_rate):
    # 40 people x 2 a week x 46 weeks = 3,680 times a year; 30 → 5 minutes saves 25 minutes:
    # 3,680 x 25 / 60 = 1,533.33 → 1,533.3 hours x 50 = 76,665.00.
    # Plus 12 errors a year avoided x 300 each = 3,600.00. Total 80,265.00.
    error_cost = UnitCostFactory(business_unit=unit, name="Payment error", amount=D("300"))
    idea = services.idea_save(
        idea=Idea(),
        actor=maker,
        data={
            "title": "Expense claims by app",
            "process": "Expense claims",
            "pain_point": "Paper forms.",
            "business_unit": unit,
            "people_affected": 40,
            "occurrences": 2,
            "period": "week",
            "minutes_now": 30,
            "minutes_after": 5,
            "cost_item": error_cost,
            "items_avoided_per_year": 12,
        },
        submit=True,
    )
    assert idea.potential_hours_year == D("1533.3")
    assert idea.potential_value_year == D("80265.00")
    assert idea.hourly_rate == D("50")
    assert idea.status == Idea.Status.NEW


def test_score_by_hand_with_default_weights(maker, unit, hour_rate):
    # value 80,265 / 10,000 = 8.03 points x 3 = 24.09 (8.0265 rounds to 8.03)
    # fit: two key results of weight 1 and 2.5 = 3.5 points x 2 = 7.00
    # votes: 7 / 5 = 1.40 points x 1 = 1.40
    # effort M = 4 points x 2 = -8.00; risk 2 → 4 points x 1 = -4.00
    # score = 24.09 + 7 + 1.4 - 8 - 4 = 20.49
    idea = IdeaFactory(business_unit=unit, potential_value_year=D("80265"), effort="m", risk=2)
    for weight in (D("1"), D("2.5")):
        idea.key_result_links.create(key_result=KeyResultFactory(weight=weight))
    IdeaVoteFactory.create_batch(7, idea=idea)
    idea.vote_count = 7
    breakdown = services.idea_breakdown(idea)
    assert [p.contribution for p in breakdown.parts] == [
        D("24.09"),
        D("7.00"),
        D("1.40"),
        D("-8.00"),
        D("-4.00"),
    ]
    assert breakdown.total == D("20.49")


def test_each_part_is_capped_at_ten_points(unit):
    idea = IdeaFactory(business_unit=unit, potential_value_year=D("5000000"))
    idea.vote_count = 1000
    parts = {p.key: p.points for p in services.idea_breakdown(idea).parts}
    assert parts["value"] == D("10.00")
    assert parts["votes"] == D("10.00")


def test_stored_score_and_votes_match_the_raw_computation(unit, maker, coe_lead):
    """The denormalised vote count and score kept by the services equal a fresh computation
    from the raw votes and key results, also after the weights change."""
    ideas = [IdeaFactory(business_unit=unit, potential_value_year=D(v)) for v in (0, 12000, 90000)]
    ideas[1].key_result_links.create(key_result=KeyResultFactory(weight=D("3")))
    from accounts.tests.factories import UserFactory

    voters = UserFactory.create_batch(6)
    for i, idea in enumerate(ideas):
        for voter in voters[: i * 3]:
            services.idea_vote(idea=idea, user=voter)
    services.idea_review(idea=ideas[2], actor=coe_lead, effort="l", risk=1)
    services.weights_save(actor=coe_lead, data={"votes": D("4"), "value": D("1")})
    weights = ScoreWeights.current()
    for idea in Idea.objects.all():
        raw_votes = idea.votes.count()
        assert idea.vote_count == raw_votes
        fresh = services.idea_breakdown(idea, weights).total
        assert idea.score == fresh
    assert Idea.objects.get(pk=ideas[2].pk).vote_count == 6
