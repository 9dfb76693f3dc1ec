"""How far a key result has come and whether it is on track: small pure functions, so that the
plan pages, the home panels and the value reports all compute the same figures.

Status thresholds (also in the README):
- increase / decrease: "done" once progress reaches 100 %; past the due date without that, "off
  track"; otherwise compare with the expected progress (linear from the start date to the due
  date): at most 10 points behind is "on track", 10-25 points behind "at risk", more "off track".
- milestone: "done" once done; past due "off track"; not done in the last quarter of its period
  (expected progress at least 75 %) "at risk"; before that "on track".
- stay above / stay below: met and past the due date "done"; met "on track"; not met "off track".
- a KPI with a target: "on track" while its latest value meets it (at least the target when higher
  is better, at most when lower is), else "off track"; no status without a target or a value.
"""

from datetime import date
from decimal import Decimal

ON_TRACK, AT_RISK, OFF_TRACK, DONE = "on_track", "at_risk", "off_track", "done"
STATUS_LABELS = {ON_TRACK: "On track", AT_RISK: "At risk", OFF_TRACK: "Off track", DONE: "Done"}
# Bootstrap colour per status, for badges and progress bars.
STATUS_COLOURS = {ON_TRACK: "success", AT_RISK: "warning", OFF_TRACK: "danger", DONE: "primary"}

ON_TRACK_GAP = 10  # points behind the expected progress still counted as on track
AT_RISK_GAP = 25  # points behind the expected progress still counted as at risk
MILESTONE_RISK_FROM = 75  # expected progress from which an open milestone is at risk


def kr_progress(kind: str, baseline, target, current) -> float:
    """Progress of a key result in percent, 0-100, rounded to one decimal.

    increase/decrease: the share of the way from baseline to target (a decrease from 40 to 10
    now at 25 is 50 %), clamped to 0-100; stay_above/stay_below: 100 when the current value meets
    the target, else 0; milestone: 100 once the value is 1 (done), else 0."""
    baseline, target, current = Decimal(baseline), Decimal(target), Decimal(current)
    if kind == "stay_above":
        return 100.0 if current >= target else 0.0
    if kind == "stay_below":
        return 100.0 if current <= target else 0.0
    if kind == "milestone":
        return 100.0 if current >= 1 else 0.0
    span = target - baseline
    if span == 0:  # forms refuse this; an imported row must still not divide by zero
        return 100.0 if current == target else 0.0
    share = (current - baseline) / span
    return round(float(min(max(share, Decimal(0)), Decimal(1)) * 100), 1)


def expected_progress(starts_on: date, due_on: date, today: date) -> float:
    """Where a key result should be today if it moved linearly from start to due date (0-100)."""
    if today <= starts_on:
        return 0.0
    if today >= due_on:
        return 100.0
    return round((today - starts_on).days / (due_on - starts_on).days * 100, 1)


def kr_status(kind: str, progress: float, starts_on: date, due_on: date, today: date) -> str:
    """on_track / at_risk / off_track / done, by the thresholds in this module's docstring."""
    past_due = today > due_on
    if kind in ("stay_above", "stay_below"):
        if progress < 100:
            return OFF_TRACK
        return DONE if past_due else ON_TRACK
    if progress >= 100:
        return DONE
    if past_due:
        return OFF_TRACK
    expected = expected_progress(starts_on, due_on, today)
    if kind == "milestone":
        return AT_RISK if expected >= MILESTONE_RISK_FROM else ON_TRACK
    gap = expected - progress
    if gap <= ON_TRACK_GAP:
        return ON_TRACK
    if gap <= AT_RISK_GAP:
        return AT_RISK
    return OFF_TRACK


def weighted_progress(pairs) -> float | None:
    """Weighted mean of (progress, weight) pairs; None when there are none (nothing to measure)."""
    pairs = [(float(p), float(w)) for p, w in pairs if p is not None and w and w > 0]
    total = sum(w for _, w in pairs)
    if not total:
        return None
    return round(sum(p * w for p, w in pairs) / total, 1)


def plan_progress(objective_progress) -> float | None:
    """Plain mean of the objectives' progress, skipping objectives without key results."""
    values = [float(p) for p in objective_progress if p is not None]
    if not values:
        return None
    return round(sum(values) / len(values), 1)


def kpi_status(direction: str, target, value) -> str | None:
    """A KPI's status by the rule in this module's docstring (direction "higher" or "lower")."""
    if target is None or value is None:
        return None
    kind = "stay_above" if direction == "higher" else "stay_below"
    return ON_TRACK if kr_progress(kind, 0, target, value) >= 100 else OFF_TRACK
