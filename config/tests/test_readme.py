"""What README says the API does, the API does: every endpoint README names with its method
("`GET|POST /assessments/{uuid}/answers/`") is in the OpenAPI schema with that method, and no
section calls an API read-only while README documents writes to it."""

import re
from pathlib import Path

import pytest
from django.test import Client

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
ENDPOINT = re.compile(
    r"`((?:GET|POST|PUT|PATCH|DELETE)(?:\|(?:GET|POST|PUT|PATCH|DELETE))*) (/[^`\s]*)`"
)


def _documented() -> list[tuple[str, str]]:
    found = []
    for methods, path in ENDPOINT.findall(README):
        path = path.split("?")[0].removeprefix("/api/v1")
        path = "/api/v1" + re.sub(r"<(\w+)>", r"{\1}", path)
        found += [(method, path) for method in methods.split("|")]
    return found


@pytest.mark.django_db
def test_every_endpoint_readme_names_is_in_the_schema(admin_user):
    client = Client()
    client.force_login(admin_user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    documented = _documented()
    assert ("POST", "/api/v1/assessments/{uuid}/answers/") in documented
    missing = [
        (method, path)
        for method, path in documented
        if method.lower() not in schema["paths"].get(path, {})
    ]
    assert missing == []


def test_readme_calls_no_api_read_only_that_it_documents_writes_to():
    for paragraph in README.split("\n\n"):
        if "read-only" not in paragraph:
            continue
        read_only = re.findall(r"read-only[^.]*?\(([^)]*)\)|\(read-only[^)]*\): ([^.]*)", paragraph)
        named = " ".join(" ".join(parts) for parts in read_only)
        for method, path in _documented():
            if method != "GET":
                assert f"`{path}`" not in named, f"README calls {path} read-only: {paragraph}"
