"""Composing and sending newsletters through the API, with the pages' services and policy."""

import uuid

from django.core import mail
from django.utils import timezone

from accounts.tests.factories import UserFactory
from stories import services
from stories.models import Newsletter, NewsletterDelivery

from .factories import NewsletterFactory, NewsletterItemFactory, StoryFactory, SubscriptionFactory
from .test_api import api

LIST = "/api/v1/newsletters/"


def test_coe_composes_a_draft_with_stories_in_order(coe_lead):
    first, second = StoryFactory(published=True), StoryFactory(published=True)
    payload = {"subject": "October", "intro": "Hello.", "stories": [str(second.uuid),
               str(first.uuid)]}  # fmt: skip
    response = api(coe_lead).post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["subject"], body["intro"], body["status"]) == ("October", "Hello.", "draft")
    assert body["stories"] == [str(second.uuid), str(first.uuid)]
    newsletter = Newsletter.objects.get(uuid=body["uuid"])
    assert newsletter.created_by == coe_lead


def test_bad_compositions_are_a_400_with_the_reason(coe_lead):
    published, draft = StoryFactory(published=True), StoryFactory()
    client = api(coe_lead)

    def post(**payload):
        return client.post(LIST, {"subject": "Issue", **payload}, format="json")

    unpublished = post(stories=[str(published.uuid), str(draft.uuid)])
    assert unpublished.status_code == 400
    assert unpublished.json() == {"stories": "Only published stories can go into a newsletter."}
    unknown = post(stories=[str(uuid.uuid4())])
    assert unknown.status_code == 400 and "No such story" in unknown.json()["stories"]
    twice = post(stories=[str(published.uuid), str(published.uuid)])
    assert twice.status_code == 400 and "more than once" in twice.json()["stories"][0]
    assert post(stories=[]).status_code == 400
    no_subject = client.post(LIST, {"stories": [str(published.uuid)]}, format="json")
    assert no_subject.status_code == 400 and "subject" in no_subject.json()
    assert not Newsletter.objects.exists()


def test_coe_edits_a_draft_partially(coe_lead):
    item = NewsletterItemFactory(newsletter__subject="Old")
    extra = StoryFactory(published=True)
    url = f"{LIST}{item.newsletter.uuid}/"
    client = api(coe_lead)
    renamed = client.patch(url, {"subject": "New"}, format="json")
    assert renamed.status_code == 200, renamed.json()
    assert renamed.json()["stories"] == [str(item.story.uuid)]
    assert renamed.json()["intro"] == "Hello readers."
    replaced = client.put(
        url, {"subject": "New", "stories": [str(extra.uuid), str(item.story.uuid)]}, format="json"
    )
    assert replaced.json()["stories"] == [str(extra.uuid), str(item.story.uuid)]
    assert replaced.json()["intro"] == ""


def test_sending_reaches_each_subscriber_once(coe_lead, django_capture_on_commit_callbacks):
    newsletter = NewsletterItemFactory(newsletter__subject="Issue 9").newsletter
    readers = [SubscriptionFactory().user for _ in range(3)]
    SubscriptionFactory(is_active=False)
    SubscriptionFactory(user=UserFactory(email=""))
    url = f"{LIST}{newsletter.uuid}/send/"
    with django_capture_on_commit_callbacks() as callbacks:
        response = api(coe_lead).post(url)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "sending"
    assert len(callbacks) == 1  # the sending task, published after commit
    assert newsletter.deliveries.count() == 3
    again = api(coe_lead).post(url)
    assert again.status_code == 409
    assert again.json()["detail"] == "This issue is already being sent or was sent."
    assert newsletter.deliveries.count() == 3
    # the worker's batches, run twice as a retry would: still one mail per reader
    services.newsletter_deliver_batch(newsletter_id=newsletter.pk)
    services.newsletter_deliver_batch(newsletter_id=newsletter.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    newsletter.refresh_from_db()
    assert (newsletter.status, newsletter.sent_count) == ("sent", 3)
    changed = api(coe_lead).patch(f"{LIST}{newsletter.uuid}/", {"subject": "x"}, format="json")
    assert changed.status_code == 409
    assert changed.json()["detail"] == "An issue that has been sent cannot be changed."


def test_an_issue_without_stories_is_not_sent(coe_lead):
    newsletter = NewsletterFactory()
    response = api(coe_lead).post(f"{LIST}{newsletter.uuid}/send/")
    assert response.status_code == 409
    assert response.json()["detail"] == "Add at least one story before sending."
    assert not NewsletterDelivery.objects.exists()


def test_executives_and_makers_compose_and_send_nothing(executive, maker):
    draft = NewsletterItemFactory().newsletter
    payload = {"subject": "Mine", "stories": [str(draft.items.get().story.uuid)]}
    for user in (executive, maker):
        client = api(user)
        assert client.post(LIST, payload, format="json").status_code == 403
        assert client.patch(f"{LIST}{draft.uuid}/", payload, format="json").status_code == 403
        assert client.post(f"{LIST}{draft.uuid}/send/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft" and Newsletter.objects.count() == 1


def test_readers_open_sent_issues_but_not_drafts(maker, executive):
    sent = NewsletterItemFactory(
        newsletter__status="sent", newsletter__sent_at=timezone.now()
    ).newsletter
    draft = NewsletterFactory()
    for user in (maker, executive):
        assert api(user).get(f"{LIST}{sent.uuid}/").status_code == 200
        assert api(user).get(f"{LIST}{draft.uuid}/").status_code == 404
