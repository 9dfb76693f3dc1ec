"""Answering a draft through the API: the same services, policy and revision check as the pages."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from adoption.models import Answer, Assessment

from .factories import answer_all

LIST = "/api/v1/assessments/"


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def answers_url(assessment) -> str:
    return f"{LIST}{assessment.uuid}/answers/"


def levels(assessment, *keys):
    rows = {a.question_key: a for a in assessment.answers.filter(question_key__in=keys)}
    return {key: (rows[key].level, rows[key].is_unsure, rows[key].note) for key in keys}


def test_coe_starts_a_draft_of_a_unit(coe_lead, content, unit):
    response = api(coe_lead).post(
        LIST, {"business_unit": "finance", "title": "Spring review"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["subject"]) == ("draft", "unit-finance")
    assert body["title"] == "Spring review"
    assert body["revision"] == 0 and body["share_answered"] == 0.0


def test_start_with_an_unknown_unit_is_a_400(coe_lead, content):
    response = api(coe_lead).post(LIST, {"business_unit": "nowhere"}, format="json")
    assert response.status_code == 400 and "business_unit" in response.json()
    assert Assessment.objects.count() == 0


def test_start_without_a_question_bank_is_a_400_with_the_reason(coe_lead, db):
    response = api(coe_lead).post(LIST, {}, format="json")
    assert response.status_code == 400
    assert "question bank" in response.json()["detail"]


def test_answers_are_listed_with_the_revision(coe_lead, draft):
    body = api(coe_lead).get(answers_url(draft)).json()
    assert body["revision"] == 0
    first = body["answers"][0]
    assert set(first) == {"question_key", "area", "question_text", "options", "level",
                          "not_sure", "note"}  # fmt: skip
    assert sorted(first["options"]) == ["100", "200", "300", "400", "500"]
    assert len(body["answers"]) == draft.answers.count()


def test_setting_and_clearing_answers_across_areas(coe_lead, draft):
    client = api(coe_lead)
    payload = {
        "revision": 0,
        "answers": [
            {"question_key": "SE-1", "level": 300, "note": "  policy in place "},
            {"question_key": "SE-2", "not_sure": True},
            {"question_key": "GO-3", "level": "500"},
        ],
    }
    response = client.post(answers_url(draft), payload, format="json")
    assert response.status_code == 200, response.json()
    # one save per area touched (security, governance): the revision went up twice
    assert response.json()["revision"] == 2
    assert levels(draft, "SE-1", "SE-2", "GO-3", "SE-4") == {
        "SE-1": (300, False, "policy in place"),
        "SE-2": (None, True, ""),
        "GO-3": (500, False, ""),
        "SE-4": (None, False, ""),
    }
    # clearing: neither a level nor "not sure"; questions left out keep their answers
    cleared = client.post(
        answers_url(draft),
        {"revision": 2, "answers": [{"question_key": "SE-1", "level": None}]},
        format="json",
    )
    assert cleared.status_code == 200 and cleared.json()["revision"] == 3
    assert levels(draft, "SE-1", "GO-3") == {"SE-1": (None, False, ""), "GO-3": (500, False, "")}


def test_a_stale_revision_is_a_409_and_writes_nothing(coe_lead, admin_user, draft):
    api(admin_user).post(
        answers_url(draft),
        {"revision": 0, "answers": [{"question_key": "SE-1", "level": 200}]},
        format="json",
    )
    stale = {
        "revision": 0,
        "answers": [
            {"question_key": "GO-1", "level": 400},
            {"question_key": "SE-1", "level": 400},
        ],
    }
    response = api(coe_lead).post(answers_url(draft), stale, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Someone else saved this assessment while you were editing it.",
        "revision": 1,
    }
    assert levels(draft, "SE-1", "GO-1") == {"SE-1": (200, False, ""), "GO-1": (None, False, "")}
    # sent again with the current revision, it is accepted
    retry = api(coe_lead).post(answers_url(draft), {**stale, "revision": 1}, format="json")
    assert retry.status_code == 200
    assert levels(draft, "SE-1", "GO-1") == {"SE-1": (400, False, ""), "GO-1": (400, False, "")}


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ([{"question_key": "SE-1", "level": 600}], "answers"),
        ([{"question_key": "SE-1", "level": 300, "not_sure": True}], "answers"),
        ([{"question_key": "XX-9", "level": 300}], "answers"),
        ([{"question_key": "SE-1", "level": 300}, {"question_key": "SE-1"}], "answers"),
        ([], "answers"),
    ],
)
def test_bad_answers_are_a_400_with_the_reason_and_save_nothing(coe_lead, draft, answers, field):
    response = api(coe_lead).post(
        answers_url(draft), {"revision": 0, "answers": answers}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    draft.refresh_from_db()
    assert draft.revision == 0
    assert not draft.answers.filter(level__isnull=False).exists()


def test_a_missing_revision_is_a_400(coe_lead, draft):
    response = api(coe_lead).post(
        answers_url(draft), {"answers": [{"question_key": "SE-1", "level": 300}]}, format="json"
    )
    assert response.status_code == 400 and "revision" in response.json()


def test_submit_lists_open_questions_then_submits(coe_lead, draft):
    answer_all(draft, 300)
    Answer.objects.filter(assessment=draft, question_key="GO-3").update(level=None)
    client = api(coe_lead)
    refused = client.post(f"{LIST}{draft.uuid}/submit/")
    assert refused.status_code == 409
    assert refused.json()["open_questions"] == ["GO-3"]
    assert "1 question is still open" in refused.json()["detail"]
    client.post(
        answers_url(draft),
        {"revision": 0, "answers": [{"question_key": "GO-3", "not_sure": True}]},
        format="json",
    )
    done = client.post(f"{LIST}{draft.uuid}/submit/")
    assert done.status_code == 200
    assert done.json()["status"] == "submitted" and done.json()["overall_level"] == 300


def test_a_submitted_assessment_cannot_be_answered_submitted_or_discarded(coe_lead, submitted):
    # The CoE may write assessments; a submitted one's state refuses it: 409 with the reason.
    client = api(coe_lead)
    change = {"revision": submitted.revision, "answers": [{"question_key": "SE-1", "level": 100}]}
    answered = client.post(answers_url(submitted), change, format="json")
    assert answered.status_code == 409
    assert answered.json() == {"detail": "This assessment was submitted and can no longer change."}
    submitted_again = client.post(f"{LIST}{submitted.uuid}/submit/")
    assert submitted_again.status_code == 409
    assert submitted_again.json() == {"detail": "This assessment has already been submitted."}
    discarded = client.delete(f"{LIST}{submitted.uuid}/")
    assert discarded.status_code == 409
    assert discarded.json() == {"detail": "Submitted assessments are kept for the history."}
    assert submitted.answers.get(question_key="SE-1").level == 300
    assert Assessment.objects.filter(pk=submitted.pk).exists()


def test_coe_discards_a_draft(coe_lead, draft):
    assert api(coe_lead).delete(f"{LIST}{draft.uuid}/").status_code == 204
    assert not Assessment.objects.filter(pk=draft.pk).exists()


def test_executive_reads_answers_of_results_but_writes_nothing(executive, draft, submitted):
    client = api(executive)
    assert client.get(answers_url(submitted)).json()["answers"][0]["level"] == 300
    assert client.get(answers_url(draft)).status_code == 404
    change = {"revision": 0, "answers": [{"question_key": "SE-1", "level": 100}]}
    assert client.post(LIST, {}, format="json").status_code == 403
    assert client.post(answers_url(draft), change, format="json").status_code == 403
    assert client.post(f"{LIST}{draft.uuid}/submit/").status_code == 403
    assert client.delete(f"{LIST}{draft.uuid}/").status_code == 403
    draft.refresh_from_db()
    assert draft.revision == 0 and draft.is_draft


def test_makers_may_not_answer(maker, draft):
    client = api(maker)
    change = {"revision": 0, "answers": [{"question_key": "SE-1", "level": 100}]}
    assert client.post(LIST, {}, format="json").status_code == 403
    assert client.get(answers_url(draft)).status_code == 403
    assert client.post(answers_url(draft), change, format="json").status_code == 403
    assert not draft.answers.filter(level__isnull=False).exists()
