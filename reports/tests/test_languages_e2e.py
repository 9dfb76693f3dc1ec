"""In a real browser: a German-speaking executive's dashboard draws its chart labels in German
formats (Intl.NumberFormat with the page's <html lang>), as the server writes its figures."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Organisation, User
from conftest import PASSWORD
from value import figures
from value.tests.factories import SolutionFactory, ValueRecordFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def _units_chart_labels(page) -> list[str]:
    """What the units chart writes for each bar's value (its tooltip) and for its axis ticks.

    The ticks alone depend on the chart's width (Chart.js picks round steps to fit), so the bar
    values come from the tooltip callback, which formats exactly what a reader hovers over."""
    return page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById('units-chart'));
          const label = chart.options.plugins.tooltip.callbacks.label;
          const bars = chart.data.datasets[0].data.map((raw) => label({ raw }));
          return bars.concat(chart.scales.x.ticks.map((tick) => tick.label));
        }"""
    )


def test_german_executive_sees_chart_numbers_in_german(page, live_server, executive, unit):
    Organisation.current()
    User.objects.filter(pk=executive.pk).update(language="de")
    quarter_start, _ = figures.quarter_of(timezone.localdate())
    solution = SolutionFactory(name="Rechnungen", business_unit=unit, go_live_on=quarter_start)
    ValueRecordFactory(solution=solution, month=quarter_start, amount=Decimal("1200"))

    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", executive.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/dashboard/")
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.evaluate("coeNumbers.money(1234.5, 'EUR')") == f"1.235{NBSP}€"
    assert page.evaluate("Chart.defaults.locale") == "de"
    labels = _units_chart_labels(page)
    assert f"1.200{NBSP}€" in labels, labels
    assert f"0{NBSP}€" in labels, labels  # the axis starts at zero, in the same format

    # Switching to English with the menu: the same chart in English formats.
    page.select_option("#language-switcher-nav", "en-gb")
    page.locator("form.language-switcher button[type=submit]").click()
    page.wait_for_url("**/dashboard/")
    assert page.evaluate("document.documentElement.lang") == "en-gb"
    labels = _units_chart_labels(page)
    assert "€1,200" in labels, labels
    assert "€0" in labels, labels
