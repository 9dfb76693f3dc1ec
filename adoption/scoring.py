"""Scoring rules of the assessment (documented with a worked example in README.md).

- An area's score is the mean of the levels of its answered questions (“not sure” and open
  questions do not count), kept unrounded for trends and charts.
- An area's level is that mean rounded *down* to the hundred: a level counts as reached only
  when the practices behind it are in place, so 380 is still level 300.
- An area needs at least half of its questions answered; otherwise it has no level
  ("insufficient data").
- The overall level is the mean of the area levels (areas with a level only), rounded down to
  the hundred. The weakest area is the one with the lowest score.

All arithmetic on levels is done in integers, so rounding down never suffers from float error.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from maturity.models import Area


@dataclass(frozen=True)
class AreaScore:
    area: Area
    total: int  # questions of the area in this assessment
    answered: int  # questions with a level chosen
    unsure: int  # questions answered “not sure”
    level_sum: int

    @property
    def mean(self) -> float | None:
        """The unrounded score, 100.0 to 500.0, or None when nothing was answered."""
        return self.level_sum / self.answered if self.answered else None

    @property
    def is_sufficient(self) -> bool:
        return self.total > 0 and self.answered * 2 >= self.total

    @property
    def level(self) -> int | None:
        """The reached level, or None for insufficient data."""
        if not self.is_sufficient:
            return None
        return self.level_sum // (self.answered * 100) * 100

    @property
    def share_answered(self) -> float:
        return self.answered / self.total if self.total else 0.0


@dataclass(frozen=True)
class AssessmentScore:
    areas: list[AreaScore]

    @property
    def total(self) -> int:
        return sum(a.total for a in self.areas)

    @property
    def answered(self) -> int:
        return sum(a.answered for a in self.areas)

    @property
    def unsure(self) -> int:
        return sum(a.unsure for a in self.areas)

    @property
    def share_answered(self) -> float:
        return self.answered / self.total if self.total else 0.0

    @property
    def scored_areas(self) -> list[AreaScore]:
        return [a for a in self.areas if a.level is not None]

    @property
    def overall_mean(self) -> float | None:
        """Mean of the area levels, unrounded."""
        levels = [a.level for a in self.scored_areas]
        return sum(levels) / len(levels) if levels else None

    @property
    def overall_level(self) -> int | None:
        levels = [a.level for a in self.scored_areas]
        if not levels:
            return None
        return sum(levels) // (len(levels) * 100) * 100

    @property
    def weakest(self) -> AreaScore | None:
        scored = self.scored_areas
        return min(scored, key=lambda a: (a.mean, a.area.order)) if scored else None

    def for_area(self, area_key: str) -> AreaScore | None:
        return next((a for a in self.areas if a.area.key == area_key), None)


def score_answers(answers: Iterable) -> AssessmentScore:
    """Score answers (objects with `.area`, `.level` and `.is_unsure`), grouped by area in the
    areas' order. Reads no database rows beyond what the answers carry."""
    totals: dict[int, list] = {}
    for answer in answers:
        entry = totals.setdefault(answer.area.pk, [answer.area, 0, 0, 0, 0])
        entry[1] += 1
        if answer.level is not None:
            entry[2] += 1
            entry[4] += answer.level
        elif answer.is_unsure:
            entry[3] += 1
    areas = [
        AreaScore(area=area, total=total, answered=answered, unsure=unsure, level_sum=level_sum)
        for area, total, answered, unsure, level_sum in totals.values()
    ]
    areas.sort(key=lambda a: (a.area.order, a.area.name))
    return AssessmentScore(areas=areas)
