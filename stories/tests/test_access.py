"""Every stories URL for every role: never a server error, the right refusal for the wrong role."""

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import Story

from .factories import (
    NewsletterFactory,
    NewsletterItemFactory,
    SessionFactory,
    StoryFactory,
    SubscriptionFactory,
)

PERSONAS = [None, "maker", "other_maker", "executive", "coe_lead", "admin_user", "no_role_user"]


@pytest.fixture
def world(maker):
    draft = StoryFactory(author=maker)
    submitted = StoryFactory(author=maker, status=Story.Status.SUBMITTED)
    published = StoryFactory(author=maker, published=True)
    session = SessionFactory()
    draft_issue = NewsletterItemFactory(story=published).newsletter
    sent_issue = NewsletterFactory(status="sent", sent_at=timezone.now())
    subscription = SubscriptionFactory(user=maker)
    return {
        "get": [
            reverse("stories:story_list"),
            reverse("stories:story_list") + "?q=%27%22%3Cscript%3E&year=abc&unit=nope&sort=x",
            reverse("stories:story_mine"),
            reverse("stories:story_review_queue"),
            reverse("stories:story_create"),
            draft.get_absolute_url(),
            submitted.get_absolute_url(),
            published.get_absolute_url(),
            reverse("stories:story_update", args=[draft.uuid]),
            reverse("stories:story_update", args=[published.uuid]),
            reverse("stories:story_outline", args=[draft.uuid]),
            reverse("stories:session_list"),
            reverse("stories:session_create"),
            session.get_absolute_url(),
            reverse("stories:session_update", args=[session.uuid]),
            reverse("stories:newsletter_list"),
            reverse("stories:newsletter_create"),
            draft_issue.get_absolute_url(),
            sent_issue.get_absolute_url(),
            reverse("stories:newsletter_update", args=[draft_issue.uuid]),
            reverse("stories:newsletter_update", args=[sent_issue.uuid]),
            reverse("stories:newsletter_preview", args=[draft_issue.uuid]),
        ],
        "post": [
            reverse("stories:story_create"),
            reverse("stories:story_update", args=[draft.uuid]),
            reverse("stories:story_submit", args=[draft.uuid]),
            reverse("stories:story_review", args=[submitted.uuid]),
            reverse("stories:story_score", args=[submitted.uuid]),
            reverse("stories:story_like", args=[published.uuid]),
            reverse("stories:story_like", args=[draft.uuid]),
            reverse("stories:session_create"),
            reverse("stories:slot_add", args=[session.uuid]),
            reverse("stories:newsletter_create"),
            reverse("stories:newsletter_send", args=[sent_issue.uuid]),
            reverse("stories:newsletter_subscription"),
            reverse("stories:newsletter_unsubscribe", args=[subscription.token]),
        ],
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_stories_url_errors_for_any_role(client, request, world, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    for url in world["get"]:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        if persona is None:
            assert response.status_code == 302, url
    for url in world["post"]:
        response = client.post(url, {})
        assert response.status_code in (200, 302, 400, 403, 404), (url, response.status_code)


def test_an_executive_changes_nothing(client, executive, world):
    before = Story.objects.values_list("status", "title").order_by("pk")
    before = list(before)
    client.force_login(executive)
    likes = [url for url in world["post"] if url.endswith("/like/")]
    for url in world["post"][:-2]:
        if url in likes:
            continue  # executives may like stories
        response = client.post(url, {"action": "publish", "title": "x", "overview": "y"})
        assert response.status_code in (403, 404), url
    assert list(Story.objects.values_list("status", "title").order_by("pk")) == before


def test_csrf_is_enforced_on_story_actions(maker, world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(maker)
    response = client.post(world["post"][5])  # like a published story
    assert response.status_code == 403
