"""Sizes: every free-text field has a maximum, and a body over the limit is a 413 with a reason
(JSON on the API, the site's page elsewhere), never a debug page. Errors are JSON whatever
`?format=` asked for."""

import json
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from rest_framework.test import APIClient

from stories.tests.factories import StoryFactory
from stories.tests.test_views import form_data
from value.models import Solution

OUR_APPS = ("accounts", "maturity", "adoption", "strategy", "value", "stories", "reports")
# Written by the system, never typed by a user: the error text of a failed report run, the
# panels of a prepared dashboard (HTML rendered from its figures).
SYSTEM_TEXT = {
    "reports.ReportSnapshot.error",
    "reports.ReportSnapshot.mail_error",
    "reports.PreparedDashboard.panels",
}

MB = 1024 * 1024


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _solution(unit, **extra) -> dict:
    return {"name": "Expense checker", "kind": "cloud_flow", "business_unit": unit.slug, **extra}


def test_every_free_text_field_has_a_maximum():
    unbounded = [
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.max_length is None
    ]
    assert sorted(set(unbounded) - SYSTEM_TEXT) == []


def test_a_description_over_the_maximum_is_a_400_with_the_reason(maker, unit):
    response = _api(maker).post(
        "/api/v1/solutions/", _solution(unit, description="x" * 4001), format="json"
    )
    assert response.status_code == 400
    assert "4000" in response.json()["description"][0]
    assert not Solution.objects.exists()
    ok = _api(maker).post(
        "/api/v1/solutions/", _solution(unit, description="x" * 4000), format="json"
    )
    assert ok.status_code == 201


def test_a_ten_megabyte_json_body_is_a_413_with_a_json_reason(maker, unit):
    body = json.dumps(_solution(unit, description="x" * (10 * MB)))
    response = _api(maker).post("/api/v1/solutions/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "2 MB" in response.json()["detail"]
    assert not Solution.objects.exists()


def test_a_body_just_under_the_limit_reaches_validation(maker, unit):
    body = json.dumps(_solution(unit, description="x" * (2 * MB - 200)))
    response = _api(maker).post("/api/v1/solutions/", body, content_type="application/json")
    assert response.status_code == 400
    assert "description" in response.json()


def test_an_oversized_form_is_the_sites_413_page_even_with_debug_on(client, maker, settings):
    settings.DEBUG = True
    client.force_login(maker)
    data = urlencode(form_data(maker.business_unit, overview="x" * (3 * MB)))
    response = client.post(
        reverse("stories:story_create"), data, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "That was too much to send at once" in html
    assert "2 MB" in html
    assert "Traceback" not in html and "Django" not in html


@pytest.mark.parametrize("debug", [False, True])
def test_oversized_text_in_an_upload_form_is_a_413_page_too(client, maker, settings, debug):
    # Multipart may be larger (pictures), but its text fields are still held to 2 MB.
    settings.DEBUG = debug
    client.force_login(maker)
    data = form_data(maker.business_unit, overview="x" * (3 * MB))
    response = client.post(reverse("stories:story_create"), data)  # multipart
    assert response.status_code == 413
    assert "That was too much to send at once" in response.content.decode()


def test_oversized_text_in_an_api_upload_is_a_413_in_json(maker):
    story = StoryFactory(author=maker, business_unit=maker.business_unit)
    response = _api(maker).post(
        f"/api/v1/stories/{story.uuid}/images/", {"caption": "x" * (3 * MB)}, format="multipart"
    )
    assert response.status_code == 413
    assert "detail" in response.json()


def test_a_story_section_over_its_maximum_is_a_form_error(client, maker):
    client.force_login(maker)
    data = form_data(maker.business_unit, overview="x" * 3001)
    response = client.post(reverse("stories:story_create"), data)
    assert response.status_code == 400
    assert "overview" in response.context["form"].errors
    assert 'maxlength="3000"' in response.content.decode()


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/solutions/?format=csv&ordering=nonsense", 400),
        ("/api/v1/solutions/00000000-0000-0000-0000-000000000000/?format=csv", 404),
        ("/api/v1/solutions/?format=csv&colour=blue", 400),
    ],
)
def test_errors_are_json_even_when_csv_was_asked_for(maker, url, status):
    response = _api(maker).get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert "ErrorDetail" not in response.content.decode()
    assert response.json()


def test_csv_still_works_for_answers_that_are_not_errors(maker, unit):
    _api(maker).post("/api/v1/solutions/", _solution(unit), format="json")
    response = _api(maker).get("/api/v1/solutions/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "Expense checker" in response.content.decode()
