"""The OpenAPI schema is valid, and fuzzing every endpoint as each role finds no server error
(valid requests, 10 examples per operation and role) and keeps to the schema by every
schemathesis check (status codes, content types, response schemas and headers, invalid
requests refused), valid and invalid requests both: 5 examples per operation and role in the
suite; `make fuzz` (FUZZ_DEEP=1) runs 50 and schemathesis's coverage phase too."""

import copy
import json
import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
)
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode

from accounts.policy import Role
from accounts.tests.factories import BusinessUnitFactory, UserFactory
from config.wsgi import application


def test_schema_is_valid_openapi_3(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.read_text().startswith("openapi: 3")


def test_docs_page_loads_without_a_cdn(client, maker):
    client.force_login(maker)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


@pytest.fixture
def keep_db_connection():
    # Raw WSGI calls fire request_started/finished, which would close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _document() -> dict:
    # The schema endpoint needs a signed-in user, so build the same document in-process.
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


def _load_schema(document: dict):
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(document))
    loaded.app = application
    # The schema document itself is checked by test_schema_is_valid_openapi_3; generating it
    # for every fuzzing example would only cost time.
    return loaded.exclude(path="/api/schema/")


DOCUMENT = _document()
schema = _load_schema(DOCUMENT)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
every_check_schema = _load_schema(DOCUMENT)
DEEP = os.environ.get("FUZZ_DEEP") == "1"
EVERY_CHECK_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50" if DEEP else "5"))
# Valid and invalid requests both: invalid ones must be refused (negative_data_rejection).
every_check_schema.config.generation.update(modes=["positive", "negative"])
# The coverage phase (every boundary and wrong type of every parameter, unexpected methods)
# sends hundreds of requests per operation: minutes for the whole API in the suite. The suite
# keeps the examples and fuzzing phases; the faults the coverage phase found have tests of
# their own in each app's test_api.py, and `make fuzz` runs it.
every_check_schema.config.phases.coverage.enabled = DEEP
# The same for the server-error run: the all-checks run above sends invalid requests too, so in
# the suite the coverage phase would mostly repeat it at many times the cost.
schema.config.phases.coverage.enabled = DEEP


@pytest.fixture
def auth_headers(db, keep_db_connection, request):
    unit = BusinessUnitFactory(name="Finance", slug="finance")
    user = UserFactory(
        username=f"fuzz-{request.param}", role=Role(request.param), business_unit=unit
    )
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


@pytest.mark.parametrize("auth_headers", ["admin", "maker", "executive"], indirect=True)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_with_a_server_error(case, auth_headers):
    case.call_and_validate(headers=auth_headers, checks=[not_a_server_error])


@pytest.mark.parametrize("auth_headers", ["admin", "maker", "executive"], indirect=True)
@every_check_schema.parametrize()
@settings(max_examples=EVERY_CHECK_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_keeps_to_its_schema_with_every_check(case, auth_headers):
    # Every check but one: "schema-valid request accepted" expects 2xx for any request that fits
    # the schema, but a request naming an object that does not exist (a random slug or UUID) or
    # a step the object's state does not allow is rightly a 400 that says so, and no schema
    # can tell those apart from the data. test_api_contract.py checks what that check would.
    case.call_and_validate(headers=auth_headers, excluded_checks=_left_out(case))


FORM_BODIES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def _left_out(case) -> list:
    left_out = [positive_data_acceptance]
    # A form body carries every value as text, so a "wrongly typed" value schemathesis makes
    # (the number 0 for a yes/no field, 1 for a name) arrives as the very text a right value
    # would ("0" is false, "1" a name): the server cannot refuse it. Invalid bodies are still
    # checked in JSON, which every operation with a body but the picture upload (a file, so
    # multipart only) accepts; only the rejection check on an invalid *form* body is left out.
    body = case.meta.components.get(ParameterLocation.BODY) if case.meta else None
    if case.media_type in FORM_BODIES and body is not None and body.mode == GenerationMode.NEGATIVE:
        left_out.append(negative_data_rejection)
    return left_out


def test_a_decimal_is_read_from_text_or_a_number_as_documented(client, admin_user):
    document = SchemaGenerator().get_schema(request=None, public=True)
    threshold = document["components"]["schemas"]["BadgeRuleRequest"]["properties"]["threshold"]
    assert [branch["type"] for branch in threshold["oneOf"]] == ["string", "number"]
    client.force_login(admin_user)
    for sent, stored in ((12.5, "12.50"), ("7", "7.00")):
        body = {"name": f"Value {sent}", "kind": "value_over", "threshold": sent}
        response = client.post("/api/v1/badge-rules/", body, content_type="application/json")
        assert response.status_code == 201, response.json()
        assert response.json()["threshold"] == stored
    refused = client.post(
        "/api/v1/badge-rules/",
        {"name": "Yes", "kind": "value_over", "threshold": True},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "threshold" in refused.json()
