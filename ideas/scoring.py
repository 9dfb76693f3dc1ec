"""The potential value of an idea and its backlog score: pure arithmetic, no database.

Potential value goes through value.calculator, the same arithmetic as every value record:
- time: (minutes now - minutes after) x occurrences a year (per person x periods a year x people)
  ÷ 60 = hours a year, valued at the unit's staff-hour rate from the cost library;
- things avoided: items avoided a year x (1 before - 0 after) x the cost of one from the library.

The score (each part capped at 10 points, then weighted by the CoE's weights):
    score = w_value x min(value a year ÷ value per point, 10)
          + w_fit   x min(sum of the weights of the linked key results, 10)
          + w_votes x min(votes ÷ votes per point, 10)
          - w_effort x effort points (XS 1, S 2, M 4, L 7, XL 10; none yet: 0)
          - w_risk  x risk x 2 (risk 0-5)
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_noop

from value import calculator

CAP = Decimal("10")
EFFORT_POINTS = {"": 0, "xs": 1, "s": 2, "m": 4, "l": 7, "xl": 10}
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Estimate:
    hours_year: Decimal
    value_year: Decimal
    hourly_rate: Decimal


def estimate(
    *,
    minutes_now: int,
    minutes_after: int,
    occurrences_per_year: int,
    hourly_rate: Decimal,
    items_avoided_per_year: int = 0,
    item_cost: Decimal | None = None,
) -> Estimate:
    """Hours and money a year the idea would save (see the module docstring)."""
    time = calculator.time_saved(
        before_minutes=Decimal(minutes_now),
        after_minutes=Decimal(minutes_after),
        volume=Decimal(occurrences_per_year),
        hourly_rate=hourly_rate,
    )
    value = time.amount
    if items_avoided_per_year and item_cost:
        avoided = calculator.cost_reduced(
            before=Decimal(1),
            after=Decimal(0),
            volume=Decimal(items_avoided_per_year),
            unit_cost=item_cost,
            hourly_rate=hourly_rate,
        )
        value += avoided.amount
    return Estimate(hours_year=time.hours_saved, value_year=value, hourly_rate=hourly_rate)


@dataclass(frozen=True)
class Part:
    key: str
    label: str
    points: Decimal  # 0-10 before weighting
    weight: Decimal
    sign: int  # +1 adds to the score, -1 takes away

    @property
    def contribution(self) -> Decimal:
        value = (self.sign * self.points * self.weight).quantize(TWO_PLACES, ROUND_HALF_UP)
        return value if value else abs(value)  # never "-0.00"


@dataclass(frozen=True)
class Breakdown:
    parts: list[Part]

    @property
    def total(self) -> Decimal:
        return sum((p.contribution for p in self.parts), Decimal("0.00"))


def _capped(value: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), CAP).quantize(TWO_PLACES, ROUND_HALF_UP)


def breakdown(
    *,
    value_year: Decimal,
    key_result_weights: list[Decimal],
    votes: int,
    effort: str,
    risk: int,
    weights,
) -> Breakdown:
    """The parts of an idea's score with the weights in `weights` (a ScoreWeights)."""
    return Breakdown(
        parts=[
            Part(
                "value",
                gettext_noop("Potential value"),
                _capped(Decimal(value_year) / weights.value_per_point),
                weights.value,
                1,
            ),
            Part(
                "fit",
                gettext_noop("Strategic fit"),
                _capped(sum(key_result_weights, Decimal(0))),
                weights.fit,
                1,
            ),
            Part(
                "votes",
                gettext_noop("Votes"),
                _capped(Decimal(votes) / weights.votes_per_point),
                weights.votes,
                1,
            ),
            Part(
                "effort", gettext_noop("Effort"), Decimal(EFFORT_POINTS[effort]), weights.effort, -1
            ),
            Part("risk", gettext_noop("Risk"), Decimal(risk * 2), weights.risk, -1),
        ]
    )
