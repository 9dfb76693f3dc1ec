"""In a real browser, with a real Celery worker: upload → preview → confirm → progress → catalog."""

import pytest

from conftest import PASSWORD
from stories.tests.test_worker import worker  # noqa: F401 - the real worker fixture

from .files import FLOW, resource, template_csv

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_upload_preview_confirm_progress_catalog(browser, live_server, coe_lead, worker, tmp_path):  # noqa: F811
    path = tmp_path / "inventory.csv"
    path.write_bytes(
        template_csv(
            [
                resource("r1", "Expense Report App"),
                resource("r2", "Expense report app (copy)"),
                resource("f1", "Notify approvers", kind=FLOW),
            ]
        )
    )
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", coe_lead.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/inventory/runs/new/")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-preview")
    # The worker previews; the progress panel polls and reloads the page when it is done.
    page.wait_for_selector("#confirm-import", timeout=30_000)
    assert page.inner_text("#run-counts").split()[:2] == ["New", "3"]
    page.screenshot(path=str(tmp_path / "preview.png"))
    page.click("#confirm-import")
    page.wait_for_selector("text=3 rows written.", timeout=30_000)
    assert "Imported" in page.inner_text("#run-progress")

    page.goto(f"{live_server.url}/inventory/catalog/?q=expense")
    rows = page.inner_text("#catalog")
    assert "Expense Report App" in rows and "near-duplicate" in rows
    assert "Notify approvers" not in rows


@pytest.mark.django_db(transaction=True)
def test_a_mapping_rule_is_changed_in_place_on_a_phone(browser, live_server, coe_lead):
    from inventory.models import Environment, MappingRule

    Environment.objects.create(environment_id="e1", name="Finance Prod", group_name="Finance")
    Environment.objects.create(environment_id="e2", name="Finance Dev", group_name="Finance")
    rule = MappingRule.objects.create(
        match_on="environment_id", value="e1", business_unit=coe_lead.business_unit
    )
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", coe_lead.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/inventory/mapping/")
    row = page.locator(f"#rule-{rule.uuid}")
    row.locator("summary").click()
    prefix = f"#id_rule-{rule.pk}"
    page.select_option(f"{prefix}-match_on", "environment_group")
    page.fill(f"{prefix}-value", "Finance")
    row.locator("button[name=preview]").click()
    # The page comes back with this rule's form open and what the change would map.
    preview = page.locator(f"#rule-{rule.uuid} [role=status]")
    assert "2 environments" in preview.inner_text()
    assert "Finance Dev" in preview.inner_text()
    page.locator(f"#rule-{rule.uuid}").locator("button:not([name=preview])").first.click()
    page.wait_for_selector("text=Rule changed.")
    assert "Finance" in page.inner_text(f"#rule-{rule.uuid}")
    rule.refresh_from_db()
    assert (rule.match_on, rule.value) == ("environment_group", "Finance")
