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
- a key result without a value (no check-in yet) has no progress and the status "no check-in
  yet": never on or off track, counted apart. Its baseline is where it starts, not a result.

Weighing (also in the README): an objective's progress is the weighted mean over its key results
that have a value; key results awaiting their first check-in are left out (and counted apart), so
an objective none of whose key results has been checked in has no progress yet. A plan's progress
is the plain mean of its objectives that have a progress. Every figure here is exact (Decimal);
pages, files and the API round it once, half-up, for display (config.numbers).
"""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

ON_TRACK, AT_RISK, OFF_TRACK, DONE = "on_track", "at_risk", "off_track", "done"
NO_CHECK_IN = "no_check_in"
STATUS_LABELS = {
    ON_TRACK: _("On track"),
    AT_RISK: _("At risk"),
    OFF_TRACK: _("Off track"),
    DONE: _("Done"),
    NO_CHECK_IN: _("No check-in yet"),
}
# Bootstrap colour per status, for badges and progress bars.
STATUS_COLOURS = {
    ON_TRACK: "success",
    AT_RISK: "warning",
    OFF_TRACK: "danger",
    DONE: "primary",
    NO_CHECK_IN: "secondary",
}
HUNDRED = Decimal(100)

ON_TRACK_GAP = 10  # points behind the expected progress still counted as on track
AT_RISK_GAP = 25  # points behind the expected progress still counted as at risk
MILESTONE_RISK_FROM = 75  # expected progress from which an open milestone is at risk


def kr_progress(kind: str, baseline, target, current) -> Decimal | None:
    """Exact progress of a key result in percent, 0-100; None without a value (no check-in yet).

    increase/decrease: the share of the way from baseline to target (a decrease from 40 to 10
    now at 25 is 50 %), clamped to 0-100; stay_above/stay_below: 100 when the current value meets
    the target, else 0; milestone: 100 once the value is 1 (done), else 0."""
    if current is None:
        return None
    baseline, target, current = Decimal(baseline or 0), Decimal(target), Decimal(current)
    if kind == "stay_above":
        return HUNDRED if current >= target else Decimal(0)
    if kind == "stay_below":
        return HUNDRED if current <= target else Decimal(0)
    if kind == "milestone":
        return HUNDRED if current >= 1 else Decimal(0)
    span = target - baseline
    if span == 0:  # forms refuse this; an imported row must still not divide by zero
        return HUNDRED if current == target else Decimal(0)
    share = (current - baseline) / span
    return min(max(share, Decimal(0)), Decimal(1)) * HUNDRED


def expected_progress(starts_on: date, due_on: date, today: date) -> Decimal:
    """Where a key result should be today if it moved linearly from start to due date (0-100)."""
    if today <= starts_on:
        return Decimal(0)
    if today >= due_on:
        return HUNDRED
    return Decimal((today - starts_on).days) / Decimal((due_on - starts_on).days) * HUNDRED


def kr_status(kind: str, progress, starts_on: date, due_on: date, today: date) -> str:
    """on_track / at_risk / off_track / done / no_check_in, by the rules in this module's
    docstring; `progress` is kr_progress's exact figure (None: no check-in yet)."""
    if progress is None:
        return NO_CHECK_IN
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


def weighted_progress(pairs) -> Decimal | None:
    """Exact weighted mean of (progress, weight) pairs, leaving out key results without a value
    (progress None); None when none has one."""
    pairs = [(Decimal(p), Decimal(w)) for p, w in pairs if p is not None and w and w > 0]
    total = sum(w for _, w in pairs)
    if not total:
        return None
    return sum(p * w for p, w in pairs) / total


def awaiting_check_in(progresses) -> int:
    """How many of these key-result progress figures wait for a first check-in."""
    return sum(1 for p in progresses if p is None)


def plan_progress(objective_progress) -> Decimal | None:
    """Exact plain mean of the objectives' exact progress, skipping objectives without one."""
    values = [Decimal(p) for p in objective_progress if p is not None]
    if not values:
        return None
    return sum(values) / len(values)


def kpi_status(direction: str, target, value) -> str | None:
    """A KPI's status by the rule in this module's docstring (direction "higher" or "lower")."""
    if target is None or value is None:
        return None
    kind = "stay_above" if direction == "higher" else "stay_below"
    return ON_TRACK if kr_progress(kind, 0, target, value) >= 100 else OFF_TRACK
