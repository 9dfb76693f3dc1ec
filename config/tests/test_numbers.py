"""The one rounding rule of every shown figure (config.numbers), applied where figures are made."""

from decimal import Decimal

import pytest

from config.numbers import display_float, percent_text, round_half_up
from stories.models import StoryMetric


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("31.25"), Decimal("0.1"), "31.3"),
        (Decimal("43.75"), Decimal("0.1"), "43.8"),
        (Decimal("-46.25"), Decimal("0.1"), "-46.3"),
        (Decimal("-0.04"), Decimal("0.1"), "0.0"),
        (Decimal("-0.004"), Decimal("0.01"), "0.00"),
        (0.125, Decimal("0.01"), "0.13"),
        (2 / 3, Decimal("0.0001"), "0.6667"),
    ],
)
def test_round_half_up_once_and_never_minus_zero(value, places, expected):
    assert str(round_half_up(value, places)) == expected


def test_none_stays_none_and_reads_as_a_dash():
    assert round_half_up(None) is None and display_float(None) is None
    assert percent_text(None) == "—"
    assert display_float(Decimal("-0.01")) == 0.0 and str(display_float(Decimal("-0.01"))) == "0.0"


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("80", "89.80", "12.3"),  # 12.25 %, which half-to-even wrote 12.2
        ("100", "99.96", "0.0"),  # -0.04 %, which was "-0.0"
        ("30", "5", "-83.3"),
    ],
)
def test_story_metric_change_is_rounded_half_up(before, after, expected):
    metric = StoryMetric(before_value=Decimal(before), after_value=Decimal(after))
    assert str(metric.change_percent) == expected
