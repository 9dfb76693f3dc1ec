import io
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import BusinessUnitFactory
from stories.models import (
    Newsletter,
    NewsletterSubscription,
    SessionSlot,
    ShowAndTellSession,
    Story,
    StoryImage,
    StoryLike,
)

from .factories import (
    NewsletterFactory,
    NewsletterItemFactory,
    SessionFactory,
    StoryFactory,
    StoryMetricFactory,
    TagFactory,
)

S = Story.Status


def png(name="shot.png", extra=b""):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "purple").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue() + extra, content_type="image/png")


def form_data(unit, **overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "title": "Invoices approved in a day",
        "business_unit": unit.pk,
        "solution_kind": "cloud_flow",
        "overview": "A flow routes invoices to approvers in Teams.",
        "highlight_1": "Six days down to one",
        "highlight_2": "No re-typing",
        "tags": "invoices, finance",
        "hours_saved_per_year": "520",
        "cost_saved_per_year": "26000",
        "metrics-TOTAL_FORMS": "1",
        "metrics-INITIAL_FORMS": "0",
        "metrics-0-name": "Hours keying invoices",
        "metrics-0-unit": "hours",
        "metrics-0-before_value": "12",
        "metrics-0-after_value": "2",
        "metrics-0-period": "per week",
        "quotes-TOTAL_FORMS": "1",
        "quotes-INITIAL_FORMS": "0",
        "quotes-0-who": "Dana",
        "quotes-0-role": "CFO",
        "quotes-0-text": "On time at last.",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-caption": "",
        "action": "save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(maker):
    return StoryFactory(author=maker, business_unit=maker.business_unit)


@pytest.fixture
def published(maker):
    story = StoryFactory(author=maker, business_unit=maker.business_unit, published=True)
    StoryMetricFactory(story=story)
    return story


# --- access -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, published):
    for url in [
        reverse("stories:story_list"),
        published.get_absolute_url(),
        reverse("stories:story_create"),
        reverse("stories:session_list"),
        reverse("stories:newsletter_list"),
        reverse("stories:story_outline", args=[published.uuid]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize(
    ("persona", "status"),
    [("maker", 200), ("other_maker", 404), ("executive", 404), ("coe_lead", 200),
     ("admin_user", 200)],
)  # fmt: skip
def test_a_draft_is_seen_only_by_its_author_and_the_coe(client, request, draft, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(draft.get_absolute_url()).status_code == status


@pytest.mark.parametrize("persona", ["maker", "other_maker", "executive", "coe_lead"])
def test_a_published_story_is_seen_by_everyone_signed_in(client, request, published, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert b"Hours on invoices" in response.content
    assert b"-83.3 %" in response.content


@pytest.mark.parametrize("persona", ["maker", "executive", "other_maker"])
def test_review_decisions_are_403_for_non_coe_and_change_nothing(client, request, maker, persona):
    story = StoryFactory(author=maker, status=S.SUBMITTED)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("stories:story_review", args=[story.uuid]), {"action": "start_review"}
    )
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == S.SUBMITTED


def test_an_executive_cannot_open_the_story_form(client, executive):
    client.force_login(executive)
    assert client.get(reverse("stories:story_create")).status_code == 403
    response = client.post(reverse("stories:story_create"), form_data(executive.business_unit))
    assert response.status_code == 403
    assert Story.objects.count() == 0


def test_a_maker_cannot_edit_a_submitted_story(client, maker):
    story = StoryFactory(author=maker, status=S.SUBMITTED, title="Kept")
    client.force_login(maker)
    url = reverse("stories:story_update", args=[story.uuid])
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(maker.business_unit, title="Changed")).status_code == 403
    story.refresh_from_db()
    assert story.title == "Kept"


def test_a_coe_lead_may_edit_a_published_story(client, coe_lead, published, unit):
    client.force_login(coe_lead)
    url = reverse("stories:story_update", args=[published.uuid])
    response = client.post(url, form_data(unit, title="Sharper title"))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title == "Sharper title" and published.status == S.PUBLISHED


def test_the_review_queue_is_for_the_coe_only(client, maker, coe_lead):
    client.force_login(maker)
    assert client.get(reverse("stories:story_review_queue")).status_code == 403
    client.force_login(coe_lead)
    assert client.get(reverse("stories:story_review_queue")).status_code == 200


# --- the submission form -------------------------------------------------------------------


def test_a_maker_creates_a_draft_with_a_metric_a_quote_and_a_picture(client, maker, unit):
    client.force_login(maker)
    data = form_data(unit)
    data["images-0-upload"] = png(extra=b"<html><script>alert(1)</script></html>")
    data["images-0-caption"] = "The approval card"
    response = client.post(reverse("stories:story_create"), data)
    story = Story.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("stories:story_update", args=[story.uuid])
    assert (story.author, story.status) == (maker, S.DRAFT)
    metric = story.metrics.get()
    assert (metric.name, metric.before_value, metric.after_value) == (
        "Hours keying invoices",
        12,
        2,
    )
    assert story.quotes.get().who == "Dana"
    image = story.images.get()
    assert image.caption == "The approval card" and (image.width, image.height) == (64, 48)
    assert b"<script>" not in image.image.read()
    assert "shot" not in image.image.name


def test_a_double_click_creates_one_story(client, maker, unit):
    client.force_login(maker)
    data = form_data(unit, action="submit")
    first = client.post(reverse("stories:story_create"), data)
    second = client.post(reverse("stories:story_create"), data)
    assert Story.objects.count() == 1
    story = Story.objects.get()
    assert story.status == S.SUBMITTED
    assert first.status_code == second.status_code == 302
    assert second.url == story.get_absolute_url()
    assert story.events.filter(kind="submitted").count() == 1


@pytest.mark.parametrize("missing", ["title", "overview"])
def test_a_story_without_title_or_overview_is_a_form_error(client, maker, unit, missing):
    client.force_login(maker)
    response = client.post(reverse("stories:story_create"), form_data(unit, **{missing: ""}))
    assert response.status_code == 400
    assert missing in response.context["form"].errors
    assert Story.objects.count() == 0


def test_submitting_needs_two_highlights(client, maker, unit):
    client.force_login(maker)
    data = form_data(unit, action="submit", highlight_2="")
    response = client.post(reverse("stories:story_create"), data)
    assert response.status_code == 400
    assert "highlight_2" in response.context["form"].errors
    data["action"] = "save"
    assert client.post(reverse("stories:story_create"), data).status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', b"SVG"),
        ("page.png", b"<html><body>hi</body></html>", b"not accepted"),
        ("setup.png", b"MZ\x90\x00" + b"\x00" * 300, b"not a picture"),
    ],
)
def test_a_bad_upload_is_refused_next_to_the_field(client, maker, unit, name, content, message):
    client.force_login(maker)
    data = form_data(unit)
    data["images-0-upload"] = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(reverse("stories:story_create"), data)
    assert response.status_code == 400
    assert response.context["image_formset"].forms[0].errors["upload"]
    assert message in response.content
    assert Story.objects.count() == 0 and StoryImage.objects.count() == 0


def test_at_most_ten_pictures_per_story(client, maker, unit):
    client.force_login(maker)
    data = form_data(unit, **{"images-TOTAL_FORMS": "11"})
    for i in range(11):
        data[f"images-{i}-upload"] = png(f"p{i}.png")
    response = client.post(reverse("stories:story_create"), data)
    assert response.status_code == 400
    assert Story.objects.count() == 0


def test_protected_fields_cannot_be_set_through_the_form(client, maker, other_maker, unit):
    client.force_login(maker)
    data = form_data(unit, status="published", author=other_maker.pk, score_impact="5")
    client.post(reverse("stories:story_create"), data)
    story = Story.objects.get()
    assert (story.status, story.author, story.score_impact) == (S.DRAFT, maker, None)


def test_preview_shows_the_reader_page_with_a_banner(client, maker, unit):
    client.force_login(maker)
    response = client.post(
        reverse("stories:story_create"), form_data(unit, action="preview"), follow=True
    )
    assert response.status_code == 200
    assert b"This is a preview" in response.content
    assert b"Invoices approved in a day" in response.content


def test_editing_a_draft_keeps_and_updates_its_rows(client, maker, unit):
    client.force_login(maker)
    client.post(reverse("stories:story_create"), form_data(unit))
    story = Story.objects.get()
    metric = story.metrics.get()
    url = reverse("stories:story_update", args=[story.uuid])
    assert client.get(url).status_code == 200
    data = form_data(unit, title="New title")
    data.update({"metrics-INITIAL_FORMS": "1", "metrics-0-uuid": str(metric.uuid),
                 "metrics-0-after_value": "3", "images-TOTAL_FORMS": "0"})  # fmt: skip
    assert client.post(url, data).status_code == 302
    story.refresh_from_db()
    assert story.title == "New title"
    assert story.metrics.get().uuid == metric.uuid


# --- review through the page ---------------------------------------------------------------


def test_a_coe_lead_reviews_scores_and_publishes(client, coe_lead, maker):
    story = StoryFactory(author=maker, status=S.SUBMITTED)
    client.force_login(coe_lead)
    url = reverse("stories:story_review", args=[story.uuid])
    client.post(url, {"action": "start_review"})
    scores = {"score_relevance": "5", "score_impact": "4", "score_diversity": "3",
              "score_engagement": "4", "score_scalability": "5"}  # fmt: skip
    client.post(reverse("stories:story_score", args=[story.uuid]), scores)
    client.post(url, {"action": "approve"})
    response = client.post(url, {"action": "publish"}, follow=True)
    story.refresh_from_db()
    assert story.status == S.PUBLISHED and story.score_total == 21
    assert b"21 of 25" in response.content


def test_rejecting_without_a_reason_is_refused_with_a_message(client, coe_lead, maker):
    story = StoryFactory(author=maker, status=S.SUBMITTED)
    client.force_login(coe_lead)
    response = client.post(
        reverse("stories:story_review", args=[story.uuid]), {"action": "reject"}, follow=True
    )
    assert b"Tell the author why" in response.content
    story.refresh_from_db()
    assert story.status == S.SUBMITTED


def test_a_refused_transition_is_a_message_not_an_error(client, coe_lead, draft):
    client.force_login(coe_lead)
    response = client.post(
        reverse("stories:story_review", args=[draft.uuid]), {"action": "publish"}, follow=True
    )
    assert response.status_code == 200
    assert b"Only approved stories can be published" in response.content


# --- library -------------------------------------------------------------------------------


def test_library_lists_only_published_stories_with_filters(client, maker, published, draft):
    other_unit = BusinessUnitFactory(name="Fleet", slug="fleet")
    tag = TagFactory(name="paperless", slug="paperless")
    old = StoryFactory(published=True, business_unit=other_unit, solution_kind="desktop_flow",
                       tags=[tag], published_at=timezone.now() - timedelta(days=800))  # fmt: skip
    client.force_login(maker)

    def titles(**params):
        response = client.get(reverse("stories:story_list"), params)
        assert response.status_code == 200
        return {s.title for s in response.context["stories"]}

    assert titles() == {published.title, old.title}
    assert titles(unit="fleet") == {old.title}
    assert titles(kind="desktop_flow") == {old.title}
    assert titles(tag="paperless") == {old.title}
    assert titles(year=old.published_at.year) == {old.title}
    assert titles(measured="on") == {published.title}
    assert titles(year="not-a-year") == {published.title, old.title}  # ignored, no 500


def test_library_sorts_by_impact_and_likes(client, maker, other_maker):
    small = StoryFactory(published=True, title="Small", cost_saved_per_year=100)
    big = StoryFactory(published=True, title="Big", cost_saved_per_year=90000)
    loved = StoryFactory(published=True, title="Loved")
    StoryLike.objects.create(story=loved, user=maker)
    StoryLike.objects.create(story=loved, user=other_maker)
    StoryLike.objects.create(story=small, user=maker)
    client.force_login(maker)
    by_impact = client.get(reverse("stories:story_list"), {"sort": "impact"}).context["stories"]
    assert [s.title for s in by_impact] == ["Big", "Small", "Loved"]
    liked = client.get(reverse("stories:story_list"), {"sort": "liked"}).context["stories"]
    assert [s.title for s in liked][:2] == ["Loved", "Small"]
    assert big in list(by_impact)


def test_library_search_finds_a_story(client, maker, published):
    from stories.services import story_refresh_search

    story_refresh_search(story=published)
    client.force_login(maker)
    response = client.get(reverse("stories:story_list"), {"q": "invoices"})
    assert [s.pk for s in response.context["stories"]] == [published.pk]
    assert list(client.get(reverse("stories:story_list"), {"q": "zebra"}).context["stories"]) == []


def test_library_query_count(client, maker, django_assert_max_num_queries):
    tag = TagFactory(name="finance", slug="finance")
    for _ in range(12):
        story = StoryFactory(published=True, tags=[tag])
        StoryMetricFactory(story=story)
    client.force_login(maker)
    # session, user, roles, stories count, stories page, tags, images, metrics,
    # units for the filter, popular tags
    with django_assert_max_num_queries(11):
        response = client.get(reverse("stories:story_list"))
    assert len(response.context["stories"]) == 12


@pytest.mark.parametrize(
    ("url_name", "persona"),
    [("stories:story_mine", "maker"), ("stories:story_review_queue", "coe_lead"),
     ("stories:session_list", "maker"), ("stories:newsletter_list", "maker")],
)  # fmt: skip
def test_list_pages_query_count(client, request, url_name, persona, maker,
                                django_assert_max_num_queries):  # fmt: skip
    for status in [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.APPROVED] * 3:
        StoryFactory(author=maker, status=status)
    for _ in range(5):
        SessionFactory()
        NewsletterItemFactory(newsletter__status="sent", newsletter__sent_at=timezone.now())
    client.force_login(request.getfixturevalue(persona))
    # session, user, roles, count, page, (recent decisions / subscription)
    with django_assert_max_num_queries(8):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_story_page_query_count(client, maker, published, django_assert_max_num_queries):
    client.force_login(maker)
    with django_assert_max_num_queries(20):
        assert client.get(published.get_absolute_url()).status_code == 200


def test_likes_are_counted_once_per_user(client, maker, published):
    client.force_login(maker)
    url = reverse("stories:story_like", args=[published.uuid])
    client.post(url)
    assert StoryLike.objects.filter(story=published).count() == 1
    client.post(url)  # a second click takes it back
    assert StoryLike.objects.filter(story=published).count() == 0


def test_related_stories_share_tags(client, maker):
    tag = TagFactory(name="invoices", slug="invoices")
    story = StoryFactory(published=True, tags=[tag])
    sibling = StoryFactory(published=True, tags=[tag], title="Sibling")
    StoryFactory(published=True, title="Stranger")
    client.force_login(maker)
    related = list(client.get(story.get_absolute_url()).context["related"])
    assert related == [sibling]


def test_the_slide_outline_downloads_as_markdown(client, maker, published):
    published.architecture = "Mailbox → flow → ledger"
    published.save()
    client.force_login(maker)
    response = client.get(reverse("stories:story_outline", args=[published.uuid]))
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    for heading in ["## 1. Architecture", "## 2. Problem", "## 3. Current solution",
                    "## 4. Business value"]:  # fmt: skip
        assert heading in text
    assert "| Hours on invoices (hours per week) | 12 | 2 | -83.3 % |" in text


def test_uploaded_pictures_are_served_to_signed_in_users_only_and_not_sniffed(client, maker, unit):
    client.force_login(maker)
    data = form_data(unit)
    data["images-0-upload"] = png()
    client.post(reverse("stories:story_create"), data)
    url = StoryImage.objects.get().image.url
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    client.logout()
    assert client.get(url).status_code == 302


# --- sessions ------------------------------------------------------------------------------


def test_a_coe_lead_plans_a_session_and_puts_a_story_on_the_agenda(client, coe_lead, published):
    client.force_login(coe_lead)
    response = client.post(reverse("stories:session_create"), {
        "title": "Autumn show and tell", "starts_at": "2026-10-01T15:00",
        "location": "Town hall", "host": coe_lead.pk,
    })  # fmt: skip
    session = ShowAndTellSession.objects.get()
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    client.post(reverse("stories:slot_add", args=[session.uuid]), {
        "story": str(published.uuid), "presenter": published.author_id,
        "starts_at": "15:05", "minutes": "10",
    })  # fmt: skip
    assert SessionSlot.objects.get().story == published
    page = client.get(published.get_absolute_url())
    assert b"Autumn show and tell" in page.content  # "presented at"


def test_a_session_needs_a_place_or_a_link(client, coe_lead):
    client.force_login(coe_lead)
    response = client.post(reverse("stories:session_create"), {
        "title": "Nowhere", "starts_at": "2026-10-01T15:00", "host": coe_lead.pk,
    })  # fmt: skip
    assert response.status_code == 400
    assert "location" in response.context["form"].errors
    assert ShowAndTellSession.objects.count() == 0


def test_makers_cannot_manage_sessions(client, maker):
    client.force_login(maker)
    assert client.get(reverse("stories:session_create")).status_code == 403
    session = SessionFactory()
    assert client.get(session.get_absolute_url()).status_code == 200


# --- newsletters ---------------------------------------------------------------------------


def test_a_coe_lead_composes_previews_and_sends_an_issue(
    client, coe_lead, maker, published, django_capture_on_commit_callbacks
):
    second = StoryFactory(published=True, title="Second story")
    NewsletterSubscription.objects.create(user=maker)
    client.force_login(coe_lead)
    response = client.post(reverse("stories:newsletter_create"), {
        "subject": "Issue 1", "intro": "Hello **all**",
        f"pos_{published.uuid.hex}": "2", f"pos_{second.uuid.hex}": "1",
    })  # fmt: skip
    newsletter = Newsletter.objects.get()
    assert response.url == newsletter.get_absolute_url()
    assert [i.story for i in newsletter.items.all()] == [second, published]
    preview = client.get(reverse("stories:newsletter_preview", args=[newsletter.uuid]))
    assert b"<strong>all</strong>" in preview.content and b"Second story" in preview.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("stories:newsletter_send", args=[newsletter.uuid]))
    newsletter.refresh_from_db()
    assert newsletter.deliveries.count() == 1
    # The published task ran in memory only; run it as the worker would.
    from stories.tasks import newsletter_send_task

    newsletter_send_task(newsletter.pk)
    newsletter.refresh_from_db()
    assert newsletter.status == "sent" and newsletter.sent_count == 1
    assert mail.outbox[0].to == [maker.email]
    client.force_login(maker)
    archive = client.get(reverse("stories:newsletter_list"))
    assert newsletter in archive.context["newsletters"]
    story_page = client.get(published.get_absolute_url())
    assert b"Featured in" in story_page.content and b"Issue 1" in story_page.content


