"""Value records from a published story's metrics (stories.services.record_value)."""

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent
from config.tests.marks import CONCURRENT_WRITERS
from stories.services.record_value import (
    Method,
    MetricConversion,
    StoryValueError,
    default_months,
    story_value_preview,
    story_value_record,
    suggested_include,
)
from value.models import ValueRecord
from value.tests.factories import SolutionFactory, UnitCostFactory, ValueRecordFactory

from .factories import StoryFactory, StoryMetricFactory

# Row locks are what this test is about; SQLite locks the whole database instead (and its
# shared in-memory test database cannot take two writers at once).
D = Decimal
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


@pytest.fixture
def hour_cost(unit):
    return UnitCostFactory(business_unit=unit, name="Clerk hour", measure="hour", amount=D("30"))


@pytest.fixture
def story(unit):
    solution = SolutionFactory(business_unit=unit, name="Invoice flow")
    return StoryFactory(business_unit=unit, solution=solution, published=True)


@pytest.fixture
def invoices(story):
    return StoryMetricFactory(
        story=story, name="Minutes per invoice", unit="minutes", before_value=12, after_value=2
    )


def record(story, actor, conversions, start=JAN, end=MAR, **kwargs):
    return story_value_record(
        story=story,
        actor=actor,
        conversions=conversions,
        month_from=start,
        month_to=end,
        **kwargs,
    )


def problems(excinfo) -> set[tuple[str, str, int | None]]:
    return {(p.field, p.message, p.index) for p in excinfo.value.problems}


def test_minutes_per_invoice_become_hours_and_money_for_each_month(
    story, invoices, hour_cost, coe_lead
):
    # (12 - 2) min x 3,000 invoices / 60 = 500.0 h; x 30.00 = 15,000.00 a month; 3 months.
    conversion = MetricConversion(invoices, Method.TIME_PER_ITEM, D("3000"), hour_cost)
    result = record(story, coe_lead, [conversion])
    records = ValueRecord.objects.filter(solution=story.solution).order_by("month")
    assert [r.month for r in records] == [JAN, FEB, MAR]
    assert {(r.hours_saved, r.hourly_rate, r.amount) for r in records} == {
        (D("500.0"), D("30.00"), D("15000.00"))
    }
    assert sum(r.amount for r in records) == D("45000.00")
    assert {r.source for r in records} == {"measured"}
    assert records[0].origin_key == f"story-metric:{invoices.uuid}:2026-01"
    assert records[0].calculation["story"] == str(story.uuid)
    assert records[0].recorded_by == coe_lead
    assert len(result.created) == 3 and result.already_recorded == []
    audit = AuditEvent.objects.get(verb="story_value_recorded")
    assert (audit.target_id, audit.detail["created"], audit.detail["total"]) == (
        str(story.pk),
        3,
        "45000.00",
    )


def test_doing_it_twice_creates_nothing_new(story, invoices, hour_cost, coe_lead):
    conversion = MetricConversion(invoices, Method.TIME_PER_ITEM, D("3000"), hour_cost)
    record(story, coe_lead, [conversion], end=FEB)
    again = record(story, coe_lead, [conversion])  # January to March: only March is new
    assert [r.month for r in again.created] == [MAR]
    assert [month for _, month in again.already_recorded] == [JAN, FEB]
    third = record(story, coe_lead, [conversion])
    assert third.created == [] and len(third.already_recorded) == 3
    assert ValueRecord.objects.count() == 3
    # Only the runs that created something are in the audit trail.
    assert AuditEvent.objects.filter(verb="story_value_recorded").count() == 2


def test_the_preview_writes_nothing_and_marks_recorded_months(story, invoices, hour_cost, coe_lead):
    conversion = MetricConversion(invoices, Method.TIME_PER_ITEM, D("3000"), hour_cost)
    record(story, coe_lead, [conversion], end=JAN)
    ValueRecordFactory(solution=story.solution, month=FEB)  # entered by hand, not from the story
    plan = story_value_preview(story=story, conversions=[conversion], month_from=JAN, month_to=MAR)
    assert ValueRecord.objects.count() == 2
    (metric_plan,) = plan.metrics
    assert (metric_plan.calculation.amount, metric_plan.total) == (D("15000.00"), D("45000.00"))
    assert metric_plan.recorded == {JAN} and plan.new_count == 2
    assert plan.other_records == 1


