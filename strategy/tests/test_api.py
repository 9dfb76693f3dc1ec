from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from strategy.models import CheckIn, KeyResult, KpiMeasurement, Plan

from .factories import KeyResultFactory, KpiFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def kr(maker, coe_lead):
    return KeyResultFactory(
        objective=ObjectiveFactory(plan=PlanFactory(owner=coe_lead)),
        owner=maker,
        baseline=40,
        target=10,
        kind="decrease",
    )


def kr_payload(objective, **changes):
    data = {
        "objective": str(objective.uuid),
        "title": "Raise the share of apps with an owner",
        "kind": "increase",
        "unit": "percent",
        "baseline": "20",
        "target": "80",
        "starts_on": "2026-01-01",
        "due_on": "2026-12-31",
        "weight": "1",
    }
    data.update(changes)
    return data


def test_anonymous_request_is_refused(kr):
    assert api().get("/api/v1/plans/").status_code in (401, 403)


def test_maker_reads_plans_and_key_results_with_progress(maker, kr):
    KeyResult.objects.filter(pk=kr.pk).update(current=25)
    client = api(maker)
    plans = client.get("/api/v1/plans/").json()["results"]
    assert [p["uuid"] for p in plans] == [str(kr.objective.plan.uuid)]
    assert plans[0]["progress"] == 50.0
    row = client.get(f"/api/v1/key-results/{kr.uuid}/").json()
    assert row["progress"] == 50.0 and row["kind"] == "decrease"
    assert row["status"] in {"on_track", "at_risk", "off_track", "done"}


@pytest.mark.parametrize("persona", ["maker", "executive"])
def test_readers_cannot_write_through_the_api(request, persona, kr):
    client = api(request.getfixturevalue(persona))
    plan = kr.objective.plan
    body = {"title": "X", "vision": "V", "starts_on": "2026-01-01", "ends_on": "2026-06-01"}
    assert client.post("/api/v1/plans/", body, format="json").status_code == 403
    assert client.patch(f"/api/v1/plans/{plan.uuid}/", {"title": "Y"}).status_code == 403
    assert client.delete(f"/api/v1/key-results/{kr.uuid}/").status_code == 403
    assert Plan.objects.get().title == plan.title and KeyResult.objects.alive().count() == 1


def test_coe_lead_creates_a_plan_with_its_checklist(coe_lead):
    body = {
        "title": "Adoption 2026",
        "vision": "Every unit builds safely.",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "owner": coe_lead.username,
    }
    response = api(coe_lead).post("/api/v1/plans/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Plan.objects.get().steps.count() == 5
    body["ends_on"] = "2025-01-01"
    response = api(coe_lead).post("/api/v1/plans/", body, format="json")
    assert response.status_code == 400 and "ends_on" in response.json()
    assert Plan.objects.count() == 1


def test_plans_cannot_be_deleted_through_the_api(coe_lead, kr):
    response = api(coe_lead).delete(f"/api/v1/plans/{kr.objective.plan.uuid}/")
    assert response.status_code == 405 and Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target": "20"}, "target"),
        ({"due_on": "2025-06-01"}, "due_on"),
        ({"weight": "0"}, "weight"),
        ({"target": "eighty"}, "target"),
        ({"unit": "currency"}, "currency"),
    ],
)
def test_bad_key_result_is_refused_by_the_api(coe_lead, changes, field):
    objective = ObjectiveFactory()
    response = api(coe_lead).post(
        "/api/v1/key-results/", kr_payload(objective, **changes), format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert KeyResult.objects.count() == 0


def test_partial_update_keeps_the_rules(coe_lead, kr):
    response = api(coe_lead).patch(
        f"/api/v1/key-results/{kr.uuid}/", {"target": "40"}, format="json"
    )
    assert response.status_code == 400 and "target" in response.json()
    response = api(coe_lead).patch(
        f"/api/v1/key-results/{kr.uuid}/", {"target": "5"}, format="json"
    )
    assert response.status_code == 200 and response.json()["target"] == "5.00"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("maker", 201), ("other_maker", 403), ("executive", 403), ("coe_lead", 201)],
)
def test_check_in_through_the_api(request, kr, persona, status):
    response = api(request.getfixturevalue(persona)).post(
        f"/api/v1/key-results/{kr.uuid}/check-in/",
        {"value": "25", "confidence": 6},
        format="json",
    )
    assert response.status_code == status
    assert CheckIn.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert (
            api(request.getfixturevalue(persona))
            .get(f"/api/v1/key-results/{kr.uuid}/")
            .json()["progress"]
            == 50.0
        )


