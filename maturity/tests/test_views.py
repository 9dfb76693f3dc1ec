import pytest
from django.urls import reverse

PAGES = [
    reverse("maturity:model_matrix"),
    reverse("maturity:area_detail", kwargs={"key": "security"}),
    reverse("maturity:level_detail", kwargs={"number": 300}),
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_sign_in(client, model, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["maker", "executive", "coe_lead", "admin_user"])
@pytest.mark.parametrize("url", PAGES)
def test_every_role_reads_the_model(client, model, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 200


def test_matrix_shows_areas_as_rows_and_levels_as_columns(client, model, maker):
    client.force_login(maker)
    response = client.get(reverse("maturity:model_matrix"))
    areas = response.context["areas"]
    assert len(areas) == 9
    assert all(len(area.cells) == 5 and all(cell for _, cell in area.cells) for area in areas)
    assert b"Processes are standard but still run by hand" in response.content


def test_area_page_lists_its_opportunities_per_level(client, model, maker):
    client.force_login(maker)
    response = client.get(reverse("maturity:area_detail", kwargs={"key": "automation"}))
    assert [c.level.number for c in response.context["cells"]] == [100, 200, 300, 400, 500]
    assert b"Automate requests for environments and data-policy changes." in response.content


def test_level_page_has_its_opportunities(client, model, maker):
    client.force_login(maker)
    response = client.get(reverse("maturity:level_detail", kwargs={"number": 500}))
    assert response.context["next_level"] is None
    assert response.context["previous_level"].number == 400
    assert b"Plan for mission-critical workloads, including disaster recovery." in response.content


@pytest.mark.parametrize(
    "url", ["/maturity/areas/nothing/", "/maturity/levels/600/", "/maturity/levels/0/"]
)
def test_unknown_area_or_level_is_404(client, model, maker, url):
    client.force_login(maker)
    assert client.get(url).status_code == 404


def test_matrix_query_count(client, model, maker, django_assert_max_num_queries):
    client.force_login(maker)
    # session, user, groups (policy), levels, areas, area-level prefetch, current version,
    # groups again for the navigation is cached on the user
    with django_assert_max_num_queries(8):
        assert client.get(reverse("maturity:model_matrix")).status_code == 200


def test_empty_model_shows_a_hint(client, maker):
    client.force_login(maker)
    response = client.get(reverse("maturity:model_matrix"))
    assert b"has not been loaded yet" in response.content
