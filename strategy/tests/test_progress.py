"""Progress and status per key-result kind at the start, middle and end of its period and past
its due date. Period: 1 to 11 Jan 2026 (10 days), so 6 Jan is exactly half-way (expected 50 %).
Every expectation below is worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from strategy.progress import (
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
    assert expected_progress(START, DUE, today) == expected


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
    assert kr_progress("increase", 20, 70, current) == progress
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
    assert kr_progress("decrease", 40, 10, current) == progress
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
    assert kr_progress("stay_above", 70, 80, current) == progress
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
    assert kr_progress("stay_below", 8, 5, current) == progress
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
    assert kr_progress("milestone", 0, 1, current) == progress
    assert status("milestone", 0, 1, current, today) == state


def test_objective_progress_is_the_weighted_mean():
    # (50  *  1 + 100  *  3) / 4 = 87.5
    assert weighted_progress([(50, 1), (100, 3)]) == 87.5
    assert weighted_progress([]) is None


def test_plan_progress_is_the_mean_of_objectives_with_key_results():
    # (90 + 50) / 2 = 70; an objective without key results does not count
    assert plan_progress([90, 50, None]) == 70.0
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
