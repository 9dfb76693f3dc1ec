import uuid

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from stories.models import ShowAndTellSession, Story

from .factories import NewsletterFactory, NewsletterItemFactory, StoryFactory, StoryMetricFactory

S = Story.Status


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def payload(unit, **overrides):
    data = {
        "title": "Invoices in a day",
        "business_unit": unit.slug,
        "solution_kind": "cloud_flow",
        "overview": "A flow routes invoices.",
        "highlights": ["Faster", "No paper"],
        "tags": ["invoices"],
        "metrics": [{"name": "Hours", "unit": "h", "before_value": "10", "after_value": "4",
                     "period": "per week"}],
        "quotes": [{"who": "Dana", "role": "CFO", "text": "Great."}],
    }  # fmt: skip
    data.update(overrides)
    return data


def test_anonymous_requests_are_refused(db):
    assert api().get("/api/v1/stories/").status_code in (401, 403)


def test_a_maker_reads_published_stories_and_their_own_drafts(maker, other_maker):
    mine = StoryFactory(author=maker)
    theirs = StoryFactory(author=other_maker)
    published = StoryFactory(author=other_maker, published=True)
    response = api(maker).get("/api/v1/stories/")
    assert {row["uuid"] for row in response.json()["results"]} == {
        str(mine.uuid),
        str(published.uuid),
    }
    assert api(maker).get(f"/api/v1/stories/{theirs.uuid}/").status_code == 404


