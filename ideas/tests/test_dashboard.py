"""The dashboard's ideas panel: pipeline ideas and their value by key result, in one query."""

from decimal import Decimal

from django.urls import reverse

from accounts.tests.factories import BusinessUnitFactory
from ideas.dashboard import pipeline_by_key_result
from ideas.models import Idea
from strategy.tests.factories import KeyResultFactory

from .factories import IdeaFactory

D = Decimal


def _idea(unit, value, status=Idea.Status.NEW, krs=()):
    reason = "Out of scope" if status == Idea.Status.DECLINED else ""
    idea = IdeaFactory(
        business_unit=unit, potential_value_year=D(value), status=status, decline_reason=reason
    )
    for kr in krs:
        idea.key_result_links.create(key_result=kr)
    return idea


def test_pipeline_by_key_result_by_hand(unit, django_assert_num_queries):
    other = BusinessUnitFactory(slug="sales")
    kr_a, kr_b = KeyResultFactory(title="Cut manual work"), KeyResultFactory(title="More makers")
    _idea(unit, "10000", krs=[kr_a, kr_b])  # counts once in the total, in both rows
    _idea(unit, "5000", status=Idea.Status.IN_BUILD, krs=[kr_a])
    _idea(unit, "2000")  # no key result
    _idea(unit, "90000", status=Idea.Status.DELIVERED, krs=[kr_a])  # out of the pipeline
    _idea(unit, "70000", status=Idea.Status.DECLINED, krs=[kr_b])
    _idea(unit, "80000", status=Idea.Status.DRAFT, krs=[kr_b])
    _idea(other, "1000", krs=[kr_b])
    with django_assert_num_queries(1):
        data = pipeline_by_key_result(None)
    assert (data["ideas"], data["value"]) == (4, "18000.00")
    rows = [(r["key_result"], r["ideas"], r["value"]) for r in data["by_key_result"]]
    assert rows == [
        ("Cut manual work", 2, "15000.00"),
        ("More makers", 2, "11000.00"),
        (None, 1, "2000.00"),
    ]
    scoped = pipeline_by_key_result([unit.pk])
    assert (scoped["ideas"], scoped["value"]) == (3, "17000.00")
    assert pipeline_by_key_result([999999]) == {"ideas": 0, "value": "0.00", "by_key_result": []}


def test_dashboard_shows_the_panel_with_a_flat_query_count(
    client, executive, unit, django_assert_max_num_queries
):
    from django.core.cache import cache

    from accounts.models import Organisation

    Organisation.current()
    kr = KeyResultFactory(title="Cut manual work")
    _idea(unit, "10000", krs=[kr])
    client.force_login(executive)
    cache.clear()
    # session, user, roles; units; a prepared dashboard (none); scalars; maturity; key results;
    # stories; ideas; value (5)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("dashboard:dashboard"))
    assert "Cut manual work" in page.content.decode()
    for _ in range(20):
        _idea(unit, "500", krs=[KeyResultFactory()])
    cache.clear()
    with django_assert_max_num_queries(16):
        client.get(reverse("dashboard:dashboard"))