def test_an_issue_needs_at_least_one_story(client, coe_lead, published):
    client.force_login(coe_lead)
    response = client.post(reverse("stories:newsletter_create"), {"subject": "Empty"})
    assert response.status_code == 400
    assert Newsletter.objects.count() == 0


def test_makers_cannot_compose_and_do_not_see_drafts(client, maker):
    draft_issue = NewsletterFactory()
    client.force_login(maker)
    assert client.get(reverse("stories:newsletter_create")).status_code == 403
    assert client.get(draft_issue.get_absolute_url()).status_code == 404
    response = client.post(reverse("stories:newsletter_send", args=[draft_issue.uuid]))
    assert response.status_code == 403


def test_subscribing_and_unsubscribing_from_the_page(client, maker):
    client.force_login(maker)
    client.post(reverse("stories:newsletter_subscription"), {"subscribe": "1"})
    assert NewsletterSubscription.objects.get(user=maker).is_active
    client.post(reverse("stories:newsletter_subscription"))
    assert not NewsletterSubscription.objects.get(user=maker).is_active


def test_unknown_unsubscribe_token_is_404(client, db):
    url = reverse("stories:newsletter_unsubscribe", args=[uuid.uuid4()])
    assert client.get(url).status_code == 404


# --- home ----------------------------------------------------------------------------------


