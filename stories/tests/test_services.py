import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import AuditEvent
from notifications.models import Notification
from notifications.tasks import notification_deliver_task
from stories import services
from stories.models import Story, StoryEvent, StoryLike
from stories.services import StoryStateError

from .factories import StoryFactory

S = Story.Status

# transition -> (call, states it may start from, state it ends in)
TRANSITIONS = {
    "submit": (lambda story, user: services.story_submit(story=story, actor=user),
               {S.DRAFT, S.CHANGES_REQUESTED}, S.SUBMITTED),
    "start_review": (lambda story, user: services.story_start_review(story=story, reviewer=user),
                     {S.SUBMITTED}, S.IN_REVIEW),
    "request_changes": (lambda story, user: services.story_request_changes(
        story=story, reviewer=user, comment="Add a metric."), {S.IN_REVIEW}, S.CHANGES_REQUESTED),
    "approve": (lambda story, user: services.story_approve(story=story, reviewer=user),
                {S.IN_REVIEW}, S.APPROVED),
    "publish": (lambda story, user: services.story_publish(story=story, reviewer=user),
                {S.APPROVED}, S.PUBLISHED),
    "reject": (lambda story, user: services.story_reject(
        story=story, reviewer=user, reason="Not ours to tell."),
        {S.SUBMITTED, S.IN_REVIEW, S.APPROVED}, S.REJECTED),
}  # fmt: skip


def make_story(author, status):
    return StoryFactory(
        author=author,
        business_unit=author.business_unit,
        status=status,
        published_at=timezone.now() if status == S.PUBLISHED else None,
        rejection_reason="Earlier reason" if status == S.REJECTED else "",
    )


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_each_transition_is_allowed_only_from_its_states(name, status, maker, coe_lead):
    call, allowed_from, target = TRANSITIONS[name]
    story = make_story(maker, status)
    actor = maker if name == "submit" else coe_lead
    if status in allowed_from:
        call(story, actor)
        story.refresh_from_db()
        assert story.status == target
        event = story.events.get()
        assert (event.from_status, event.to_status, event.actor) == (status, target, actor)
    else:
        with pytest.raises(StoryStateError):
            call(story, actor)
        story.refresh_from_db()
        assert story.status == status
        assert story.events.count() == 0


def _start_state(name):
    return sorted(TRANSITIONS[name][1])[0]


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("maker", False), ("other_maker", False), ("executive", False), ("no_role_user", False),
     ("coe_lead", True), ("admin_user", True)],
)  # fmt: skip
@pytest.mark.parametrize("name", [n for n in TRANSITIONS if n != "submit"])
def test_only_the_coe_takes_review_decisions(request, name, persona, allowed, maker):
    call, _, target = TRANSITIONS[name]
    story = make_story(maker, _start_state(name))
    actor = request.getfixturevalue(persona)
    if allowed:
        call(story, actor)
        story.refresh_from_db()
        assert story.status == target
    else:
        with pytest.raises(PermissionDenied):
            call(story, actor)
        story.refresh_from_db()
        assert story.status == _start_state(name)
        assert not story.events.exists()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("maker", True), ("other_maker", False), ("executive", False), ("coe_lead", True),
     ("admin_user", True)],
)  # fmt: skip
def test_only_the_author_or_the_coe_submits(request, persona, allowed, maker):
    story = make_story(maker, S.DRAFT)
    actor = request.getfixturevalue(persona)
    if allowed:
        services.story_submit(story=story, actor=actor)
        story.refresh_from_db()
        assert story.status == S.SUBMITTED and story.submitted_at is not None
    else:
        with pytest.raises(PermissionDenied):
            services.story_submit(story=story, actor=actor)
        story.refresh_from_db()
        assert story.status == S.DRAFT