def test_check_in_with_bad_confidence_is_400(maker, kr):
    response = api(maker).post(
        f"/api/v1/key-results/{kr.uuid}/check-in/", {"value": "1", "confidence": 11}
    )
    assert response.status_code == 400 and CheckIn.objects.count() == 0


def test_delete_hides_the_key_result_and_keeps_check_ins(coe_lead, maker, kr):
    api(maker).post(f"/api/v1/key-results/{kr.uuid}/check-in/", {"value": "30"})
    assert api(coe_lead).delete(f"/api/v1/key-results/{kr.uuid}/").status_code == 204
    kr.refresh_from_db()
    assert kr.deleted_at is not None and kr.check_ins.count() == 1
    assert api(coe_lead).get(f"/api/v1/key-results/{kr.uuid}/").status_code == 404


def test_kpi_measurement_through_the_api_checks_in_bound_key_results(coe_lead, maker, kr):
    kpi = KpiFactory(owner=coe_lead)
    KeyResult.objects.filter(pk=kr.pk).update(kpi=kpi)
    url = f"/api/v1/kpis/{kpi.uuid}/measurements/"
    assert api(maker).post(url, {"measured_on": "2026-02-01", "value": "1"}).status_code == 403
    response = api(coe_lead).post(url, {"measured_on": "2026-02-01", "value": "25"})
    assert response.status_code == 201
    kr.refresh_from_db()
    assert kr.current == Decimal(25)
    again = api(coe_lead).post(url, {"measured_on": "2026-02-01", "value": "26"})
    assert again.status_code == 409 and KpiMeasurement.objects.count() == 1
    assert again.json() == {"detail": "This KPI already has a measurement for that date."}
    rows = api(maker).get(url).json()
    assert [row["value"] for row in rows] == ["25.00"]


def test_plan_list_api_query_count(coe_lead, django_assert_max_num_queries):
    for _ in range(5):
        plan = PlanFactory(owner=coe_lead)
        for _ in range(2):
            KeyResultFactory(objective=ObjectiveFactory(plan=plan))
    client = api(coe_lead)
    # token + user, roles, count, plans with owner/sponsor/unit, objectives, key results: 6
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/plans/")
    assert response.json()["count"] == 5


def test_key_result_list_api_query_count(coe_lead, django_assert_max_num_queries):
    for _ in range(10):
        KeyResultFactory()
    client = api(coe_lead)
    # token + user, roles, count, key results with objective/plan/owner/kpi joined: 4
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/key-results/")
    assert response.json()["count"] == 10


def test_api_shows_no_check_in_yet_and_rounds_once_half_up(maker, kr):
    """A key result without a value: progress null and status "no_check_in", left out of its
    objective's progress and counted in `awaiting_check_in`. Figures are rounded once, half-up:
    increase 0 → 80 at 25 is 31.25 % → 31.3; objectives at 31.25 and 56.25 → plan 43.75 → 43.8."""
    objective = kr.objective  # kr (decrease 40 → 10) has no check-in yet
    KeyResultFactory(objective=objective, baseline=0, target=80, current=25)
    second = ObjectiveFactory(plan=objective.plan)
    KeyResultFactory(objective=second, baseline=0, target=80, current=45)
    client = api(maker)
    row = client.get(f"/api/v1/key-results/{kr.uuid}/").json()
    assert (row["progress"], row["status"], row["current"]) == (None, "no_check_in", None)
    objectives = client.get(f"/api/v1/objectives/?plan__uuid={objective.plan.uuid}").json()
    by_uuid = {o["uuid"]: o for o in objectives["results"]}
    assert by_uuid[str(objective.uuid)]["progress"] == 31.3
    assert by_uuid[str(objective.uuid)]["awaiting_check_in"] == 1
    assert by_uuid[str(second.uuid)]["progress"] == 56.3
    plan = client.get(f"/api/v1/plans/{objective.plan.uuid}/").json()
    assert plan["progress"] == 43.8  # half-to-even on rounded figures gave (31.2 + 56.2) / 2 = 43.7
