"""Dashboards prepared ahead of their readers (reports.prepared): equal to the ones computed for
a reader on random data, served only while their data version and day are current, prepared
again only when they are not."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import BusinessUnit, Organisation
from accounts.tests.factories import BusinessUnitFactory
from config import figures_cache
from config.celery import app
from reports import dashboard, prepared
from reports.dashboard_panels import render_panels
from reports.models import PreparedDashboard
from stories.tests.factories import StoryFactory
from strategy.tests.factories import KeyResultFactory, ObjectiveFactory, PlanFactory
from value.figures import month_start
from value.models import Solution, ValueRecord
from value.services import value_record_create
from value.tests.factories import SolutionFactory, ValueRecordFactory

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:dashboard")


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def _scopes() -> int:
    """The organisation and every top-level unit (factories add some of their own)."""
    return 1 + BusinessUnit.objects.filter(parent__isnull=True).count()


def _random_organisation(seed: int) -> list:
    """Two top-level units with units below, solutions with value in recent months, plans with
    key results and published stories, all drawn at random."""
    rng = random.Random(seed)
    Organisation.current()
    today = timezone.localdate()
    tops = [BusinessUnitFactory(name=f"Top {i}", slug=f"top-{i}") for i in range(2)]
    units = tops + [
        BusinessUnitFactory(name=f"Below {i}", slug=f"below-{i}", parent=rng.choice(tops))
        for i in range(3)
    ]
    for index in range(8):
        solution = SolutionFactory(
            name=f"Solution {index}",
            business_unit=rng.choice(units),
            go_live_on=today - timedelta(days=rng.randint(0, 300)),
            licence_cost_monthly=Decimal(rng.choice([0, 20, 45])),
        )
        month = month_start(today)
        for _ in range(rng.randint(1, 4)):
            ValueRecordFactory(
                solution=solution, month=month, amount=Decimal(rng.randint(1, 90_000)) / 100
            )
            month = month_start(month - timedelta(days=1))
    for index in range(4):
        plan = PlanFactory(business_unit=rng.choice(units), status="active")
        KeyResultFactory(
            objective=ObjectiveFactory(plan=plan, title=f"Objective {index}"),
            current=Decimal(rng.randint(0, 100)),
        )
        StoryFactory(business_unit=rng.choice(units), published=True)
    return tops


@pytest.mark.parametrize("seed", [3, 17])
def test_a_prepared_dashboard_equals_the_one_computed_for_a_reader(seed):
    tops = _random_organisation(seed)

    count = prepared.prepare_dashboards()

    assert count == _scopes() * len(settings.LANGUAGES)
    units = dashboard.unit_choices()
    for unit in [None, *tops]:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                ready = prepared.find(unit, dashboard.DEFAULT_PERIOD, timezone.localdate())
                live = dashboard.dashboard_figures(unit=unit, units=units)
                assert ready["figures"] == live
                assert ready["panels"] == render_panels(live)
    assert Decimal(ready["figures"]["value"]["totals"]["value"]) > 0  # not an empty comparison


def test_the_first_reader_gets_the_prepared_dashboard_and_a_change_is_never_hidden(
    client, executive, coe_lead
):
    _random_organisation(5)
    prepared.prepare_dashboards()
    figures_cache.forget_entries()
    client.force_login(executive)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL)
    # session, user, roles, units, the prepared dashboard; none of the figures' own queries
    assert len(queries) == 5
    assert "reports/dashboard/_value.html" not in [t.name for t in page.templates]
    org = PreparedDashboard.objects.get(scope="org", language="en-gb")
    assert page.context["panels"] == org.panels
    assert client.get("/api/v1/dashboard/").json() == org.figures

    total = Decimal(org.figures["value"]["totals"]["value"])
    value_record_create(
        solution=Solution.objects.order_by("pk").first(),
        month=month_start(timezone.localdate()),
        actor=coe_lead,
        source=ValueRecord.Source.MEASURED,
        cost_avoided=Decimal("250"),
    )
    changed = client.get(URL)
    assert "reports/dashboard/_value.html" in [t.name for t in changed.templates]
    assert Decimal(changed.context["data"]["value"]["totals"]["value"]) == total + 250
    assert client.get("/api/v1/dashboard/").json()["value"]["totals"]["value"] == str(total + 250)

    assert prepared.prepare_dashboards() == _scopes() * len(settings.LANGUAGES)
    figures_cache.forget_entries()
    again = client.get(URL)
    assert "reports/dashboard/_value.html" not in [t.name for t in again.templates]
    assert Decimal(again.context["data"]["value"]["totals"]["value"]) == total + 250


def test_a_reader_gets_the_dashboard_prepared_in_their_language(client, executive):
    _random_organisation(7)
    prepared.prepare_dashboards()
    figures_cache.forget_entries()
    client.force_login(executive)

    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="de")

    german = PreparedDashboard.objects.get(scope="org", language="de")
    assert page.context["panels"] == german.panels
    assert german.figures["period"]["name"] == "Dieses Quartal"


def test_a_dashboard_of_another_day_is_not_served(client, executive):
    _random_organisation(9)
    prepared.prepare_dashboards()
    PreparedDashboard.objects.update(day=timezone.localdate() - timedelta(days=1))
    figures_cache.forget_entries()
    client.force_login(executive)

    page = client.get(URL)

    assert "reports/dashboard/_value.html" in [t.name for t in page.templates]
    # the next run prepares them all again, for today
    assert prepared.prepare_dashboards() == _scopes() * len(settings.LANGUAGES)
    assert set(PreparedDashboard.objects.values_list("day", flat=True)) == {timezone.localdate()}


def test_a_run_prepares_only_what_is_not_current():
    tops = _random_organisation(11)
    spare = BusinessUnitFactory(name="Spare", slug="spare")
    languages = len(settings.LANGUAGES)
    assert prepared.prepare_dashboards() == _scopes() * languages
    assert prepared.prepare_dashboards() == 0  # nothing changed

    gone = str(spare.pk)
    spare.delete()  # a write of the figures' data: every dashboard is out of date
    assert prepared.prepare_dashboards() == _scopes() * languages
    scopes = set(PreparedDashboard.objects.values_list("scope", flat=True))
    assert "org" in scopes and str(tops[0].pk) in scopes and gone not in scopes
    assert PreparedDashboard.objects.count() == _scopes() * languages


def test_units_further_down_and_other_periods_are_not_looked_up(client, executive):
    _random_organisation(13)
    below = BusinessUnitFactory(name="Deep", slug="deep", parent=BusinessUnitFactory())
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        assert prepared.find(below, dashboard.DEFAULT_PERIOD, today) is None
        assert prepared.find(None, "all_time", today) is None
    assert len(queries) == 0


def test_one_run_at_a_time():
    _random_organisation(15)
    cache.add(prepared.LOCK_KEY, True)
    assert prepared.prepare_dashboards() == 0
    cache.delete(prepared.LOCK_KEY)
    assert prepared.prepare_dashboards() == _scopes() * len(settings.LANGUAGES)


def test_beat_runs_the_preparation_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-prepare-dashboards"]
    assert entry["schedule"] == 60
    _random_organisation(19)
    assert app.tasks[entry["task"]].apply().get() == _scopes() * len(settings.LANGUAGES)
