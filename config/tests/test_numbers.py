"""The one rounding rule of every shown figure (config.numbers), applied where figures are made."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, get_format, time_format

from accounts.models import Organisation
from config.numbers import display_float, money_text, number_text, percent_text, round_half_up
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


# Figures in the active language's format (config/formats): hand-written expectations.
@pytest.mark.parametrize(
    ("language", "value", "number", "percent"),
    [
        ("en-gb", Decimal("1234.56"), "1,234.6", "1,234.6 %"),
        ("de", Decimal("1234.56"), "1.234,6", "1.234,6 %"),
        ("de", Decimal("31.25"), "31,3", "31,3 %"),
        ("en-gb", Decimal("-0.04"), "0.0", "0.0 %"),
        ("de", None, "—", "—"),
    ],
)
def test_numbers_and_percentages_follow_the_language(language, value, number, percent):
    with translation.override(language):
        assert number_text(value) == number
        assert percent_text(value) == percent


@pytest.mark.parametrize(
    ("language", "value", "currency", "expected"),
    [
        ("en-gb", Decimal("1234.5"), "EUR", "€1,234.50"),
        ("de", Decimal("1234.5"), "EUR", "1.234,50 €"),
        ("en-gb", Decimal("-12"), "GBP", "-£12.00"),
        ("de", Decimal("-1234567.891"), "EUR", "-1.234.567,89 €"),
        ("en-gb", Decimal("1234.5"), "CHF", "CHF 1,234.50"),
        ("de", Decimal("1234.5"), "CHF", "1.234,50 CHF"),
        ("de", None, "EUR", "—"),
    ],
)
def test_money_follows_the_language(language, value, currency, expected):
    with translation.override(language):
        assert money_text(value, currency) == expected


def test_money_filter_uses_the_organisations_currency_read_once(db, django_assert_num_queries):
    Organisation.objects.create(pk=1, name="Contoso", currency="USD")
    page = Template(
        "{% load numbers %}{{ a|money }} {{ b|money_whole }} {{ b|money:'GBP' }} "
        "{{ c|one_decimal }}"
    )
    with translation.override("de"), django_assert_num_queries(1):  # the currency, once
        text = page.render(Context({"a": Decimal("1234.5"), "b": 99.5, "c": 1234.25}))
    assert text == "1.234,50 $ 100 $ 99,50 £ 1.234,3"
    organisation = Organisation.objects.get(pk=1)
    organisation.currency = "EUR"
    organisation.save()
    with translation.override("en-gb"):
        assert page.render(Context({"a": 1, "b": 2, "c": None})) == "€1.00 €2 £2.00 —"


def test_named_date_formats_of_both_languages():
    moment = datetime(2026, 12, 2, 15, 23, tzinfo=UTC)
    expected = {
        "en-gb": ("2 Dec 2026", "2 Dec 2026, 15:23", "02/12/2026", "Dec 2026", "2 Dec", "15:23"),
        "de": (
            "2. Dez. 2026",
            "2. Dez. 2026, 15:23",
            "02.12.2026",
            "Dez. 2026",
            "2. Dez.",
            "15:23",
        ),
    }
    names = ("DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "YEAR_MONTH_FORMAT")
    for language, texts in expected.items():
        with translation.override(language):
            shown = [date_format(moment, name) for name in names]
            shown += [date_format(moment, "MONTH_DAY_FORMAT"), time_format(moment, "TIME_FORMAT")]
            assert tuple(shown) == texts
            # <input type="date"> sends ISO dates, in every language.
            assert get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"
