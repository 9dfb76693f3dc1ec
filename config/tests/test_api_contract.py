"""The schema says what the API does: error statuses, nullable fields, the orderings allowed, and
strict paging."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.test import APIClient


@pytest.fixture(scope="module")
def document():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_its_error_statuses(document):
    missing = []
    for path, method, operation in _operations(document):
        expected = {"400", "401", "403", "404"}
        if method in ("post", "put", "patch"):
            expected |= {"413"}
        missing += [f"{method} {path} {code}" for code in expected - set(operation["responses"])]
    assert missing == []


def test_409_is_documented_where_the_objects_state_can_refuse_the_step(document):
    # Each of these refuses a step its object's state does not allow (or a stale revision)
    # with 409; no other operation can answer 409, so no other documents it.
    conflicts = sorted(
        f"{method.upper()} {path}"
        for path, method, operation in _operations(document)
        if "409" in operation["responses"]
    )
    assert conflicts == [
        "DELETE /api/v1/assessments/{uuid}/",
        "DELETE /api/v1/business-units/{slug}/",
        "DELETE /api/v1/solutions/{uuid}/",
        "PATCH /api/v1/newsletters/{uuid}/",
        "POST /api/v1/assessments/{uuid}/answers/",
        "POST /api/v1/assessments/{uuid}/submit/",
        "POST /api/v1/ideas/{uuid}/review/",
        "POST /api/v1/ideas/{uuid}/vote/",
        "POST /api/v1/inventory-runs/{uuid}/confirm/",
        "POST /api/v1/key-results/{uuid}/check-in/",
        "POST /api/v1/kpis/{uuid}/measurements/",
        "POST /api/v1/newsletters/{uuid}/send/",
        "POST /api/v1/stories/{uuid}/like/",
        "POST /api/v1/stories/{uuid}/record-value/",
        "POST /api/v1/stories/{uuid}/review/",
        "POST /api/v1/stories/{uuid}/score/",
        "POST /api/v1/stories/{uuid}/submit/",
        "POST /api/v1/teams-channels/{uuid}/test/",
        "PUT /api/v1/newsletters/{uuid}/",
    ]
    for path, method, operation in _operations(document):
        if "409" in operation["responses"]:
            content = operation["responses"]["409"]["content"]
            assert content == {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
            }, f"{method} {path}"


def test_errors_are_documented_as_json(document):
    _, _, operation = next(_operations(document))
    content = operation["responses"]["404"]["content"]
    assert content == {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def test_orderings_are_enumerated(document):
    parameters = document["paths"]["/api/v1/solutions/"]["get"]["parameters"]
    ordering = next(p for p in parameters if p["name"] == "ordering")
    assert ordering["schema"]["enum"] == [
        "name", "-name", "go_live_on", "-go_live_on", "created_at", "-created_at",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Story", "solution"),
        ("User", "business_unit"),
        ("Solution", "owner"),
        ("CheckIn", "author"),
    ],
)
def test_fields_that_can_be_empty_are_nullable(document, component, field):
    assert document["components"]["schemas"][component]["properties"][field]["nullable"] is True


@pytest.mark.parametrize("value", ["true", "0", "-3", "ten", ""])
def test_a_page_size_that_is_not_a_positive_number_is_a_400(maker, value):
    client = APIClient()
    client.force_authenticate(maker)
    response = client.get("/api/v1/users/", {"page_size": value})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_a_large_page_size_is_capped_not_refused(maker):
    client = APIClient()
    client.force_authenticate(maker)
    assert client.get("/api/v1/users/", {"page_size": "500"}).status_code == 200


def test_response_shapes_the_fuzzing_found_wrong_are_documented_as_answered(document):
    # The preferences list is one object (count, results), not an array of rows.
    listed = document["paths"]["/api/v1/notification-preferences/"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PreferencePage"
    }
    figures = document["paths"]["/api/v1/value-figures/"]["get"]["responses"]["200"]
    assert figures["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RoiFigures"
    }
    # A run not confirmed yet has no confirmer.
    run = document["components"]["schemas"]["ImportRun"]["properties"]
    assert run["confirmed_by"]["nullable"] is True