def test_hours_per_week_use_periods_per_month_and_the_units_staff_rate(story, unit, coe_lead):
    UnitCostFactory(business_unit=unit, name="Staff hour", measure="hour", amount=D("52"),
                    is_staff_hour=True)  # fmt: skip
    weekly = StoryMetricFactory(story=story, unit="hours", before_value=12, after_value=2)
    conversion = MetricConversion(weekly, Method.HOURS_PER_PERIOD, D("4.33"))
    (created,) = record(story, coe_lead, [conversion], end=JAN).created
    # 10 h a week x 4.33 weeks = 43.3 h; x 52.00 = 2,251.60
    assert (created.hours_saved, created.amount) == (D("43.3"), D("2251.60"))


def test_counts_are_valued_with_a_cost_from_the_library(story, unit, coe_lead):
    errors = StoryMetricFactory(story=story, unit="errors", before_value=D("0.2"), after_value=0)
    rework = UnitCostFactory(business_unit=unit, name="Rework", measure="event", amount=D("24"))
    conversion = MetricConversion(errors, Method.COUNT_PER_ITEM, D("500"), rework)
    (created,) = record(story, coe_lead, [conversion], end=JAN).created
    # 0.2 errors per item x 500 items x 24.00 = 2,400.00 avoided, no hours
    assert (created.hours_saved, created.cost_avoided, created.amount) == (
        D("0.0"),
        D("2400.00"),
        D("2400.00"),
    )


def test_money_per_month_is_recorded_as_cost_avoided(story, coe_lead):
    postage = StoryMetricFactory(story=story, unit="EUR", before_value=800, after_value=150)
    conversion = MetricConversion(postage, Method.MONEY_PER_PERIOD, D("1"))
    (created,) = record(story, coe_lead, [conversion], end=JAN).created
    assert (created.cost_avoided, created.amount) == (D("650.00"), D("650.00"))


def test_a_story_that_is_not_published_is_refused(unit, coe_lead, hour_cost):
    draft = StoryFactory(business_unit=unit, solution=SolutionFactory(business_unit=unit))
    metric = StoryMetricFactory(story=draft, unit="minutes", before_value=12, after_value=2)
    conversion = MetricConversion(metric, Method.TIME_PER_ITEM, D("3000"), hour_cost)
    with pytest.raises(StoryValueError) as excinfo:
        record(draft, coe_lead, [conversion])
    assert ("", "Only published stories can be turned into value records.", None) in problems(
        excinfo
    )
    assert not ValueRecord.objects.exists()


def test_a_negative_or_zero_volume_is_refused_and_nothing_is_saved(
    story, invoices, hour_cost, coe_lead
):
    other = StoryMetricFactory(story=story, unit="minutes", before_value=5, after_value=1)
    good = MetricConversion(other, Method.TIME_PER_ITEM, D("100"), hour_cost)
    for volume in (D("-3000"), D("0"), None):
        bad = MetricConversion(invoices, Method.TIME_PER_ITEM, volume, hour_cost)
        with pytest.raises(StoryValueError) as excinfo:
            record(story, coe_lead, [good, bad])
        assert problems(excinfo) == {("volume", "The volume per month must be more than zero.", 1)}
    assert not ValueRecord.objects.exists()
    assert not AuditEvent.objects.filter(verb="story_value_recorded").exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (MAR, JAN, "The last month cannot be before the first."),
        (date(2023, 1, 1), date(2026, 1, 1), "At most 36 months at a time."),
        (JAN, date(2099, 1, 1), "Value can only be recorded up to this month."),
    ],
)
def test_a_bad_month_range_is_refused(story, invoices, hour_cost, coe_lead, start, end, message):
    conversion = MetricConversion(invoices, Method.TIME_PER_ITEM, D("3000"), hour_cost)
    with pytest.raises(StoryValueError) as excinfo:
        record(story, coe_lead, [conversion], start=start, end=end)
    assert problems(excinfo) == {("month_to", message, None)}


