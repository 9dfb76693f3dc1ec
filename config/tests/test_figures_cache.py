"""Figures cached under a version of the data (config.figures_cache): a change shows at the next
request, the cached figures always equal those computed afresh from the raw rows, and a cache
that is down costs speed only."""

import random
import re
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from accounts.templatetags.numbers import money
from accounts.tests.factories import BusinessUnitFactory
from config import figures_cache
from config.tests.redis_server import redis_cache
from notifications.models import Notification
from value import figures, rollup
from value.models import ValueRecord
from value.services import value_record_create
from value.tests.factories import SolutionFactory, ValueRecordFactory

pytestmark = pytest.mark.django_db
PERIOD = {"start": "2026-01", "end": "2026-03"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _value_on_page(client) -> str:
    """The "Value delivered" figure as the value page shows it."""
    page = client.get(reverse("value:overview"), PERIOD).content.decode()
    return re.search(r'Value delivered</div>\s*<div class="fs-4 fw-semibold">([^<]+)<', page)[1]


def test_a_recorded_value_shows_at_once(client, executive, coe_lead, unit):
    solution = SolutionFactory(business_unit=unit)
    ValueRecordFactory(solution=solution, month=date(2026, 2, 1))  # 100.00
    Organisation.current()  # made on first use: a write of its own
    client.force_login(executive)
    assert _value_on_page(client) == money(Decimal("100.00"))
    with CaptureQueriesContext(connection) as again:
        assert _value_on_page(client) == money(Decimal("100.00"))
    assert not [q for q in again.captured_queries if "value_unitmonthvalue" in q["sql"]]

    value_record_create(
        solution=solution,
        month=date(2026, 3, 1),
        actor=coe_lead,
        source=ValueRecord.Source.MEASURED,
        cost_avoided=Decimal("250"),
    )
    assert _value_on_page(client) == money(Decimal("350.00"))


def test_value_page_panels_are_rendered_once_per_figures(client, executive, coe_lead, unit):
    """A repeat visit, by another reader too, renders none of the figures' templates and shows
    the same panels; a recorded value makes the next visit render them with the new total."""
    solution = SolutionFactory(business_unit=unit, name="Invoice approvals")
    ValueRecordFactory(solution=solution, month=date(2026, 2, 1))  # 100.00
    panels = "value/_overview_panels.html"
    client.force_login(executive)
    first = client.get(reverse("value:overview"), PERIOD)
    assert panels in [template.name for template in first.templates]
    assert "Invoice approvals" in first.context["panels"]
    client.force_login(coe_lead)
    again = client.get(reverse("value:overview"), PERIOD)
    assert panels not in [template.name for template in again.templates]
    assert again.context["panels"] == first.context["panels"]
    assert again.context["panels"] in again.content.decode()
    value_record_create(
        solution=solution,
        month=date(2026, 3, 1),
        actor=coe_lead,
        source=ValueRecord.Source.MEASURED,
        cost_avoided=Decimal("250"),
    )
    changed = client.get(reverse("value:overview"), PERIOD)
    assert panels in [template.name for template in changed.templates]
    assert "350.00" in changed.context["panels"] and "350.00" not in first.context["panels"]


def test_writes_to_figures_models_bump_the_version_and_others_do_not(executive, unit):
    before = figures_cache.version()
    Notification.objects.create(
        recipient=executive, kind="digest", subject_key="x", due_on=date(2026, 12, 2), title="Hi"
    )
    assert figures_cache.version() == before
    unit.name = "Finance and Controlling"
    unit.save()
    assert figures_cache.version() > before


def test_a_refresh_of_the_rollup_bumps_the_version(unit):
    # Imports write value records and solutions in bulk, past the models' signals.
    before = figures_cache.version()
    rollup.refresh_units([unit.pk])
    assert figures_cache.version() > before


def test_the_version_is_bumped_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    before = figures_cache.version()
    with django_capture_on_commit_callbacks(execute=True):
        BusinessUnitFactory(name="Finance", slug="finance")
        BusinessUnitFactory(name="Payables", slug="payables")
        assert figures_cache.version() == before + 2  # the writer reads its own change
    # Once more at the commit (once for the transaction): nobody keeps what they read in between.
    assert figures_cache.version() == before + 3


def test_an_emptied_cache_never_goes_back_to_an_old_version(unit):
    before = figures_cache.version()
    for _ in range(50):
        unit.save()
    bumped = figures_cache.version()
    assert bumped == before + 50
    cache.delete(figures_cache.VERSION_KEY)  # culled, evicted or restarted
    assert figures_cache.version() > bumped


def test_cached_figures_equal_fresh_ones_on_random_data():
    """Random writes of the kinds the services make (records added and deleted, solutions moved
    between units), each followed by a comparison of the cached figures of every scope with
    figures computed from the raw rows."""
    rng = random.Random(20261202)
    division = BusinessUnitFactory(name="Division", slug="division")
    units = [
        division,
        BusinessUnitFactory(name="Team A", slug="team-a", parent=division),
        BusinessUnitFactory(name="Team B", slug="team-b", parent=division),
        BusinessUnitFactory(name="Other", slug="other"),
    ]
    solutions = [SolutionFactory(business_unit=rng.choice(units)) for _ in range(6)]
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    for _step in range(25):
        action = rng.choice(["add", "add", "delete", "move"])
        if action == "add":
            ValueRecordFactory(
                solution=rng.choice(solutions),
                month=date(2026, rng.randint(1, 6), 1),
                amount=Decimal(rng.randint(1, 99_999)) / 100,
            )
        elif action == "delete" and ValueRecord.objects.exists():
            record = rng.choice(list(ValueRecord.objects.select_related("solution")))
            record.delete()
            rollup.refresh_units([record.solution.business_unit_id])
        else:
            solution = rng.choice(solutions)
            left = solution.business_unit_id
            solution.business_unit = rng.choice(units)
            solution.save()
            rollup.refresh_units([left, solution.business_unit_id])
        for scope in [None, *units]:
            cached = figures.cached_roi_figures(scope, start, end).as_dict()
            assert cached == figures.roi_figures(scope, start, end).as_dict(), (_step, scope)
    assert ValueRecord.objects.count() > 5  # the walk wrote something to compare


def test_a_cache_that_is_down_costs_speed_not_the_figures(settings, unit):
    ValueRecordFactory(solution=SolutionFactory(business_unit=unit), month=date(2026, 2, 1))
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")  # nothing listens there
    start, end = date(2026, 1, 1), date(2026, 3, 31)
    assert figures_cache.version() is None
    figures_cache.bump()  # a write is not refused for a cache that is down
    assert figures.cached_roi_figures(unit, start, end).totals.value == Decimal("100.00")


def test_a_hung_cache_is_left_alone_and_owed_bumps_are_paid_when_it_is_back(
    settings, unit, monkeypatch
):
    """A Redis that accepts connections but answers nothing (paused): the first call waits its
    socket timeout, later ones do not wait at all, and the writes made meanwhile bump the
    version once the cache is back, so nobody reads the figures from before them."""
    from config.tests.redis_server import private_redis

    monkeypatch.setattr(figures_cache, "RETRY_SECONDS", 1)
    solution = SolutionFactory(business_unit=unit)
    ValueRecordFactory(solution=solution, month=date(2026, 2, 1))  # 100.00
    start, end = date(2026, 1, 1), date(2026, 3, 31)
    with private_redis() as redis_server:
        settings.CACHES = redis_cache(redis_server.url, timeout=0.5)
        assert figures.cached_roi_figures(unit, start, end).totals.value == Decimal("100.00")
        redis_server.pause()
        began = time.monotonic()
        assert figures.cached_roi_figures(unit, start, end).totals.value == Decimal("100.00")
        for month in (2, 3):  # written while the cache hangs: 300.00 in all
            ValueRecordFactory(solution=solution, month=date(2026, month, 1))
        assert time.monotonic() - began < 1.5  # one timeout, not one per call
        redis_server.resume()
        time.sleep(1.1)  # the rest is over
        assert figures.cached_roi_figures(unit, start, end).totals.value == Decimal("300.00")


def test_other_models_and_the_rollup_tables_keep_their_fast_delete():
    """Receivers only on the figures models: Django still empties an import's change rows or a
    unit's roll-up rows in one DELETE, without reading them first."""
    from django.db.models.deletion import Collector

    from inventory.models import ImportChange
    from value.models import UnitMonthValue

    collector = Collector(using="default")
    assert collector.can_fast_delete(ImportChange.objects.all())
    assert collector.can_fast_delete(UnitMonthValue.objects.all())
    assert not collector.can_fast_delete(ValueRecord.objects.all())  # it bumps the version


def test_a_request_reads_the_version_once_and_a_write_in_it_reads_it_anew(
    client, executive, monkeypatch
):
    Organisation.current()
    reads = []
    read_version = figures_cache._read_version
    monkeypatch.setattr(figures_cache, "_read_version", lambda: reads.append(1) or read_version())
    client.force_login(executive)
    client.get(reverse("home"))  # five cached panels and the figures they share
    assert len(reads) == 1

    figures_cache._request_started()
    try:
        before = figures_cache.version()
        assert figures_cache.version() == before and len(reads) == 2
        figures_cache.bump()
        assert figures_cache.version() > before
    finally:
        figures_cache._request_finished()
    outside = figures_cache.version(), figures_cache.version()
    assert len(reads) == 5 and outside[0] == outside[1]


def test_a_change_of_a_person_bumps_the_version_and_a_sign_in_does_not(executive):
    before = figures_cache.version()
    executive.last_login = timezone.now()
    executive.save(update_fields=["last_login"])
    assert figures_cache.version() == before
    executive.first_name = "Robin"
    executive.save(update_fields=["first_name", "last_login"])
    assert figures_cache.version() > before
