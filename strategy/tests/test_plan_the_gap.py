"""Plan the gap: a submitted assessment's recommended opportunities become proposed initiatives."""

import pytest
from django.urls import reverse

from adoption.loader import load_question_bank
from adoption.services import assessment_recommendations
from adoption.tests.factories import answer_all, start, submit
from maturity.loader import load_maturity_model
from strategy.models import Initiative

from .factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(coe_lead):
    load_maturity_model()
    load_question_bank()
    draft = start(user=coe_lead)
    answer_all(draft, 200)
    return submit(draft, user=coe_lead)


def test_plan_the_gap_creates_proposed_initiatives_for_chosen_areas(client, coe_lead, assessment):
    plan = PlanFactory(owner=coe_lead)
    recommendations = [r for r in assessment_recommendations(assessment) if r.opportunities]
    chosen = recommendations[0]
    url = reverse("strategy:plan_the_gap", args=[plan.uuid])
    client.force_login(coe_lead)
    page = client.get(url, {"assessment": str(assessment.uuid)})
    assert page.status_code == 200 and chosen.area.name in page.content.decode()
    body = {"assessment": str(assessment.uuid), "areas": [chosen.area.key], "horizon": "next_year"}
    response = client.post(url, body)
    assert response.status_code == 302
    initiatives = list(plan.initiatives.all())
    assert len(initiatives) == len(chosen.opportunities)
    assert {i.title for i in initiatives} == {o.text[:200] for o in chosen.opportunities}
    assert all(
        i.status == Initiative.Status.PROPOSED and i.horizon == "next_year" for i in initiatives
    )
    assert all(list(i.areas.all()) == [chosen.area] for i in initiatives)
    client.post(url, body)  # a second time adds nothing
    assert plan.initiatives.count() == len(chosen.opportunities)


def test_plan_the_gap_without_a_choice_saves_nothing(client, coe_lead, assessment):
    plan = PlanFactory(owner=coe_lead)
    client.force_login(coe_lead)
    url = reverse("strategy:plan_the_gap", args=[plan.uuid])
    response = client.post(url, {"assessment": str(assessment.uuid), "horizon": "soon"})
    assert response.status_code == 400 and plan.initiatives.count() == 0
    assert client.get(url, {"assessment": "not-a-uuid"}).status_code == 404


@pytest.mark.parametrize("persona", ["maker", "executive"])
def test_plan_the_gap_is_for_the_coe(client, request, persona, assessment):
    plan = PlanFactory()
    client.force_login(request.getfixturevalue(persona))
    url = reverse("strategy:plan_the_gap", args=[plan.uuid])
    assert client.get(url).status_code == 403
    assert client.post(url, {"areas": ["x"], "horizon": "immediate"}).status_code == 403
