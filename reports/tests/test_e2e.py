"""End to end in a real browser: a CoE lead records value with the calculator, then generates
a report for a past period and finds it listed with its downloads."""

from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from conftest import PASSWORD, pick
from reports import services
from reports.tests.factories import ReportDefinitionFactory
from value.models import ValueRecord
from value.tests.factories import SolutionFactory, UnitCostFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_celery():
    """Run published tasks in the web process, as a worker would, for this test only."""
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def test_coe_lead_calculates_value_and_generates_a_report(
    page, live_server, coe_lead, unit, settings, tmp_path, eager_celery
):
    settings.MEDIA_ROOT = tmp_path
    UnitCostFactory(business_unit=None, name="Staff hour", amount=Decimal("40"), is_staff_hour=True)
    solution = SolutionFactory(name="Invoice approvals", business_unit=unit, go_live_on=None)
    definition = ReportDefinitionFactory(
        name="Monthly ROI", cadence="monthly", period_length="month", recipients=""
    )
    last_month = services.last_complete_period(definition, timezone.localdate())

    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", coe_lead.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("link", name="Value").first.click()
    page.get_by_role("link", name="Calculator").click()

    pick(page, "solution", solution.name)
    page.fill("input[name=month]", f"{last_month[0]:%Y-%m}")
    page.select_option("select[name=method]", "time")
    page.fill("input[name=before]", "12")
    page.fill("input[name=after]", "2")
    page.fill("input[name=volume]", "3000")
    page.get_by_role("button", name="Calculate").click()
    assert page.get_by_test_id("amount").inner_text() == "€20,000.00"
    page.get_by_role("button", name="Save as value record").click()
    page.wait_for_url(f"**{solution.get_absolute_url()}")
    assert "Recorded €20,000.00" in page.locator(".alert-success").inner_text()
    record = ValueRecord.objects.get()
    assert (record.hours_saved, record.amount) == (Decimal("500.0"), Decimal("20000.00"))

    page.get_by_role("link", name="Reports").first.click()
    page.get_by_role("link", name="Monthly ROI").click()
    page.select_option("select[name=period]", f"{last_month[0]:%Y-%m-%d}_{last_month[1]:%Y-%m-%d}")
    page.get_by_role("button", name="Generate now").click()
    row = page.locator("#snapshots tbody tr").first
    assert date_format(last_month[0], "YEAR_MONTH_FORMAT") in row.inner_text()
    assert "Ready" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name="PDF").click()
    assert download.value.path().read_bytes()[:4] == b"%PDF"
    page.get_by_role("link", name=date_format(last_month[0], "YEAR_MONTH_FORMAT")).click()
    assert "20,000.00" in page.locator(".report-body").inner_text()
