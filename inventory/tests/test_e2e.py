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
