from datetime import date

import pytest
from rest_framework.test import APIClient

from reports.models import ReportDefinition, ReportSnapshot


@pytest.fixture
def api():
    return APIClient()


def test_definitions_by_role(api, maker, executive, definition):
    api.force_authenticate(maker)
    assert api.get("/api/v1/report-definitions/").status_code == 403
    api.force_authenticate(executive)
    assert api.get("/api/v1/report-definitions/").json()["count"] == 1
    response = api.patch(f"/api/v1/report-definitions/{definition.uuid}/", {"name": "x"})
    assert response.status_code == 403
    definition.refresh_from_db()
    assert definition.name == "Quarterly ROI"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cadence": "cron", "cron_expression": "whenever"}, "cron_expression"),
        ({"cadence": "cron", "cron_expression": ""}, "cron_expression"),
        ({"recipients": "boss@example.org\nnot an address"}, "recipients"),
    ],
)
def test_bad_definitions_are_400(api, coe_lead, body, field):
    api.force_authenticate(coe_lead)
    response = api.post(
        "/api/v1/report-definitions/", {"name": "ROI", "kind": "roi", **body}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not ReportDefinition.objects.exists()


def test_create_then_generate_twice_gives_one_snapshot(
    api, coe_lead, media_root, django_capture_on_commit_callbacks
):
    api.force_authenticate(coe_lead)
    created = api.post(
        "/api/v1/report-definitions/",
        {"name": "ROI", "kind": "roi", "cadence": "monthly", "recipients": "a@example.org"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = f"/api/v1/report-definitions/{created.json()['uuid']}/generate/"
    with django_capture_on_commit_callbacks() as callbacks:
        first = api.post(url, {"day": "2026-02-14"})
        second = api.post(url, {"day": "2026-02-01"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["period_start"] == "2026-02-01"
    assert first.json()["period_end"] == "2026-02-28"
    assert ReportSnapshot.objects.count() == 1
    assert len(callbacks) == 1
    future = api.post(url, {"day": date.today().isoformat()})
    assert future.status_code == 400


def test_snapshots_list_for_readers(api, executive, definition):
    ReportSnapshot.objects.create(
        definition=definition, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
    )
    api.force_authenticate(executive)
    rows = api.get("/api/v1/report-snapshots/").json()["results"]
    assert rows[0]["status"] == "pending" and rows[0]["downloads"] == {}
