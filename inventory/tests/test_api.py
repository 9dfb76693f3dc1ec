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
    # session, user, groups, count, rules with units; for "maps": every rule, environments
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/inventory-mapping-rules/").json()
    assert body["results"][0]["business_unit"] == "finance"
    assert body["results"][0]["maps"] == {"count": 0, "sample": []}
    assert reverse("api-schema")


RULES = "/api/v1/inventory-mapping-rules/"


def test_mapping_rules_are_created_changed_and_deleted_through_the_api(client, coe_lead, unit):
    from accounts.models import AuditEvent
    from accounts.tests.factories import BusinessUnitFactory
    from inventory.models import Environment

    people = BusinessUnitFactory(slug="people", name="People")
    Environment.objects.create(environment_id="e1", name="Finance Prod", group_name="Finance")
    Environment.objects.create(environment_id="e2", name="Finance Dev", group_name="Finance")
    Environment.objects.create(environment_id="e3", name="HR Prod", group_name="People")
    client.force_login(coe_lead)
    created = client.post(
        RULES,
        {
            "position": 10,
            "match_on": "name_pattern",
            "value": " finance * ",
            "business_unit": "finance",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    # The value is trimmed; the pattern takes both Finance environments.
    assert (body["value"], body["business_unit"], body["maps"]["count"]) == (
        "finance *",
        "finance",
        2,
    )
    rule = MappingRule.objects.get(uuid=body["uuid"])
    # A rule tried first, for e2 only, leaves the pattern one environment.
    client.post(
        RULES,
        {"position": 1, "match_on": "environment_id", "value": "e2", "business_unit": "people"},
        content_type="application/json",
    )
    listed = client.get(RULES).json()["results"]
    assert [(r["value"], r["maps"]["count"], r["maps"]["sample"]) for r in listed] == [
        ("e2", 1, ["Finance Dev"]),
        ("finance *", 1, ["Finance Prod"]),
    ]
    changed = client.patch(
        f"{RULES}{rule.uuid}/",
        {"match_on": "environment_group", "value": "People", "business_unit": "people"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["maps"] == {"count": 1, "sample": ["HR Prod"]}
    rule.refresh_from_db()
    assert (rule.match_on, rule.value, rule.business_unit, rule.position) == (
        "environment_group", "People", people, 10,
    )  # fmt: skip
    assert client.delete(f"{RULES}{rule.uuid}/").status_code == 204
    assert MappingRule.objects.count() == 1
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="mapping_rule").values_list("verb", flat=True)
    )
    assert sorted(verbs) == [
        "mapping_rule_deleted",
        "mapping_rule_saved",
        "mapping_rule_saved",
        "mapping_rule_saved",
    ]


def test_mapping_rule_api_rejects_bad_input_and_the_wrong_role(client, coe_lead, maker, unit):
    client.force_login(coe_lead)
    for bad, field in [
        ({"match_on": "planet", "value": "x", "business_unit": "finance"}, "match_on"),
        ({"match_on": "environment_id", "value": "   ", "business_unit": "finance"}, "value"),
        ({"match_on": "environment_id", "value": "e1", "business_unit": "nope"}, "business_unit"),
        ({"match_on": "environment_id", "value": "x" * 201, "business_unit": "finance"}, "value"),
        (
            {
                "match_on": "environment_id",
                "value": "e1",
                "business_unit": "finance",
                "position": -1,
            },
            "position",
        ),
    ]:
        response = client.post(RULES, bad, content_type="application/json")
        assert response.status_code == 400 and field in response.json(), (bad, response.content)
    assert not MappingRule.objects.exists()
    rule = MappingRule.objects.create(match_on="environment_id", value="e1", business_unit=unit)
    client.force_login(maker)
    assert client.get(RULES).status_code == 403
    data = {"match_on": "environment_id", "value": "e9", "business_unit": "finance"}
    assert client.post(RULES, data, content_type="application/json").status_code == 403
    assert (
        client.patch(f"{RULES}{rule.uuid}/", data, content_type="application/json").status_code
        == 403
    )
    assert client.delete(f"{RULES}{rule.uuid}/").status_code == 403
    rule.refresh_from_db()
    assert rule.value == "e1"


def test_mapping_rule_preview_through_the_api_saves_nothing(client, coe_lead, unit):
    from inventory.models import Environment

    Environment.objects.create(environment_id="e1", name="Finance Prod", group_name="Finance")
    Environment.objects.create(environment_id="e2", name="HR Prod", group_name="People")
    client.force_login(coe_lead)
    response = client.post(
        f"{RULES}preview/",
        {"match_on": "environment_group", "value": "finance", "business_unit": "finance"},
        content_type="application/json",
    )
    assert response.json() == {"count": 1, "sample": ["Finance Prod"]}
    assert not MappingRule.objects.exists()


def test_mapping_rules_are_in_the_openapi_schema(client, coe_lead):
    client.force_login(coe_lead)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/inventory-mapping-rules/"])
    assert {"get", "put", "patch", "delete"} <= set(
        paths["/api/v1/inventory-mapping-rules/{uuid}/"]
    )
    assert "post" in paths["/api/v1/inventory-mapping-rules/preview/"]
    rule = schema["components"]["schemas"]["MappingRule"]
    assert {"match_on", "value", "business_unit", "maps"} <= set(rule["properties"])


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


def test_usage_api_pages_by_cursor_newest_month_first(client, executive, unit):
    from datetime import date

    from value.models import SolutionUsage
    from value.tests.factories import SolutionFactory

    solutions = [SolutionFactory(business_unit=unit, resource_id=f"r{n}") for n in range(3)]
    for month in (1, 2, 3):
        for n, solution in enumerate(solutions):
            SolutionUsage.objects.create(
                solution=solution, month=date(2026, month, 1), runs=10 * month + n
            )
    client.force_login(executive)
    first = client.get("/api/v1/solution-usage/", {"page_size": 4}).json()
    assert "count" not in first
    assert [row["runs"] for row in first["results"]] == [32, 31, 30, 22]
    second = client.get(first["next"]).json()
    assert [row["runs"] for row in second["results"]] == [21, 20, 12, 11]
    last = client.get(second["next"]).json()
    assert [row["runs"] for row in last["results"]] == [10] and last["next"] is None