def test_the_full_path_from_draft_to_published(maker, coe_lead):
    story = make_story(maker, S.DRAFT)
    services.story_submit(story=story, actor=maker)
    services.story_start_review(story=story, reviewer=coe_lead)
    services.story_request_changes(story=story, reviewer=coe_lead, comment="Add a picture.")
    services.story_submit(story=story, actor=maker)
    services.story_start_review(story=story, reviewer=coe_lead)
    services.story_approve(story=story, reviewer=coe_lead)
    services.story_publish(story=story, reviewer=coe_lead)
    story.refresh_from_db()
    assert story.status == S.PUBLISHED and story.published_at is not None
    kinds = list(story.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["submitted", "review_started", "changes_requested", "submitted",
                     "review_started", "approved", "published"]  # fmt: skip
    # Decisions (changes requested, approved, published) are audited and mailed; the rest not.
    verbs = set(AuditEvent.objects.filter(target_id=str(story.pk)).values_list("verb", flat=True))
    assert verbs == {"story_changes_requested", "story_approved", "story_published"}
    decisions = Notification.objects.filter(recipient=maker, kind="story_decision")
    assert decisions.count() == 3


def test_rejecting_needs_a_reason_and_stores_it(maker, coe_lead):
    story = make_story(maker, S.SUBMITTED)
    with pytest.raises(StoryStateError):
        services.story_reject(story=story, reviewer=coe_lead, reason="  ")
    services.story_reject(story=story, reviewer=coe_lead, reason="Already told last year.")
    story.refresh_from_db()
    assert story.status == S.REJECTED
    assert story.rejection_reason == "Already told last year."


def test_sending_back_needs_a_comment(maker, coe_lead):
    story = make_story(maker, S.IN_REVIEW)
    with pytest.raises(StoryStateError):
        services.story_request_changes(story=story, reviewer=coe_lead, comment="")
    story.refresh_from_db()
    assert story.status == S.IN_REVIEW


def test_decision_mail_is_published_only_on_commit_and_sent_once(
    maker, coe_lead, django_capture_on_commit_callbacks
):
    story = make_story(maker, S.IN_REVIEW)
    with django_capture_on_commit_callbacks() as callbacks:
        services.story_approve(story=story, reviewer=coe_lead, base_url="https://hub.example.org/")
    assert len(callbacks) == 1
    # Decisions go through the notifications outbox (one row per decision event).
    notification = Notification.objects.get(recipient=maker, kind="story_decision")
    assert notification.link == f"https://hub.example.org{story.get_absolute_url()}"
    notification_deliver_task(notification.pk)
    notification_deliver_task(notification.pk)  # a duplicate delivery of the task
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [maker.email]
    assert "approved" in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.status == "sent"


def test_scores_are_stored_with_their_total(maker, coe_lead):
    story = make_story(maker, S.IN_REVIEW)
    scores = {"score_relevance": 5, "score_impact": 4, "score_diversity": 3,
              "score_engagement": 2, "score_scalability": 1}  # fmt: skip
    services.story_score(story=story, reviewer=coe_lead, scores=scores)
    story.refresh_from_db()
    assert story.score_total == 15
    assert AuditEvent.objects.filter(verb="story_scored", target_id=str(story.pk)).count() == 1


def test_scores_are_refused_for_drafts_and_for_makers(maker, coe_lead):
    with pytest.raises(StoryStateError):
        services.story_score(story=make_story(maker, S.DRAFT), reviewer=coe_lead, scores={})
    with pytest.raises(PermissionDenied):
        services.story_score(story=make_story(maker, S.IN_REVIEW), reviewer=maker, scores={})


def _content(unit, title="Invoices in a day"):
    return {
        "data": {"title": title, "business_unit": unit, "overview": "It works.",
                 "solution_kind": "cloud_flow"},
        "tags": ["Invoices", "finance"],
        "metrics": [{"name": "Hours", "unit": "h", "before_value": Decimal(10),
                     "after_value": Decimal(4), "period": "per week"}],
        "quotes": [{"who": "Dana", "role": "CFO", "text": "Great."}],
        "images": [],
    }  # fmt: skip


def test_the_same_form_token_creates_one_story(maker, unit):
    token = uuid.uuid4()
    first, created = services.story_create(author=maker, token=token, **_content(unit))
    again, created_again = services.story_create(author=maker, token=token, **_content(unit))
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Story.objects.count() == 1
    assert sorted(first.tags.values_list("slug", flat=True)) == ["finance", "invoices"]


def test_editing_keeps_metric_identity(maker, unit):
    story, _ = services.story_create(author=maker, **_content(unit))
    metric = story.metrics.get()
    content = _content(unit)
    content["metrics"][0].update(uuid=metric.uuid, after_value=Decimal(2))
    content["metrics"].append({"name": "Errors", "unit": "errors", "before_value": Decimal(5),
                               "after_value": Decimal(1), "period": ""})  # fmt: skip
    services.story_update(story=story, editor=maker, **content)
    assert story.metrics.count() == 2
    metric.refresh_from_db()
    assert metric.after_value == Decimal(2)
    assert metric.change_percent == Decimal("-80.0")


@pytest.mark.parametrize(
    ("status", "persona", "allowed"),
    [(S.DRAFT, "maker", True), (S.CHANGES_REQUESTED, "maker", True),
     (S.SUBMITTED, "maker", False), (S.IN_REVIEW, "maker", False),
     (S.PUBLISHED, "maker", False), (S.DRAFT, "other_maker", False),
     (S.PUBLISHED, "coe_lead", True), (S.DRAFT, "executive", False)],
)  # fmt: skip
def test_who_may_edit_a_story(request, maker, unit, status, persona, allowed):
    story = make_story(maker, status)
    editor = request.getfixturevalue(persona)
    content = _content(unit, title="Changed title")
    if allowed:
        services.story_update(story=story, editor=editor, **content)
        story.refresh_from_db()
        assert story.title == "Changed title"
    else:
        with pytest.raises(PermissionDenied):
            services.story_update(story=story, editor=editor, **content)
        story.refresh_from_db()
        assert story.title != "Changed title"


def test_likes_are_one_per_user_and_can_be_taken_back(maker, other_maker):
    story = StoryFactory(published=True)
    assert services.story_toggle_like(story=story, user=maker) is True
    assert services.story_toggle_like(story=story, user=other_maker) is True
    assert StoryLike.objects.filter(story=story).count() == 2
    assert services.story_toggle_like(story=story, user=maker) is False
    assert list(StoryLike.objects.filter(story=story).values_list("user", flat=True)) == [
        other_maker.pk
    ]


def test_change_percent_of_a_metric():
    from stories.models import StoryMetric

    assert StoryMetric(before_value=12, after_value=2).change_percent == Decimal("-83.3")
    assert StoryMetric(before_value=20, after_value=85).change_percent == Decimal("325.0")
    assert StoryMetric(before_value=0, after_value=5).change_percent is None


def test_story_events_are_written_for_creation(maker, unit):
    story, _ = services.story_create(author=maker, **_content(unit))
    assert list(story.events.values_list("kind", flat=True)) == [StoryEvent.Kind.CREATED]
