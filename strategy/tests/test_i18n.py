"""Figures of key results and KPIs follow the reader's language: grouping and decimal mark."""

from decimal import Decimal

from django.utils import translation

from strategy.models import format_value


def test_figures_use_english_separators_by_default():
    with translation.override("en-gb"):
        assert format_value(Decimal("1234.50"), "number") == "1,234.5"
        assert format_value(Decimal("12.25"), "percent") == "12.25 %"
        assert format_value(Decimal("40"), "hours") == "40 h"
        assert format_value(Decimal("1200"), "currency", "EUR") == "EUR 1,200"
        assert format_value(Decimal("12"), "people") == "12 people"
        assert format_value(Decimal("1"), "people") == "1 person"


def test_figures_use_german_separators_in_german():
    with translation.override("de"):
        assert format_value(Decimal("1234.50"), "number") == "1.234,5"
        assert format_value(Decimal("12.25"), "percent") == "12,25 %"
        assert format_value(Decimal("0.5"), "hours") == "0,5 h"
        assert format_value(Decimal("1000000"), "number") == "1.000.000"


def test_no_figure_reads_as_a_dash():
    assert format_value(None, "number") == "—"
