"""The review workflow of a story, one service per transition.

    draft ──submit──► submitted ──start──► in review ──approve──► approved ──publish──► published
      ▲                  ▲                    │
      │                  └──────resubmit──────┤ request changes
      └──(author edits)── changes requested ◄─┘
    submitted / in review / approved ──reject (with a reason)──► rejected

Every transition writes a StoryEvent; review decisions also write an audit row and notify the
author through notifications.notify (in the app, and by e-mail after commit, once per decision);
a published story is also posted to the Teams channels routed for new stories."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.languages import in_language_of
from accounts.policy import is_coe, require
from accounts.services import audit_record
from config.errors import StateConflict
from notifications import kinds as notification_kinds
from notifications.services import notify, notify_channels

from ..models import Story, StoryEvent

S = Story.Status


class StoryStateError(Exception):
    """The story is not in a state that allows this transition."""


class StoryStatusError(StoryStateError, StateConflict):
    """The story's status (or saved content) does not allow the step; the API answers 409."""


def _lock(story: Story) -> Story:
    # Two reviewers clicking at once: the second waits for the first and then sees its result.
    return Story.objects.select_for_update().get(pk=story.pk)


def _transition(
    *,
    story: Story,
    actor,
    allowed_from: tuple[str, ...],
    to: str,
    kind: str,
    comment: str = "",
    message: str,
    decision: bool = True,
    base_url: str = "",
    **changes,
) -> Story:
    if story.status not in allowed_from:
        raise StoryStatusError(message)
    before = story.status
    story.status = to
    for field, value in changes.items():
        setattr(story, field, value)
    story.save(update_fields=["status", "updated_at", *changes])
    event = StoryEvent.objects.create(
        story=story, actor=actor, kind=kind, from_status=before, to_status=to, comment=comment
    )
    if decision:
        audit_record(
            actor=actor, verb=f"story_{kind}", target=story, before=before, after=to, note=comment
        )
        with in_language_of(story.author):  # the author reads the decision in their language
            _notify_decision(story=story, event=event, base_url=base_url)
    return story


def _notify_decision(*, story: Story, event: StoryEvent, base_url: str) -> None:
    # The link as the reviewer's browser saw the site, when known (tasks have no request).
    link = story.get_absolute_url()
    if base_url:
        link = f"{base_url.rstrip('/')}{link}"
    author_language = getattr(story.author, "language", "") or settings.LANGUAGE_CODE
    with translation.override(author_language):
        title = gettext("Your story “%(title)s”: %(decision)s") % {
            "title": story.title,
            "decision": event.get_kind_display(),
        }
        body = render_to_string(
            "stories/email/decision_body.txt", {"event": event, "story": story}
        ).strip()
    notify(
        recipient=story.author,
        kind=notification_kinds.STORY_DECISION,
        subject_key=f"story_event:{event.pk}",
        title=title,
        body=body,
        link=link,
    )
    if event.kind == StoryEvent.Kind.PUBLISHED:
        notify_channels(
            kind=notification_kinds.STORY_PUBLISHED,
            unit_id=story.business_unit_id,
            subject_key=f"story:{story.uuid}",
            title=gettext("New success story: %(title)s") % {"title": story.title},
            body=story.overview[:400],
            link=story.get_absolute_url(),
            facts=[
                (gettext("Business unit"), str(story.business_unit or "—")),
                (gettext("Hours saved per year"), f"{story.hours_saved_per_year or 0:,.0f}"),
            ],
        )


@transaction.atomic
def story_submit(*, story: Story, actor) -> Story:
    """Send a draft (or a story sent back for changes) to the CoE. Only its author or the CoE.
    Raises PermissionDenied or StoryStateError."""
    story = _lock(story)
    if not (is_coe(actor) or story.author_id == actor.pk):
        require(actor, "stories.review_story")  # raises PermissionDenied
    if not story.title.strip() or not story.overview.strip():
        raise StoryStatusError(
            gettext("A story needs a title and an overview before it is submitted.")
        )
    return _transition(
        story=story,
        actor=actor,
        allowed_from=(S.DRAFT, S.CHANGES_REQUESTED),
        to=S.SUBMITTED,
        kind=StoryEvent.Kind.SUBMITTED,
        message=gettext("Only drafts and stories sent back for changes can be submitted."),
        decision=False,
        submitted_at=timezone.now(),
    )


@transaction.atomic
def story_start_review(*, story: Story, reviewer, base_url: str = "") -> Story:
    """A CoE lead takes a submitted story into review.
    Raises PermissionDenied or StoryStateError."""
    require(reviewer, "stories.review_story", story)
    story = _lock(story)
    return _transition(
        story=story,
        actor=reviewer,
        allowed_from=(S.SUBMITTED,),
        to=S.IN_REVIEW,
        kind=StoryEvent.Kind.REVIEW_STARTED,
        message=gettext("Only submitted stories can be taken into review."),
        decision=False,
        reviewer=reviewer,
    )


