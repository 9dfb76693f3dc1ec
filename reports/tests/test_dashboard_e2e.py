"""End to end in a real browser: an executive signs in through the form, opens the dashboard,
drills into a business unit, changes the period, and the figures follow."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Organisation
from accounts.tests.factories import BusinessUnitFactory
from conftest import PASSWORD, pick
from value import figures
from value.tests.factories import SolutionFactory, ValueRecordFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def clear_cache():
    """Earlier tests may have cached this quarter's figures of other data (home pages)."""
    cache.clear()
    yield
    cache.clear()


def test_executive_drills_into_a_unit_and_a_period(page, live_server, executive, unit):
    Organisation.current()
    quarter_start, _ = figures.quarter_of(timezone.localdate())
    year_ago = figures.month_start(quarter_start - timedelta(days=300))
    payables = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    operations = BusinessUnitFactory(name="Operations", slug="operations")
    invoices = SolutionFactory(name="Invoices", business_unit=payables, go_live_on=year_ago)
    rota = SolutionFactory(name="Rota", business_unit=operations, go_live_on=year_ago)
    ValueRecordFactory(solution=invoices, month=quarter_start, amount=Decimal("1200"))
    ValueRecordFactory(solution=invoices, month=year_ago, amount=Decimal("5000"))
    ValueRecordFactory(solution=rota, month=quarter_start, amount=Decimal("800"))

    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", executive.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("link", name="Dashboard").first.click()
    page.wait_for_url("**/dashboard/")
    total = page.get_by_test_id("value-total")
    assert total.inner_text() == "€2,000.00"  # 1,200 + 800 this quarter
    assert page.get_by_test_id("scope").inner_text() == "Whole organisation"
    assert page.locator("#units-chart").is_visible()  # Chart.js drew into the canvas

    pick(page, "unit", "Payables")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**unit=payables**")
    assert page.get_by_test_id("scope").inner_text() == "Payables"
    assert total.inner_text() == "€1,200.00"

    page.select_option("select[name=period]", "all_time")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**period=all_time**")
    assert total.inner_text() == "€6,200.00"  # 1,200 + 5,000 from last year
    assert page.locator("select[name=unit]").input_value() == "payables"

    with page.expect_download() as download:
        page.get_by_role("link", name="Export PDF").click()
    assert download.value.path().read_bytes()[:4] == b"%PDF"
