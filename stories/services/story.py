"""Writing stories: create and edit drafts, likes and the search vector."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Value
from django.utils.text import slugify

from accounts.policy import require

from ..models import Story, StoryEvent, StoryImage, StoryLike, StoryMetric, StoryQuote, Tag
from ..uploads import MAX_IMAGES_PER_STORY, too_many_images

CONTENT_FIELDS = [
    "title",
    "business_unit",
    "solution_kind",
    "solution",
    *Story.SECTIONS,
    "highlight_1",
    "highlight_2",
    "highlight_3",
    "team_members",
    "hours_saved_per_year",
    "cost_saved_per_year",
]


def _set_tags(story: Story, names: list[str]) -> None:
    tags = []
    for name in dict.fromkeys(n.strip()[:50] for n in names if n.strip()):
        slug = slugify(name)[:60]
        if not slug:
            continue
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.create(name=name, slug=slug)
        tags.append(tag)
    story.tags.set(tags)


def _sync_metrics(story: Story, metrics: list[dict[str, Any]]) -> None:
    # Metrics keep their uuid across edits: value records may later point at them.
    existing = {str(m.uuid): m for m in story.metrics.all()}
    keep = []
    for position, row in enumerate(metrics):
        fields = {
            "name": row["name"],
            "unit": row["unit"],
            "before_value": row["before_value"],
            "after_value": row["after_value"],
            "period": row.get("period", ""),
            "position": position,
        }
        metric = existing.get(str(row.get("uuid") or ""))
        if metric is None:
            metric = StoryMetric.objects.create(story=story, **fields)
        else:
            for name, value in fields.items():
                setattr(metric, name, value)
            metric.save()
        keep.append(metric.pk)
    story.metrics.exclude(pk__in=keep).delete()


def _replace_quotes(story: Story, quotes: list[dict[str, Any]]) -> None:
    story.quotes.all().delete()
    StoryQuote.objects.bulk_create(
        StoryQuote(story=story, who=q["who"], role=q.get("role", ""), text=q["text"], position=i)
        for i, q in enumerate(quotes)
    )


def _sync_images(story: Story, images: list[dict[str, Any]]) -> None:
    existing = {str(i.uuid): i for i in story.images.all()}
    keep: list[int] = []
    removed: list[StoryImage] = []
    position = 0
    for row in images:
        image = existing.get(str(row.get("uuid") or ""))
        if row.get("delete"):
            if image is not None:
                removed.append(image)
            continue
        if image is None:
            if row.get("file") is None:
                continue
            image = StoryImage(story=story, caption=row.get("caption", ""), position=position)
            image.image.save(row["file"].name, row["file"], save=False)
            image.save()
        else:
            image.caption, image.position = row.get("caption", ""), position
            image.save(update_fields=["caption", "position"])
        keep.append(image.pk)
        position += 1
    if len(keep) > MAX_IMAGES_PER_STORY:
        raise ValidationError(too_many_images())
    for image in story.images.exclude(pk__in=keep):
        removed.append(image)
    for image in removed:
        name = image.image.name
        image.delete()
        storage = image.image.storage
        transaction.on_commit(lambda n=name, s=storage: s.delete(n))


def story_refresh_search(*, story: Story) -> None:
    """Store the weighted full-text vector of `story` (PostgreSQL only; a no-op elsewhere): the
    title weighs most (A), then the overview (B), then the other sections, highlights and tags."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    rest = " ".join(
        [
            *(getattr(story, field) for field in Story.SECTIONS[1:]),
            *story.highlights,
            story.team_members,
            *(tag.name for tag in story.tags.all()),
        ]
    )
    Story.objects.filter(pk=story.pk).update(
        search_vector=SearchVector(Value(story.title), weight="A", config="english")
        + SearchVector(Value(story.overview), weight="B", config="english")
        + SearchVector(Value(rest), weight="C", config="english")
    )


def _write_content(story: Story, data, tags, metrics, quotes, images) -> None:
    for field in CONTENT_FIELDS:
        if field in data:
            setattr(story, field, data[field])
    story.save()
    _set_tags(story, tags)
    _sync_metrics(story, metrics)
    _replace_quotes(story, quotes)
    _sync_images(story, images)
    story_refresh_search(story=story)


@transaction.atomic
def story_create(
    *,
    author,
    data: dict[str, Any],
    tags: list[str],
    metrics: list[dict[str, Any]],
    quotes: list[dict[str, Any]],
    images: list[dict[str, Any]],
    token=None,
) -> tuple[Story, bool]:
    """Create a draft story by `author`; returns (story, created).

    With a `token` (the hidden value of the form that was filled in), sending the same form
    again, as a double click does, returns the story the first request created and writes
    nothing: the unique constraint on submission_token decides even when both run at once.
    Raises PermissionDenied unless the author may submit stories."""
    require(author, "stories.submit_story")
    if token is not None:
        existing = Story.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            story = Story(author=author, submission_token=token)
            _write_content(story, data, tags, metrics, quotes, images)
    except IntegrityError:
        existing = Story.objects.filter(submission_token=token).first() if token else None
        if existing is None:
            raise
        return existing, False
    StoryEvent.objects.create(
        story=story, actor=author, kind=StoryEvent.Kind.CREATED, to_status=story.status
    )
    return story, True


@transaction.atomic
def story_update(
    *,
    story: Story,
    editor,
    data: dict[str, Any],
    tags: list[str],
    metrics: list[dict[str, Any]],
    quotes: list[dict[str, Any]],
    images: list[dict[str, Any]],
) -> Story:
    """Save new content for `story`. Authors may edit only drafts and stories sent back for
    changes; a published story only the CoE. Raises PermissionDenied otherwise."""
    story = Story.objects.select_for_update().get(pk=story.pk)
    require(editor, "stories.edit_story", story)
    _write_content(story, data, tags, metrics, quotes, images)
    StoryEvent.objects.create(
        story=story,
        actor=editor,
        kind=StoryEvent.Kind.EDITED,
        from_status=story.status,
        to_status=story.status,
    )
    return story


@transaction.atomic
def story_toggle_like(*, story: Story, user) -> bool:
    """Like `story` for `user`, or take the like back; returns whether it is now liked.
    A second like by the same user is impossible (unique constraint)."""
    require(user, "stories.like_story", story)
    deleted, _ = StoryLike.objects.filter(story=story, user=user).delete()
    if deleted:
        return False
    StoryLike.objects.get_or_create(story=story, user=user)
    return True


def story_content_rows(story: Story) -> tuple[list[dict], list[dict]]:
    """The story's metrics and quotes as story_update() takes them (and the edit form shows
    them): an edit that leaves them alone passes them back unchanged."""
    metrics = [
        {
            "uuid": m.uuid,
            "name": m.name,
            "unit": m.unit,
            "before_value": m.before_value,
            "after_value": m.after_value,
            "period": m.period,
        }
        for m in story.metrics.all()
    ]
    quotes = [{"who": q.who, "role": q.role, "text": q.text} for q in story.quotes.all()]
    return metrics, quotes