def test_a_maker_creates_a_story_once_per_token(maker, unit):
    token = str(uuid.uuid4())
    client = api(maker)
    first = client.post("/api/v1/stories/", payload(unit, submission_token=token), format="json")
    again = client.post("/api/v1/stories/", payload(unit, submission_token=token), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert Story.objects.count() == 1
    body = first.json()
    assert body["status"] == "draft" and body["author"] == "maker"
    assert body["metrics"][0]["change_percent"] == "-60.0"
    assert body["highlights"] == ["Faster", "No paper"]


def test_protected_fields_are_ignored(maker, unit):
    response = api(maker).post(
        "/api/v1/stories/",
        payload(unit, status="published", author="someone", score_impact=5),
        format="json",
    )
    story = Story.objects.get(uuid=response.json()["uuid"])
    assert (story.status, story.author, story.score_impact) == (S.DRAFT, maker, None)


def test_bad_input_is_a_400_with_reasons(maker, unit):
    response = api(maker).post(
        "/api/v1/stories/",
        payload(unit, title="", business_unit="nowhere", metrics=[{"name": "x"}]),
        format="json",
    )
    assert response.status_code == 400
    assert {"title", "business_unit", "metrics"} <= set(response.json())
    assert Story.objects.count() == 0


def test_an_executive_writes_nothing(executive, maker, unit):
    client = api(executive)
    assert client.post("/api/v1/stories/", payload(unit), format="json").status_code == 403
    story = StoryFactory(author=maker, status=S.SUBMITTED)
    response = client.post(f"/api/v1/stories/{story.uuid}/review/", {"action": "start_review"})
    assert response.status_code in (403, 404)
    story.refresh_from_db()
    assert story.status == S.SUBMITTED and Story.objects.count() == 1


def test_a_maker_edits_only_their_draft(maker, other_maker, unit):
    draft = StoryFactory(author=maker, business_unit=unit)
    submitted = StoryFactory(author=maker, status=S.SUBMITTED)
    client = api(maker)
    response = client.patch(f"/api/v1/stories/{draft.uuid}/", {"title": "Better"}, format="json")
    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert draft.title == "Better" and draft.overview == "A flow that files invoices."
    assert (
        client.patch(
            f"/api/v1/stories/{submitted.uuid}/", {"title": "No"}, format="json"
        ).status_code
        == 403
    )
    assert (
        api(other_maker)
        .patch(f"/api/v1/stories/{draft.uuid}/", {"title": "No"}, format="json")
        .status_code
        == 404
    )


def test_the_review_flow_through_the_api(maker, coe_lead, unit):
    created = api(maker).post("/api/v1/stories/", payload(unit), format="json").json()
    url = f"/api/v1/stories/{created['uuid']}"
    assert api(maker).post(f"{url}/submit/").json()["status"] == "submitted"
    assert api(maker).post(f"{url}/review/", {"action": "start_review"}).status_code == 403
    coe = api(coe_lead)
    assert coe.post(f"{url}/review/", {"action": "start_review"}).json()["status"] == "in_review"
    scores = {"score_relevance": 5, "score_impact": 4, "score_diversity": 3,
              "score_engagement": 2, "score_scalability": 1}  # fmt: skip
    assert coe.post(f"{url}/score/", scores, format="json").json()["score_total"] == 15
    refused = coe.post(f"{url}/review/", {"action": "publish"})
    assert refused.status_code == 409
    assert refused.json() == {"detail": "Only approved stories can be published."}
    coe.post(f"{url}/review/", {"action": "approve"})
    body = coe.post(f"{url}/review/", {"action": "publish"}).json()
    assert body["status"] == "published" and body["published_at"]
    as_maker = api(maker).get(f"{url}/").json()
    assert as_maker["score_total"] is None  # scores are the CoE's working material
    assert api(maker).post(f"{url}/like/").json() == {"liked": True, "like_count": 1}


def test_story_metrics_lists_only_published_stories(maker):
    StoryMetricFactory(story=StoryFactory(published=True), name="Shown")
    StoryMetricFactory(story=StoryFactory(author=maker), name="Draft metric")
    rows = api(maker).get("/api/v1/story-metrics/").json()["results"]
    assert [row["name"] for row in rows] == ["Shown"]
    assert rows[0]["change_percent"] == "-83.3"


def test_sessions_are_read_by_all_and_planned_by_the_coe(maker, coe_lead):
    data = {"title": "Show and tell", "starts_at": "2026-10-01T15:00:00Z",
            "location": "Town hall", "host": coe_lead.username}  # fmt: skip
    assert api(maker).post("/api/v1/show-and-tell-sessions/", data).status_code == 403
    response = api(coe_lead).post("/api/v1/show-and-tell-sessions/", data)
    assert response.status_code == 201, response.json()
    assert ShowAndTellSession.objects.get().host == coe_lead
    assert api(maker).get("/api/v1/show-and-tell-sessions/").json()["count"] == 1
    no_place = {**data, "location": ""}
    assert api(coe_lead).post("/api/v1/show-and-tell-sessions/", no_place).status_code == 400


def test_newsletter_archive_hides_drafts_from_makers(maker, coe_lead):
    NewsletterFactory(subject="Draft issue")
    NewsletterItemFactory(
        newsletter__subject="Sent issue", newsletter__status="sent",
        newsletter__sent_at=timezone.now(),
    )  # fmt: skip
    subjects = {r["subject"] for r in api(maker).get("/api/v1/newsletters/").json()["results"]}
    assert subjects == {"Sent issue"}
    assert api(coe_lead).get("/api/v1/newsletters/").json()["count"] == 2


def test_unknown_filter_is_a_400(maker):
    assert api(maker).get("/api/v1/stories/?colour=blue").status_code == 400


def test_filters_work(maker):
    StoryFactory(published=True, solution_kind="copilot_agent", title="Agent")
    StoryFactory(published=True, title="App")
    rows = api(maker).get("/api/v1/stories/?solution_kind=copilot_agent").json()["results"]
    assert [row["title"] for row in rows] == ["Agent"]


LISTS = ["/api/v1/stories/", "/api/v1/story-metrics/", "/api/v1/show-and-tell-sessions/",
         "/api/v1/newsletters/"]  # fmt: skip


@pytest.mark.parametrize("url", LISTS)
def test_api_list_query_count(maker, url, django_assert_max_num_queries):
    for _ in range(10):
        story = StoryFactory(published=True)
        StoryMetricFactory(story=story)
        NewsletterItemFactory(story=story, newsletter__status="sent",
                              newsletter__sent_at=timezone.now())  # fmt: skip
    client = api(maker)
    # token, roles, count, page, and one per prefetched relation (tags, metrics, quotes, images)
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


# --- Faults the all-checks fuzzing found (config/tests/test_api_schema.py) ---------------------


def test_steps_the_storys_status_does_not_allow_are_a_409_with_the_reason(coe_lead, maker):
    story = StoryFactory(author=maker, status=S.APPROVED)
    coe = api(coe_lead)
    url = f"/api/v1/stories/{story.uuid}"
    approved_again = coe.post(f"{url}/review/", {"action": "approve"})
    assert approved_again.status_code == 409
    assert approved_again.json() == {"detail": "Only stories in review can be approved."}
    submitted = coe.post(f"{url}/submit/")
    assert submitted.status_code == 409
    liked = coe.post(f"{url}/like/")
    assert liked.status_code == 409
    assert liked.json() == {"detail": "Only published stories can be liked."}
    metric = StoryMetricFactory(story=story)
    body = {"metrics": [{"metric": str(metric.uuid), "method": "money_per_period", "volume": "1"}]}
    recorded = coe.post(f"{url}/record-value/", body, format="json")
    assert recorded.status_code == 409
    assert recorded.json() == {"detail": "Only published stories can be turned into value records."}
    story.refresh_from_db()
    assert story.status == S.APPROVED and story.likes.count() == 0


def test_sending_back_without_a_comment_stays_a_400_naming_it(coe_lead, maker):
    story = StoryFactory(author=maker, status=S.IN_REVIEW)
    response = api(coe_lead).post(
        f"/api/v1/stories/{story.uuid}/review/", {"action": "request_changes"}
    )
    assert response.status_code == 400
    assert response.json() == {"comment": "Say what should change before sending the story back."}
