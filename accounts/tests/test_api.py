import csv
import io

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import BusinessUnit
from accounts.tests.factories import BusinessUnitFactory, UserFactory


@pytest.fixture
def api():
    return APIClient()


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_anonymous_api_request_is_refused_not_redirected(api, db):
    response = api.get("/api/v1/business-units/")
    assert response.status_code in (401, 403)
    assert "Location" not in response.headers


def test_token_reads_business_units(maker):
    response = token_client(maker).get("/api/v1/business-units/")
    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["results"]] == ["finance"]


def test_executive_token_cannot_change_anything(executive):
    client = token_client(executive)
    response = client.post("/api/v1/business-units/", {"name": "New", "slug": "new"}, format="json")
    assert response.status_code == 403
    assert client.delete("/api/v1/business-units/finance/").status_code == 403
    assert BusinessUnit.objects.count() == 1


def test_admin_creates_a_business_unit(admin_user):
    response = token_client(admin_user).post(
        "/api/v1/business-units/",
        {"name": "Legal", "slug": "legal", "parent": "finance"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert BusinessUnit.objects.get(slug="legal").parent.slug == "finance"


def test_bad_input_is_a_400_with_the_reason(admin_user):
    response = token_client(admin_user).post(
        "/api/v1/business-units/", {"name": "", "slug": "not a slug"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"name", "slug"}


def test_unknown_filter_is_a_400(maker):
    response = token_client(maker).get("/api/v1/users/?colour=blue")
    assert response.status_code == 400
    assert "colour" in response.json()


def test_unknown_ordering_is_a_400(maker):
    response = token_client(maker).get("/api/v1/users/?ordering=password")
    assert response.status_code == 400
    assert "password" in response.json()["ordering"]


def test_known_filter_and_ordering_work(maker, other_maker):
    BusinessUnitFactory(name="Sales", slug="sales")
    UserFactory(username="zed", business_unit=BusinessUnit.objects.get(slug="sales"))
    client = token_client(maker)
    in_finance = client.get("/api/v1/users/?business_unit__slug=finance&ordering=-username").json()
    assert [row["username"] for row in in_finance["results"]] == ["other-maker", "maker"]


def test_page_size_is_capped(maker):
    UserFactory.create_batch(105)
    response = token_client(maker).get("/api/v1/users/?page_size=500")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 100


def test_users_expose_minimal_fields_only(maker):
    row = token_client(maker).get("/api/v1/users/").json()["results"][0]
    assert set(row) == {"username", "name", "job_title", "business_unit"}


def test_csv_export_neutralises_formulas(maker):
    UserFactory(username="evil", first_name="=HYPERLINK(1)", job_title="@SUM(A1)")
    response = token_client(maker).get("/api/v1/users/?format=csv&search=evil")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["job_title"] == "'@SUM(A1)"
    assert rows[0]["name"].startswith("'=HYPERLINK(1)")


def test_csv_export_is_the_whole_list_not_a_page(maker):
    UserFactory.create_batch(30)
    response = token_client(maker).get("/api/v1/users/?format=csv")
    assert len(list(csv.DictReader(io.StringIO(response.content.decode())))) == 31


def test_user_list_query_count_does_not_grow(maker, django_assert_max_num_queries):
    client = token_client(maker)
    UserFactory.create_batch(5)
    # token+user, groups (policy), count, page of users with their units
    with django_assert_max_num_queries(4):
        client.get("/api/v1/users/")
    UserFactory.create_batch(40)
    with django_assert_max_num_queries(4):
        client.get("/api/v1/users/")


def test_token_create_and_revoke_from_the_profile(client, maker):
    client.force_login(maker)
    client.post(reverse("accounts:token_create"))
    key = Token.objects.get(user=maker).key
    page = client.get(reverse("accounts:profile"))
    assert key in page.content.decode()
    assert key not in client.get(reverse("accounts:profile")).content.decode()  # shown once
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/users/").status_code == 200
    client.post(reverse("accounts:token_revoke"))
    assert api.get("/api/v1/users/").status_code == 401


def test_csv_error_body_is_json_not_a_server_error(maker):
    response = token_client(maker).get("/api/v1/users/?format=csv&colour=blue")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "colour" in response.json()


def test_nul_character_in_a_parameter_is_a_400(maker):
    response = token_client(maker).get("/api/v1/users/", {"search": "a\x00b"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Request parameters must not contain NUL characters."}


def test_nul_character_on_a_page_is_a_400(client, maker):
    client.force_login(maker)
    assert client.get("/accounts/units/", {"q": "x\x00"}).status_code == 400


# --- Faults the all-checks fuzzing found (config/tests/test_api_schema.py) ---------------------


@pytest.mark.parametrize("value", ["", "xml"])
def test_a_format_that_names_no_format_is_a_400_naming_it(maker, value):
    response = token_client(maker).get("/api/v1/users/", {"format": value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"format": f"Unknown format {value!r}. Allowed: api, csv, json."}


def test_a_path_no_endpoint_takes_is_a_json_404(maker):
    # "0.5" is not an id any route accepts, so Django (not DRF) answers: still JSON, like
    # every API error, not the site's HTML page.
    response = token_client(maker).get("/api/v1/business-units/x.y/nothing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_deleting_a_unit_that_others_still_use_is_a_409_not_a_500(admin_user):
    BusinessUnitFactory(name="Payroll", slug="payroll", parent=BusinessUnit.objects.get())
    response = token_client(admin_user).delete("/api/v1/business-units/finance/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Still used by business units: remove or move those first."
    }
    assert BusinessUnit.objects.filter(slug="finance").exists()
