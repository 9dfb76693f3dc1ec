"""The ideas API: create with the form's rules, votes (idempotent), scores, review, profiles,
badges, each under the policy."""

from decimal import Decimal

import pytest

from ideas.models import Badge, BadgeRule, Idea, MakerProfile
from strategy.models import Plan
from strategy.tests.factories import KeyResultFactory

from .factories import IdeaFactory

D = Decimal


def _payload(unit, **overrides):
    data = {
        "title": "Room bookings in Teams",
        "business_unit": unit.slug,
        "process": "Room bookings",
        "pain_point": "Phone calls to reception.",
        "people_affected": 100,
        "occurrences": 1,
        "period": "month",
        "minutes_now": 10,
        "minutes_after": 1,
        "submit": True,
    }
    data.update(overrides)
    return data


def test_anyone_signed_in_creates_an_idea_but_not_its_status(client, unit, no_role_user):
    kr = KeyResultFactory()
    client.force_login(no_role_user)
    response = client.post(
        "/api/v1/ideas/",
        _payload(unit, status="accepted", score="99", key_results=[{"key_result": str(kr.uuid)}]),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "new" and body["score"] != "99.00"
    assert body["key_results"][0]["key_result"] == str(kr.uuid)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"people_affected": 10_000_000}, "people_affected"),
        ({"minutes_now": -1}, "minutes_now"),
        ({"minutes_after": 50}, "minutes_after"),
        ({"business_unit": "nowhere"}, "business_unit"),
    ],
)
def test_bad_numbers_are_a_400_with_the_field(client, unit, maker, overrides, field):
    client.force_login(maker)
    response = client.post(
        "/api/v1/ideas/", _payload(unit, **overrides), content_type="application/json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not Idea.objects.exists()


def test_a_key_result_of_a_closed_plan_is_a_400(client, unit, maker):
    kr = KeyResultFactory(objective__plan__status=Plan.Status.CLOSED)
    client.force_login(maker)
    response = client.post(
        "/api/v1/ideas/",
        _payload(unit, key_results=[{"key_result": str(kr.uuid)}]),
        content_type="application/json",
    )
    assert response.status_code == 400 and "key_results" in response.json()


def test_a_maker_changing_anothers_idea_gets_403(client, unit, maker, other_maker):
    idea = IdeaFactory(business_unit=unit, author=maker)
    client.force_login(other_maker)
    response = client.put(
        f"/api/v1/ideas/{idea.uuid}/", _payload(unit), content_type="application/json"
    )
    assert response.status_code == 403
    assert Idea.objects.get(pk=idea.pk).title == idea.title


def test_votes_are_idempotent_and_closed_on_declined_ideas(client, unit, maker, other_maker):
    idea = IdeaFactory(business_unit=unit, author=maker)
    client.force_login(other_maker)
    url = f"/api/v1/ideas/{idea.uuid}/vote/"
    assert client.post(url).json() == {"voted": True, "changed": True, "vote_count": 1}
    assert client.post(url).json() == {"voted": True, "changed": False, "vote_count": 1}
    assert client.delete(url).json() == {"voted": False, "changed": True, "vote_count": 0}
    Idea.objects.filter(pk=idea.pk).update(status="declined", decline_reason="No")
    response = client.post(url)
    assert response.status_code == 409
    assert response.json() == {"detail": "Votes are closed on a draft or declined idea."}


def test_score_parts_and_review_only_by_the_coe(client, unit, maker, coe_lead):
    idea = IdeaFactory(business_unit=unit, author=maker, potential_value_year=D("30000"))
    client.force_login(maker)
    assert (
        client.post(f"/api/v1/ideas/{idea.uuid}/review/", {"effort": "s", "risk": 0}).status_code
        == 403
    )
    client.force_login(coe_lead)
    response = client.post(f"/api/v1/ideas/{idea.uuid}/review/", {"effort": "s", "risk": 0})
    assert response.status_code == 200 and response.json()["status"] == "under_review"
    score = client.get(f"/api/v1/ideas/{idea.uuid}/score/").json()
    # value 3 points x 3 = 9; effort S 2 points x 2 = -4 → 5
    assert score["score"] == "5.00"
    assert [p["contribution"] for p in score["parts"]] == ["9.00", "0.00", "0.00", "-4.00", "0.00"]


def test_hidden_profiles_and_badges_follow_the_policy(client, maker, other_maker, executive):
    MakerProfile.objects.create(user=maker, is_hidden_from_makers=True, skills="Power Apps")
    MakerProfile.objects.create(user=other_maker)
    Badge.objects.create(rule=BadgeRule.objects.first(), user=maker)
    client.force_login(other_maker)
    names = [p["username"] for p in client.get("/api/v1/maker-profiles/").json()["results"]]
    assert names == ["other-maker"]
    client.force_login(executive)
    names = [p["username"] for p in client.get("/api/v1/maker-profiles/").json()["results"]]
    assert names == ["maker", "other-maker"]
    assert client.get("/api/v1/badges/").json()["results"][0]["user"] == "maker"
    assert (
        client.post("/api/v1/badge-rules/", {"name": "X", "kind": "first_story"}).status_code == 403
    )


def test_api_list_query_count_is_flat(client, unit, maker, django_assert_max_num_queries):
    for _ in range(5):
        IdeaFactory(business_unit=unit).key_result_links.create(key_result=KeyResultFactory())
    client.force_login(maker)
    # session, user, roles, count, page, key results prefetch
    with django_assert_max_num_queries(6):
        client.get("/api/v1/ideas/")
    for _ in range(20):
        IdeaFactory(business_unit=unit).key_result_links.create(key_result=KeyResultFactory())
    with django_assert_max_num_queries(6):
        client.get("/api/v1/ideas/")


def test_anonymous_api_is_refused(client, db):
    assert client.get("/api/v1/ideas/").status_code in (401, 403)


def test_reviewing_a_declined_idea_is_a_409_with_the_reason(client, unit, maker, coe_lead):
    idea = IdeaFactory(business_unit=unit, author=maker)
    Idea.objects.filter(pk=idea.pk).update(status="declined", decline_reason="No")
    client.force_login(coe_lead)
    response = client.post(f"/api/v1/ideas/{idea.uuid}/review/", {"effort": "s", "risk": 0})
    assert response.status_code == 409
    assert response.json() == {"detail": "Only submitted ideas still open can be scored."}
    idea.refresh_from_db()
    assert idea.status == "declined"
