from datetime import date

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from reports import services
from reports.models import ReportDefinition, ReportSnapshot
from reports.tests.factories import ReportDefinitionFactory

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def _valid(**overrides):
    return {
        "name": "Monthly ROI",
        "kind": "roi",
        "scope_unit": "",
        "cadence": "monthly",
        "cron_expression": "",
        "period_length": "month",
        "recipients": "sponsor@example.org, cfo@example.org",
        "is_active": "on",
        **overrides,
    }


def test_anonymous_is_sent_to_sign_in(client, definition):
    for url in (reverse("reports:definition_list"), definition.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("maker", 403, 403),
        ("no_role_user", 403, 403),
        ("executive", 200, 403),
        ("coe_lead", 200, 200),
        ("admin_user", 200, 200),
    ],
)
def test_pages_by_role(client, request, definition, persona, read, write):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reports:definition_list")).status_code == read
    assert client.get(definition.get_absolute_url()).status_code == read
    assert client.get(reverse("reports:definition_create")).status_code == write
    assert client.get(reverse("reports:definition_edit", args=[definition.uuid])).status_code == (
        write
    )


def test_executive_cannot_generate(client, executive, definition):
    client.force_login(executive)
    response = client.post(
        reverse("reports:definition_generate", args=[definition.uuid]),
        {"period": "2026-01-01_2026-03-31"},
    )
    assert response.status_code == 403
    assert not ReportSnapshot.objects.exists()


def test_coe_lead_defines_a_report(client, coe_lead):
    client.force_login(coe_lead)
    response = client.post(reverse("reports:definition_create"), _valid())
    assert response.status_code == 302
    definition = ReportDefinition.objects.get()
    assert definition.recipient_list == ["sponsor@example.org", "cfo@example.org"]
    assert PeriodicTask.objects.filter(pk=definition.periodic_task_id, enabled=True).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cadence": "cron", "cron_expression": "every monday"}, "cron_expression"),
        ({"cadence": "cron", "cron_expression": "61 7 * * 1"}, "cron_expression"),
        ({"cadence": "cron", "cron_expression": "0 7 * *"}, "cron_expression"),
        ({"cadence": "cron", "cron_expression": ""}, "cron_expression"),
        ({"recipients": "sponsor@example.org, not-an-address"}, "recipients"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_definitions_are_refused(client, coe_lead, overrides, field):
    client.force_login(coe_lead)
    response = client.post(reverse("reports:definition_create"), _valid(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ReportDefinition.objects.exists()
    assert not PeriodicTask.objects.filter(task=services.RUN_DUE_TASK).exists()


def test_generate_now_for_a_past_period(
    client, coe_lead, definition, django_capture_on_commit_callbacks
):
    client.force_login(coe_lead)
    url = reverse("reports:definition_generate", args=[definition.uuid])
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url, {"period": "2026-01-01_2026-03-31"})
        client.post(url, {"period": "2026-01-01_2026-03-31"})
    assert ReportSnapshot.objects.count() == 1
    assert len(callbacks) == 1
    response = client.post(url, {"period": "2099-01-01_2099-03-31"})  # not offered: refused
    assert ReportSnapshot.objects.count() == 1
    assert response.status_code == 302


def test_snapshot_downloads(client, executive, maker, definition, roi_data):
    snapshot, _ = services.snapshot_request(definition=definition, start=Q1[0], end=Q1[1])
    services.snapshot_generate(snapshot.pk)
    client.force_login(executive)
    pdf = client.get(reverse("reports:snapshot_download", args=[snapshot.uuid, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    csv_response = client.get(reverse("reports:snapshot_download", args=[snapshot.uuid, "csv"]))
    assert b"section,name,value" in b"".join(csv_response.streaming_content)
    assert (
        client.get(reverse("reports:snapshot_download", args=[snapshot.uuid, "exe"])).status_code
        == 404
    )
    assert client.get(snapshot.get_absolute_url()).status_code == 200
    client.force_login(maker)
    assert (
        client.get(reverse("reports:snapshot_download", args=[snapshot.uuid, "pdf"])).status_code
        == 403
    )


def test_definition_pages_query_count(client, executive, media_root, django_assert_max_num_queries):
    for index in range(8):
        definition = ReportDefinitionFactory()
        for month in range(1, 6):
            ReportSnapshot.objects.create(
                definition=definition,
                period_start=date(2025 + index // 10, month, 1),
                period_end=date(2025 + index // 10, month, 28),
                status="done",
            )
    client.force_login(executive)
    # session, user, groups, definitions with counts
    with django_assert_max_num_queries(5):
        client.get(reverse("reports:definition_list"))
    # session, user, groups, definition, snapshots
    with django_assert_max_num_queries(6):
        client.get(definition.get_absolute_url())


@pytest.mark.django_db(transaction=True)  # the publish runs at a real commit
def test_generate_now_says_queued_when_the_broker_does_not_take_the_job(
    client, coe_lead, definition, settings
):
    from config.tests.redis_server import celery_broker
    from jobs import services as jobs_services

    client.force_login(coe_lead)
    url = reverse("reports:definition_generate", args=[definition.uuid])
    jobs_services._skip_until = 0.0
    # Nothing listens on port 1: the publish after commit fails, the job waits in the outbox.
    with celery_broker("redis://127.0.0.1:1/0", settings.REDIS_BROKER_TRANSPORT_OPTIONS):
        response = client.post(url, {"period": "2026-01-01_2026-03-31"}, follow=True)
    jobs_services._skip_until = 0.0
    assert [str(m) for m in response.context["messages"]] == [
        "Queued the report for Jan - Mar 2026; it will start as soon as the job queue answers."
    ]
    assert ReportSnapshot.objects.get().status == "pending"

    # With a broker that takes it, the page says the work has started.
    response = client.post(url, {"period": "2025-10-01_2025-12-31"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Generating the report for Oct - Dec 2025."
    ]
