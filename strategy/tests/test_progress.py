"""Progress and status per key-result kind at the start, middle and end of its period and past
its due date. Period: 1 to 11 Jan 2026 (10 days), so 6 Jan is exactly half-way (expected 50 %).
Every expectation below is worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from config.numbers import display_float, percent_text, round_half_up
from strategy.progress import (
    NO_CHECK_IN,
    awaiting_check_in,
    expected_progress,
    kpi_status,
    kr_progress,
    kr_status,
    plan_progress,
    weighted_progress,
)

START, DUE = date(2026, 1, 1), date(2026, 1, 11)
MIDDLE, DAY_9, PAST = date(2026, 1, 6), date(2026, 1, 9), date(2026, 1, 12)


def status(kind, baseline, target, current, today):
    return kr_status(kind, kr_progress(kind, baseline, target, current), START, DUE, today)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 12, 1), 0.0),
        (START, 0.0),
        (MIDDLE, 50.0),
        (DAY_9, 80.0),
        (DUE, 100.0),
        (PAST, 100.0),
    ],
)
def test_expected_progress_is_linear_over_the_dates(today, expected):
    assert display_float(expected_progress(START, DUE, today)) == expected


@pytest.mark.parametrize(
    ("current", "today", "progress", "state"),
    [
        (20, START, 0.0, "on_track"),  # nothing expected yet
        (45, MIDDLE, 50.0, "on_track"),  # (45-20)/(70-20) = 50 %, expected 50 %
        (40, MIDDLE, 40.0, "on_track"),  # 10 points behind: still on track
        (35, MIDDLE, 30.0, "at_risk"),  # 20 points behind
        (30, MIDDLE, 20.0, "off_track"),  # 30 points behind
        (70, DUE, 100.0, "done"),
        (60, DUE, 80.0, "at_risk"),  # 20 points short on the due date
        (60, PAST, 80.0, "off_track"),  # past due and not reached
        (75, PAST, 100.0, "done"),  # overshoot is clamped to 100 %
        (10, MIDDLE, 0.0, "off_track"),  # below the baseline is clamped to 0 %
    ],
)
def test_increase_from_20_to_70(current, today, progress, state):
    assert display_float(kr_progress("increase", 20, 70, current)) == progress
    assert status("increase", 20, 70, current, today) == state


@pytest.mark.parametrize(
    ("current", "today", "progress", "state"),
    [
        (40, START, 0.0, "on_track"),
        (25, MIDDLE, 50.0, "on_track"),  # the example: 40 → 10, now 25 = 50 %
        (31, MIDDLE, 30.0, "at_risk"),  # (40-31)/30 = 30 %, 20 points behind
        (10, DUE, 100.0, "done"),
        (20, PAST, 66.7, "off_track"),  # (40-20)/30 = 66.67 %
        (45, MIDDLE, 0.0, "off_track"),  # worse than the baseline
    ],
)
def test_decrease_from_40_to_10(current, today, progress, state):
    assert display_float(kr_progress("decrease", 40, 10, current)) == progress
    assert status("decrease", 40, 10, current, today) == state


@pytest.mark.parametrize(
    ("current", "today", "progress", "state"),
    [
        (85, START, 100.0, "on_track"),
        (80, MIDDLE, 100.0, "on_track"),  # exactly at the floor counts as met
        (79, MIDDLE, 0.0, "off_track"),
        (85, DUE, 100.0, "on_track"),  # the due day itself is not past due
        (85, PAST, 100.0, "done"),  # held until the end
        (79, PAST, 0.0, "off_track"),
    ],
)
def test_stay_above_80(current, today, progress, state):
    assert display_float(kr_progress("stay_above", 70, 80, current)) == progress
    assert status("stay_above", 70, 80, current, today) == state


@pytest.mark.parametrize(
    ("current", "today", "progress", "state"),
    [
        (3, START, 100.0, "on_track"),
        (5, MIDDLE, 100.0, "on_track"),
        (6, MIDDLE, 0.0, "off_track"),
        (4, DUE, 100.0, "on_track"),
        (4, PAST, 100.0, "done"),
        (9, PAST, 0.0, "off_track"),
    ],
)
def test_stay_below_5(current, today, progress, state):
    assert display_float(kr_progress("stay_below", 8, 5, current)) == progress
    assert status("stay_below", 8, 5, current, today) == state


@pytest.mark.parametrize(
    ("current", "today", "progress", "state"),
    [
        (0, START, 0.0, "on_track"),
        (0, MIDDLE, 0.0, "on_track"),  # expected 50 % < 75 %
        (0, DAY_9, 0.0, "at_risk"),  # expected 80 %: last quarter, still open
        (0, DUE, 0.0, "at_risk"),
        (1, MIDDLE, 100.0, "done"),
        (0, PAST, 0.0, "off_track"),
        (1, PAST, 100.0, "done"),
    ],
)
def test_milestone(current, today, progress, state):
    assert display_float(kr_progress("milestone", 0, 1, current)) == progress
    assert status("milestone", 0, 1, current, today) == state


def test_objective_progress_is_the_weighted_mean():
    # (50  *  1 + 100  *  3) / 4 = 87.5
    assert weighted_progress([(50, 1), (100, 3)]) == 87.5
    assert weighted_progress([]) is None


def test_plan_progress_is_the_mean_of_objectives_with_key_results():
    # (90 + 50) / 2 = 70; an objective without key results does not count
    assert plan_progress([90, 50, None]) == 70
    assert plan_progress([None]) is None


def test_equal_target_and_baseline_does_not_divide_by_zero():
    assert kr_progress("increase", 5, 5, 5) == 100.0
    assert kr_progress("increase", 5, 5, 4) == 0.0


@pytest.mark.parametrize(
    ("direction", "target", "value", "expected"),
    [
        ("higher", 40, 40, "on_track"),  # meeting the target exactly is enough
        ("higher", 40, 39, "off_track"),
        ("lower", 12000, 11650, "on_track"),
        ("lower", 12000, 12000.01, "off_track"),
        ("higher", None, 50, None),  # a KPI you only watch
        ("higher", 40, None, None),  # not measured yet
    ],
)
def test_kpi_status(direction, target, value, expected):
    value = None if value is None else Decimal(str(value))
    assert kpi_status(direction, target, value) == expected


@pytest.mark.parametrize("kind", ["increase", "decrease", "stay_above", "stay_below", "milestone"])
@pytest.mark.parametrize("today", [START, MIDDLE, PAST])
def test_a_key_result_without_a_value_has_no_progress_and_its_own_status(kind, today):
    # An "increase" used to read 0 % (off track mid-way) and a "stay below" with an empty
    # baseline 100 % (on track) before a single check-in.
    assert kr_progress(kind, 0, 5, None) is None
    assert kr_progress(kind, None, 5, None) is None
    assert status(kind, 0, 5, None, today) == NO_CHECK_IN


def test_objective_progress_leaves_out_key_results_without_a_value():
    # 40 % (weight 1) and 70 % (weight 2) checked in, one weight-3 key result not yet:
    # (40 * 1 + 70 * 2) / 3 = 60; counting the empty one as 0 would give 30.
    pairs = [(Decimal(40), 1), (Decimal(70), 2), (None, 3)]
    assert weighted_progress(pairs) == 60
    assert awaiting_check_in(p for p, _ in pairs) == 1
    assert weighted_progress([(None, 1), (None, 2)]) is None


def test_progress_is_exact_and_rounded_once_half_up():
    # increase 0 → 80, now 25: 31.25 %, which half-to-even rounding showed as 31.2.
    assert kr_progress("increase", 0, 80, 25) == Decimal("31.25")
    assert percent_text(kr_progress("increase", 0, 80, 25)) == "31.3 %"
    # Objectives at 31.25 and 56.25 average 43.75 → 43.8; from rounded 31.3 and 56.3 (or the
    # half-even 31.2 and 56.2) the plan would read 43.8 only by chance (43.7 before).
    objectives = [kr_progress("increase", 0, 80, 25), kr_progress("increase", 0, 80, 45)]
    assert objectives == [Decimal("31.25"), Decimal("56.25")]
    assert plan_progress(objectives) == Decimal("43.75")
    assert percent_text(plan_progress(objectives)) == "43.8 %"
    # Mean of exact thirds: 1/3 and 2/3 of the way give exactly 50, not 33.3 + 66.7 = 50.0 by luck.
    thirds = [kr_progress("increase", 0, 3, 1), kr_progress("increase", 0, 3, 2)]
    assert percent_text(plan_progress(thirds)) == "50.0 %"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("31.25"), "31.3 %"),
        (43.75, "43.8 %"),
        (Decimal("-0.04"), "0.0 %"),  # never "-0.0 %"
        (-0.05, "-0.1 %"),
        (Decimal("-31.25"), "-31.3 %"),  # half away from zero
        (None, "—"),
    ],
)
def test_percent_text_rounds_half_up_without_negative_zero(value, text):
    assert percent_text(value) == text
    assert str(round_half_up(value)) + " %" == text or value is None


@pytest.mark.django_db
def test_progress_by_plan_equals_each_plans_own_progress_on_random_data():
    """Random plans: objectives with and without key results, every kind, some not checked in,
    weights of 1 to 3, one deleted key result. The plan list's one-read progress equals
    Plan.progress() for each plan (a plan with nothing checked in: None)."""
    import random

    from strategy.models import KeyResult, Plan
    from strategy.tests.factories import KeyResultFactory, ObjectiveFactory, PlanFactory

    rng = random.Random(41)
    plans = [PlanFactory() for _ in range(6)]
    for plan in plans[1:]:
        for _ in range(rng.randint(1, 4)):
            objective = ObjectiveFactory(plan=plan)
            for _ in range(rng.randint(0, 4)):
                kind = rng.choice(KeyResult.Kind.values)
                KeyResultFactory(
                    objective=objective,
                    kind=kind,
                    baseline=0 if kind == "milestone" else rng.choice([0, 10, 50]),
                    target=1 if kind == "milestone" else rng.choice([40, 100, 200]),
                    current=rng.choice([None, 0, 1, 25, 60, 150]),
                    weight=rng.randint(1, 3),
                )
    deleted = KeyResult.objects.order_by("?").first()
    KeyResult.objects.filter(pk=deleted.pk).update(current=100, deleted_at="2026-02-01T00:00Z")
    got = KeyResult.objects.alive().progress_by_plan([plan.pk for plan in plans])
    expected = {plan.pk: Plan.objects.get(pk=plan.pk).progress() for plan in plans}
    assert got == expected
    assert got[plans[0].pk] is None
    assert sum(value is not None for value in got.values()) >= 3
