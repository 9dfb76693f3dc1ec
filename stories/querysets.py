"""Reusable reads for stories, sessions and newsletters."""

from django.db import connections, models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.policy import is_coe

# The statuses of a story the CoE has to act on (the review queue, oldest submission first).
AWAITING_REVIEW = ("submitted", "in_review", "approved")

# The long texts of a story that a card does not show: a page of cards leaves them unread.
CARD_DEFERRED = ("overview", "business_scenario", "before_process", "solution_summary",
                 "impact_summary", "architecture", "meet_the_team", "team_members",
                 "rejection_reason", "search_vector")  # fmt: skip


def _like_count():
    """A story's number of likes as a subquery: no join and GROUP BY over every story column,
    so the newest stories come from the index on their publication time."""
    from .models import StoryLike

    likes = (
        StoryLike.objects.filter(story=OuterRef("pk"))
        .order_by()
        .values("story")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(likes), 0)


class StoryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StoryQuerySet":
        """Stories `user` may open: the CoE sees all; others see published stories and their own."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_coe(user):
            return self
        return self.filter(Q(status="published") | Q(author=user))

    def published(self) -> "StoryQuerySet":
        return self.filter(status="published")

    def authored_by(self, user) -> "StoryQuerySet":
        return self.filter(author=user)

    def awaiting_review(self) -> "StoryQuerySet":
        """Stories the CoE has to act on: submitted, in review or approved but not yet out."""
        return self.filter(status__in=AWAITING_REVIEW)

    def for_cards(self) -> "StoryQuerySet":
        """What a story card shows: unit, tags, first image, headline metric, like count.
        Four queries for a whole page: the stories, then tags, images and metrics prefetched."""
        from .models import StoryImage, StoryMetric

        return (
            self.select_related("business_unit", "author")
            .defer(*CARD_DEFERRED)
            .prefetch_related(
                "tags",
                Prefetch("images", queryset=StoryImage.objects.order_by("position", "id")),
                Prefetch("metrics", queryset=StoryMetric.objects.order_by("position", "id")),
            )
            .with_like_count()
        )

    def with_like_count(self) -> "StoryQuerySet":
        """Annotates `like_count` once, however many reads need it (a card and the "liked"
        order): the same subquery twice would be computed twice for every story."""
        if "like_count" in self.query.annotations:
            return self
        return self.annotate(like_count=_like_count())

    def search(self, text: str) -> "StoryQuerySet":
        """Stories matching `text`, best first. On PostgreSQL: full-text search on the stored,
        weighted vector (title > overview > everything else) ranked by ts_rank; elsewhere a
        plain case-insensitive match on the text fields, newest first."""
        text = text.strip()
        if not text:
            return self
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank

            query = SearchQuery(text, search_type="websearch", config="english")
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(F("search_vector"), query))
                .order_by("-rank", "-published_at")
            )
        match = Q()
        for field in ("title", "overview", "business_scenario", "solution_summary", "tags__name"):
            match |= Q(**{f"{field}__icontains": text})
        matching_ids = self.filter(match).values("pk")
        return self.filter(pk__in=matching_ids).order_by(
            F("published_at").desc(nulls_last=True), "-created_at"
        )

    def sorted_by(self, sort: str) -> "StoryQuerySet":
        """Library order: "newest" (the default), "impact" (yearly cost, then hours saved) or
        "liked"."""
        if sort == "impact":
            return self.order_by(
                F("cost_saved_per_year").desc(nulls_last=True),
                F("hours_saved_per_year").desc(nulls_last=True),
                "-published_at",
            )
        if sort == "liked":
            return self.with_like_count().order_by("-like_count", "-published_at")
        return self.order_by(F("published_at").desc(nulls_last=True), "-created_at")

    def related_to(self, story) -> "StoryQuerySet":
        """Other published stories sharing at least one tag with `story`, most shared tags first."""
        tag_ids = [tag.pk for tag in story.tags.all()]
        if not tag_ids:
            return self.none()
        return (
            self.published()
            .exclude(pk=story.pk)
            .filter(tags__in=tag_ids)
            .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
            .order_by("-shared", "-published_at")
        )


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SessionQuerySet":
        """Sessions are open to every signed-in user."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self

    def with_agenda(self) -> "SessionQuerySet":
        return self.select_related("host").prefetch_related(
            "slots__story__business_unit", "slots__presenter"
        )


class NewsletterQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NewsletterQuerySet":
        """The CoE sees drafts too; everybody else sees the archive of sent issues."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_coe(user):
            return self
        return self.filter(status="sent")

    def sent(self) -> "NewsletterQuerySet":
        return self.filter(status="sent")
