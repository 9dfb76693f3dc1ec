"""The reports, the executive dashboard and the value overview in German: the words come from
the German catalogue, money and dates follow the German formats (the catalogue is compiled by the
build, as for every page)."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from reports import exports, services
from reports.templatetags.report_tags import as_date, trend_label

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request in German leaves German active in the test's thread: restore the default so
    the tests after these read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _german_roi(definition):
    with translation.override("de"):
        data = services.report_data(definition, *Q1)
        return data, services.render_html(data), date_format(Q1[0], "DATE_FORMAT")


def test_roi_report_reads_in_german_with_german_money_and_dates(definition, roi_data):
    _data, html, first_day = _german_roi(definition)
    assert '<html lang="de">' in html
    assert "Gelieferter Wert" in html and "Nettowert" in html and "Verlauf nach Monat" in html
    # Value 3,010 against a cost of 5,600 (5,000 build + 3 x 200 running): net -2,590.
    assert re.search(r"3\.010,00\s€", html)
    assert re.search(r"5\.600,00\s€", html)
    assert re.search(r"-2\.590,00\s€", html)
    # Dates in the German named format, never the ISO text of the frozen data.
    assert first_day in html and "2026-01-01" not in html
    assert "Jan. 2026" in html  # the first month of the trend table (YEAR_MONTH_FORMAT)


def test_csv_headers_follow_the_language_and_stay_keys_in_english(definition, roi_data):
    data, _html, _day = _german_roi(definition)
    with translation.override("de"):
        german = exports.report_csv(data).decode("utf-8-sig").splitlines()[0]
    with translation.override("en-gb"):
        english = exports.report_csv(data).decode("utf-8-sig").splitlines()[0]
    # German spreadsheets expect ";" between columns (the decimal mark is a comma).
    assert german.startswith("Abschnitt;Name;Wert;Stunden;Kosten;Entwicklungskosten")
    assert english.startswith("section,name,value,hours,cost,build_cost")


def test_dashboard_follows_the_browser_language_and_caches_each_language_apart(client, executive):
    client.force_login(executive)
    url = reverse("dashboard:dashboard")
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Management-Dashboard" in german and "Dieses Quartal" in german
    assert "Gesamte Organisation" in german
    # The figures of the same scope and period are cached; the English page keeps English words.
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en-gb").content.decode()
    assert "Executive dashboard" in english and "This quarter" in english
    assert "Gesamte Organisation" not in english


def test_value_overview_in_german(client, executive):
    client.force_login(executive)
    page = client.get(reverse("value:overview"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Wert und ROI" in page and "Wert nach Quelle" in page
    assert ">Bis<" in page or "Bis\n" in page  # the period's end, not the e-mail "To"


def test_frozen_iso_dates_and_trends_are_read_back_for_display():
    assert as_date("2026-02-28") == date(2026, 2, 28)
    assert as_date("2026-12-02T11:51:00+00:00").hour == 11
    assert as_date("not a date") == "not a date" and as_date(None) is None
    with translation.override("de"):
        assert trend_label("better") == "besser" and trend_label("worse") == "schlechter"
    assert trend_label("") == "—"