def test_thirty_six_months_are_allowed(story, invoices, hour_cost, coe_lead):
    conversion = MetricConversion(invoices, Method.TIME_PER_ITEM, D("3000"), hour_cost)
    result = record(story, coe_lead, [conversion], start=date(2023, 2, 1), end=JAN)
    assert len(result.created) == 36


def test_a_story_without_a_solution_needs_one_and_is_linked_to_it(unit, coe_lead, hour_cost):
    story = StoryFactory(business_unit=unit, published=True)
    metric = StoryMetricFactory(story=story, unit="minutes", before_value=12, after_value=2)
    conversion = MetricConversion(metric, Method.TIME_PER_ITEM, D("3000"), hour_cost)
    with pytest.raises(StoryValueError) as excinfo:
        record(story, coe_lead, [conversion])
    assert [p.field for p in excinfo.value.problems] == ["solution"]
    solution = SolutionFactory(business_unit=unit)
    result = record(story, coe_lead, [conversion], solution=solution)
    story.refresh_from_db()
    assert story.solution == solution == result.solution
    assert ValueRecord.objects.filter(solution=solution).count() == 3


def test_a_metric_without_a_saving_or_an_hourly_cost_is_refused(story, coe_lead):
    rising = StoryMetricFactory(story=story, unit="%", before_value=20, after_value=85)
    minutes = StoryMetricFactory(story=story, unit="minutes", before_value=12, after_value=2)
    with pytest.raises(StoryValueError) as excinfo:
        record(
            story,
            coe_lead,
            [
                MetricConversion(rising, Method.COUNT_PER_ITEM, D("10"), None),
                MetricConversion(minutes, Method.TIME_PER_ITEM, D("10"), None),  # no staff rate
            ],
        )
    assert {(field, index) for field, _, index in problems(excinfo)} == {
        ("", 0),
        ("unit_cost", 0),
        ("unit_cost", 1),
    }


def test_a_volume_too_large_to_store_is_refused_not_a_crash(story, invoices, hour_cost, coe_lead):
    conversion = MetricConversion(invoices, Method.TIME_PER_ITEM, D("9999999999.99"), hour_cost)
    with pytest.raises(StoryValueError) as excinfo:
        record(story, coe_lead, [conversion])
    assert [p.field for p in excinfo.value.problems] == ["volume"]


def test_default_months_run_from_publication_to_the_last_complete_month(unit):
    published = timezone.make_aware(datetime(2026, 3, 20, 10, 0))
    story = StoryFactory(business_unit=unit, published=True, published_at=published)
    assert default_months(story, today=date(2026, 7, 5)) == (MAR, date(2026, 6, 1))
    assert default_months(story, today=date(2026, 3, 25)) == (MAR, MAR)
    assert default_months(story, today=date(2031, 1, 2)) == (date(2028, 1, 1), date(2030, 12, 1))


@CONCURRENT_WRITERS
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_record_each_month_once(unit, coe_lead, hour_cost):
    solution = SolutionFactory(business_unit=unit)
    story = StoryFactory(business_unit=unit, solution=solution, published=True)
    metric = StoryMetricFactory(story=story, unit="minutes", before_value=12, after_value=2)
    conversion = MetricConversion(metric, Method.TIME_PER_ITEM, D("3000"), hour_cost)
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            results.append(len(record(story, coe_lead, [conversion]).created))
        except Exception as exc:  # reported by the assert below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0, 3]  # the second run waited for the first and found its records
    assert ValueRecord.objects.count() == 3


def test_only_metrics_that_save_and_have_a_known_volume_are_ticked_at_first(story):
    weekly = StoryMetricFactory(story=story, unit="hours", period="per week", before_value=12,
                                after_value=2)  # fmt: skip
    rising = StoryMetricFactory(story=story, unit="%", period="per week", before_value=20,
                                after_value=85)  # fmt: skip
    unknown = StoryMetricFactory(story=story, unit="days", period="", before_value=6,
                                 after_value=1)  # fmt: skip
    assert [suggested_include(m) for m in (weekly, rising, unknown)] == [True, False, False]
