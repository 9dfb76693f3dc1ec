import pytest
from django.core.management import call_command

from strategy.models import CheckIn, Initiative, KeyResult, Kpi, KpiMeasurement, Plan
from strategy.progress import AT_RISK, DONE, OFF_TRACK, ON_TRACK

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Plan, KeyResult, CheckIn, Initiative, Kpi, KpiMeasurement)]


def test_demo_is_believable_and_idempotent():
    call_command("load_content")
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    plan = Plan.objects.get(title="Harbourline value plan")
    assert plan.status == "active" and plan.owner.username == "coe"
    assert plan.sponsor.username == "exec"
    key_results = list(KeyResult.objects.filter(objective__plan=plan))
    assert {kr.kind for kr in key_results} == {
        "increase",
        "decrease",
        "stay_above",
        "stay_below",
        "milestone",
    }
    assert {kr.status() for kr in key_results} >= {ON_TRACK, AT_RISK, OFF_TRACK, DONE}
    assert any(kr.owner.username == "maker" for kr in key_results)
    assert set(plan.initiatives.values_list("horizon", flat=True)) == {
        "immediate",
        "next_year",
        "three_years",
    }
    assert CheckIn.objects.filter(key_result__objective__plan=plan).count() > 100
    assert KpiMeasurement.objects.count() == 8
    assert CheckIn.objects.filter(measurement__isnull=False).count() == 4
