import pytest

from .factories import answer_all, start, submit

LIST = "/api/v1/assessments/"


def test_anonymous_gets_401(client, submitted):
    assert client.get(LIST).status_code in (401, 403)
    assert client.get(LIST).status_code == 401


def test_maker_gets_403(client, maker, submitted):
    client.force_login(maker)
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{submitted.uuid}/").status_code == 403


def test_executive_lists_submitted_assessments_with_scores(client, executive, draft, submitted):
    client.force_login(executive)
    data = client.get(LIST).json()
    assert [row["uuid"] for row in data["results"]] == [str(submitted.uuid)]
    row = data["results"][0]
    assert row["overall_level"] == 300 and row["share_answered"] == 1.0
    assert row["areas"][0] == {
        "area": "strategy_vision",
        "name": "Strategy and vision",
        "questions": 5,
        "answered": 5,
        "not_sure": 0,
        "score": 300.0,
        "level": 300,
    }
    assert client.get(f"{LIST}{draft.uuid}/").status_code == 404


def test_executive_cannot_write(client, executive, submitted):
    client.force_login(executive)
    assert client.delete(f"{LIST}{submitted.uuid}/").status_code in (403, 405)
    assert client.post(LIST, {}).status_code in (403, 405)


def test_coe_filters_by_status_and_unknown_filter_is_400(client, coe_lead, draft, submitted):
    client.force_login(coe_lead)
    assert client.get(LIST).json()["count"] == 2
    drafts = client.get(LIST, {"status": "draft"}).json()["results"]
    assert [row["uuid"] for row in drafts] == [str(draft.uuid)]
    assert client.get(LIST, {"colour": "red"}).status_code == 400


def test_recommendations_endpoint(client, coe_lead, content):
    assessment = start(user=coe_lead)
    answer_all(assessment, 300, by_area={"automation": 100})
    assessment = submit(assessment, user=coe_lead)
    client.force_login(coe_lead)
    data = client.get(f"{LIST}{assessment.uuid}/recommendations/").json()
    first = data[0]
    assert (first["area"], first["reached_level"], first["next_level"]) == ("automation", 100, 200)
    assert first["characteristics"] == ["Processes are standard but still run by hand"]
    assert first["opportunities"][0]["key"] == "l200-automation-standards"
    assert first["target_level"] is None and first["gap"] is None


@pytest.mark.parametrize("count", [3])
def test_list_query_count(client, coe_lead, content, count, django_assert_max_num_queries):
    for _ in range(count):
        assessment = start(user=coe_lead)
        answer_all(assessment, 200)
        submit(assessment, user=coe_lead)
    client.force_login(coe_lead)
    # session, user, groups, count, page (+subject, unit, version, people), answers prefetch
    with django_assert_max_num_queries(7):
        assert client.get(LIST).json()["count"] == count


def test_maturity_api_is_readable_by_everyone(client, maker, content):
    client.force_login(maker)
    levels = client.get("/api/v1/maturity/levels/").json()["results"]
    assert [level["number"] for level in levels] == [100, 200, 300, 400, 500]
    area = client.get("/api/v1/maturity/areas/automation/").json()
    assert [cell["level"] for cell in area["levels"]] == [100, 200, 300, 400, 500]
    assert client.post("/api/v1/maturity/areas/", {}).status_code == 405