def test_home_panels_show_my_stories_and_the_review_queue(client, maker, coe_lead):
    StoryFactory(author=maker, title="My draft story")
    StoryFactory(author=maker, title="Waiting story", status=S.SUBMITTED)
    client.force_login(maker)
    page = client.get("/").content.decode()
    assert "My draft story" in page and "Draft" in page
    client.force_login(coe_lead)
    page = client.get("/").content.decode()
    assert "Stories to review" in page and "Waiting story" in page
    assert "My draft story" not in page


@pytest.mark.django_db(transaction=True)  # the publish runs at a real commit
def test_sending_says_queued_when_the_broker_does_not_take_the_job(
    client, coe_lead, maker, settings
):
    from config.tests.redis_server import celery_broker
    from jobs import services as jobs_services

    NewsletterSubscription.objects.create(user=maker)
    newsletter = NewsletterItemFactory().newsletter
    client.force_login(coe_lead)
    jobs_services._skip_until = 0.0
    # Nothing listens on port 1: the publish after commit fails, the job waits in the outbox.
    with celery_broker("redis://127.0.0.1:1/0", settings.REDIS_BROKER_TRANSPORT_OPTIONS):
        response = client.post(
            reverse("stories:newsletter_send", args=[newsletter.uuid]), follow=True
        )
    jobs_services._skip_until = 0.0
    assert [str(m) for m in response.context["messages"]] == [
        "Queued for 1 subscriber; sending will start as soon as the job queue answers."
    ]
    newsletter.refresh_from_db()
    assert newsletter.status == "sending"
