"""Opening a POST-only address in the browser shows the product's page with a way back, not the
browser's blank 405; the API keeps answering in JSON."""

import uuid

import pytest
from django.urls import URLResolver, get_resolver

DUMMY = {"uuid": str(uuid.uuid4()), "slug": "finance", "int": "1", "str": "x", "path": "x"}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _post_only_addresses() -> list[str]:
    """Every page address whose view takes no GET, with made-up values in its parameters."""
    addresses = []
    for route, pattern in _routes(get_resolver().url_patterns):
        view = getattr(pattern.callback, "view_class", None)
        if view is None or route.startswith(("api/", "admin/")):
            continue
        if "get" in view.http_method_names and hasattr(view, "get"):
            continue
        for name, converter in pattern.pattern.converters.items():
            kind = type(converter).__name__.removesuffix("Converter").lower()
            route = route.replace(f"<{kind}:{name}>", DUMMY[kind]).replace(f"<{name}>", "x")
        addresses.append("/" + route)
    return addresses


def test_there_are_post_only_pages_to_check():
    assert len(_post_only_addresses()) >= 20


@pytest.mark.django_db
def test_every_post_only_page_answers_a_get_with_the_product_page(client, admin_user):
    client.force_login(admin_user)
    for address in _post_only_addresses():
        response = client.get(address, HTTP_REFERER="http://testserver/strategy/")
        assert response.status_code == 405, address
        assert "POST" in response["Allow"], address
        page = response.content.decode()
        assert "This address only takes a submitted form" in page, address
        assert 'href="http://testserver/strategy/"' in page, address  # the way back


def test_a_foreign_referer_is_not_offered_as_the_way_back(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/accounts/profile/token/", HTTP_REFERER="https://evil.example/")
    assert response.status_code == 405
    assert "evil.example" not in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_the_api_keeps_its_json_405(client, admin_user):
    client.force_login(admin_user)
    response = client.put("/api/v1/check-ins/", {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}
