from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory import services
from inventory.models import ImportRun, MappingRule

from .files import resource, template_csv

RUNS = "/api/v1/inventory-runs/"


def test_runs_api_is_the_coes_only(client, maker, executive, coe_lead):
    assert client.get(RUNS).status_code in (401, 403)
    for person in (maker, executive):
        client.force_login(person)
        assert client.get(RUNS).status_code == 403
        upload = SimpleUploadedFile("inv.csv", template_csv([resource("r1", "App")]))
        assert client.post(RUNS, {"file": upload}).status_code == 403
    assert not ImportRun.objects.exists()


def test_upload_preview_confirm_through_the_api(client, coe_lead, unit):
    client.force_login(coe_lead)
    upload = SimpleUploadedFile("inv.csv", template_csv([resource("r1", "App")]))
    created = client.post(RUNS, {"file": upload, "is_full": "false"})
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["is_full"], body["file_name"]) == ("pending", False, "inv.csv")
    run = ImportRun.objects.get()
    services.run_preview(run_id=run.pk)
    detail = client.get(f"{RUNS}{run.uuid}/").json()
    assert (detail["status"], detail["new_count"], detail["progress"]["percent"]) == (
        "previewed",
        1,
        100,
    )
    changes = client.get(f"{RUNS}{run.uuid}/changes/").json()
    assert changes["results"] == [
        {
            "action": "new",
            "line": None,
            "resource_id": "r1",
            "name": "App",
            "reason": "",
            "fields": {},
        }
    ]
    confirmed = client.post(f"{RUNS}{run.uuid}/confirm/")
    assert confirmed.json()["status"] == "committing"
    again = client.post(f"{RUNS}{run.uuid}/confirm/")
    assert again.status_code == 409 and "detail" in again.json()


def test_upload_without_a_file_or_over_the_limit_is_a_400(client, coe_lead, settings):
    client.force_login(coe_lead)
    assert client.post(RUNS, {}).status_code == 400
    settings.INVENTORY_MAX_FILE_BYTES = 10
    upload = SimpleUploadedFile("inv.csv", template_csv([resource("r1", "App")]))
    response = client.post(RUNS, {"file": upload})
    assert response.status_code == 400 and "limit" in response.json()["file"]


def test_mapping_rules_list(client, coe_lead, unit, django_assert_max_num_queries):
    MappingRule.objects.create(match_on="environment_id", value="e1", business_unit=unit)
    client.force_login(coe_lead)
    with django_assert_max_num_queries(6):  # session, user, groups, count, rules with units
        body = client.get("/api/v1/inventory-mapping-rules/").json()
    assert body["results"][0]["business_unit"] == "finance"
    assert reverse("api-schema")


def test_usage_api_shows_what_each_reader_may_see(client, maker, other_maker, executive, unit):
    from datetime import date

    from value.models import SolutionUsage
    from value.tests.factories import SolutionFactory

    own = SolutionFactory(owner=maker, business_unit=unit, resource_id="r1")
    other = SolutionFactory(owner=other_maker, business_unit=unit, resource_id="r2")
    SolutionUsage.objects.create(solution=own, month=date(2026, 1, 1), runs=10)
    SolutionUsage.objects.create(solution=other, month=date(2026, 1, 1), runs=20)
    client.force_login(maker)
    mine = client.get("/api/v1/solution-usage/").json()["results"]
    assert [(row["resource_id"], row["runs"]) for row in mine] == [("r1", 10)]
    client.force_login(executive)
    everything = client.get("/api/v1/solution-usage/", {"month": "2026-01-01"}).json()
    assert sorted(row["runs"] for row in everything["results"]) == [10, 20]
    assert client.get("/api/v1/solution-usage/", {"colour": "red"}).status_code == 400
