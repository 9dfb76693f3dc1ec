"""The OpenAPI schema is valid, and fuzzing every endpoint as each role with every schemathesis
check (server errors, status codes, content types, response schemas, headers, valid requests
accepted, invalid ones rejected) finds no failure: the schema is the truth.

FUZZ_EXAMPLES sets the examples per operation and role (a few here; `make fuzz` runs many)."""

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


def _load_schema():
    # The schema endpoint needs a signed-in user, so build the same document in-process.
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))
    loaded.app = application
    return loaded


# The schema document itself is checked by test_schema_is_valid_openapi_3; generating it for
# every fuzzing example would only cost time.
schema = _load_schema().exclude(path="/api/schema/")
# Valid and invalid requests both: invalid ones must be refused (negative_data_rejection).
schema.config.generation.update(modes=["positive", "negative"])
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))


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
def test_api_keeps_to_its_schema_with_every_check(case, auth_headers):
    case.call_and_validate(headers=auth_headers)  # no `checks=`: every check schemathesis has