@transaction.atomic
def story_request_changes(*, story: Story, reviewer, comment: str, base_url: str = "") -> Story:
    """Send a story in review back to its author with what to change (a comment is required).
    Raises PermissionDenied or StoryStateError."""
    require(reviewer, "stories.review_story", story)
    if not comment.strip():
        raise StoryStateError(gettext("Say what should change before sending the story back."))
    story = _lock(story)
    return _transition(
        story=story,
        actor=reviewer,
        allowed_from=(S.IN_REVIEW,),
        to=S.CHANGES_REQUESTED,
        kind=StoryEvent.Kind.CHANGES_REQUESTED,
        comment=comment,
        message=gettext("Only stories in review can be sent back for changes."),
        base_url=base_url,
        reviewer=reviewer,
    )


@transaction.atomic
def story_approve(*, story: Story, reviewer, comment: str = "", base_url: str = "") -> Story:
    """Approve a story in review. Raises PermissionDenied or StoryStateError."""
    require(reviewer, "stories.review_story", story)
    story = _lock(story)
    return _transition(
        story=story,
        actor=reviewer,
        allowed_from=(S.IN_REVIEW,),
        to=S.APPROVED,
        kind=StoryEvent.Kind.APPROVED,
        comment=comment,
        message=gettext("Only stories in review can be approved."),
        base_url=base_url,
        reviewer=reviewer,
    )


@transaction.atomic
def story_publish(*, story: Story, reviewer, comment: str = "", base_url: str = "") -> Story:
    """Publish an approved story to the library. Raises PermissionDenied or StoryStateError."""
    require(reviewer, "stories.review_story", story)
    story = _lock(story)
    return _transition(
        story=story,
        actor=reviewer,
        allowed_from=(S.APPROVED,),
        to=S.PUBLISHED,
        kind=StoryEvent.Kind.PUBLISHED,
        comment=comment,
        message=gettext("Only approved stories can be published."),
        base_url=base_url,
        published_at=timezone.now(),
    )


@transaction.atomic
def story_reject(*, story: Story, reviewer, reason: str, base_url: str = "") -> Story:
    """Turn a story down for good, with a reason the author reads.
    Raises PermissionDenied or StoryStateError."""
    require(reviewer, "stories.review_story", story)
    if not reason.strip():
        raise StoryStateError(gettext("Give the author a reason when rejecting a story."))
    story = _lock(story)
    return _transition(
        story=story,
        actor=reviewer,
        allowed_from=(S.SUBMITTED, S.IN_REVIEW, S.APPROVED),
        to=S.REJECTED,
        kind=StoryEvent.Kind.REJECTED,
        comment=reason,
        message=gettext("Only stories waiting for or in review can be rejected."),
        base_url=base_url,
        rejection_reason=reason,
        reviewer=reviewer,
    )


@transaction.atomic
def story_score(*, story: Story, reviewer, scores: dict[str, int | None]) -> Story:
    """Record the reviewer's 1-5 scores on the five selection criteria (writes an audit row).
    Only while the story is in review, approved or published. Raises PermissionDenied,
    StoryStateError, or ValueError for a score outside 1-5."""
    require(reviewer, "stories.review_story", story)
    story = _lock(story)
    if story.status not in (S.IN_REVIEW, S.APPROVED, S.PUBLISHED):
        raise StoryStatusError(gettext("Stories are scored once they are in review."))
    fields = [field for field, _, _ in Story.CRITERIA]
    for field in fields:
        value = scores.get(field)
        if value is not None and not 1 <= value <= 5:
            raise ValueError(f"{field} must be between 1 and 5.")
        setattr(story, field, value)
    story.save(update_fields=[*fields, "updated_at"])
    StoryEvent.objects.create(
        story=story,
        actor=reviewer,
        kind=StoryEvent.Kind.SCORED,
        from_status=story.status,
        to_status=story.status,
        comment=gettext("Total %(score)s of 25") % {"score": story.score_total},
    )
    audit_record(
        actor=reviewer, verb="story_scored", target=story, **{f: scores.get(f) for f in fields}
    )
    return story


def story_review(
    *, story: Story, reviewer, action: str, comment: str = "", base_url: str = ""
) -> Story:
    """Take the CoE review decision named `action` (start_review, request_changes, approve,
    publish or reject) on `story`; pages and the API both come through here. Raises KeyError
    for an unknown action, and whatever the chosen transition raises (StoryStateError,
    PermissionDenied)."""
    if action == "start_review":
        return story_start_review(story=story, reviewer=reviewer, base_url=base_url)
    if action == "reject":
        return story_reject(story=story, reviewer=reviewer, reason=comment, base_url=base_url)
    transition = {
        "request_changes": story_request_changes,
        "approve": story_approve,
        "publish": story_publish,
    }[action]
    return transition(story=story, reviewer=reviewer, comment=comment, base_url=base_url)
