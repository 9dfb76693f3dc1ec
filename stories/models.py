"""Success stories, their review trail, likes, show-and-tell sessions and newsletters."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.numbers import round_half_up
from value.models import Solution

from .querysets import AWAITING_REVIEW, NewsletterQuerySet, SessionQuerySet, StoryQuerySet

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Tag(models.Model):
    """A short keyword that groups stories (e.g. "invoices", "field service")."""

    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Story(models.Model):
    """One success story: what a maker built, the problem it solved and what it changed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    # The five selection criteria a reviewer scores from 1 to 5: (field, label, question).
    CRITERIA = [
        (
            "score_relevance",
            _("Relevance"),
            _("Does it serve a goal or a pressing problem of ours?"),
        ),
        (
            "score_impact",
            _("Impact"),
            _("How much time, money or satisfaction did it measurably win?"),
        ),
        (
            "score_diversity",
            _("Diversity"),
            _("Does it widen the mix of solution kinds and makers?"),
        ),
        ("score_engagement", _("Engagement"), _("Did several teams or stakeholders work on it?")),
        ("score_scalability", _("Scalability"), _("Could other units reuse or copy it?")),
    ]
    # The seven sections of the story format, in reading order.
    SECTIONS = [
        "overview",
        "business_scenario",
        "before_process",
        "solution_summary",
        "impact_summary",
        "architecture",
        "meet_the_team",
    ]

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=160)
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit", on_delete=models.PROTECT, related_name="stories"
    )
    solution_kind = models.CharField(
        max_length=20, choices=Solution.Kind.choices, default=Solution.Kind.CANVAS_APP
    )
    solution = models.ForeignKey(
        "value.Solution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stories"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    overview = models.TextField(max_length=3000)
    business_scenario = models.TextField(max_length=10000, blank=True)
    before_process = models.TextField(max_length=10000, blank=True)
    solution_summary = models.TextField(max_length=10000, blank=True)
    impact_summary = models.TextField(max_length=10000, blank=True)
    architecture = models.TextField(max_length=10000, blank=True)
    meet_the_team = models.TextField(max_length=10000, blank=True)

    highlight_1 = models.CharField(max_length=200, blank=True)
    highlight_2 = models.CharField(max_length=200, blank=True)
    highlight_3 = models.CharField(max_length=200, blank=True)
    team_members = models.TextField(max_length=3000, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories")
    hours_saved_per_year = models.DecimalField(
        max_digits=10, decimal_places=1, null=True, blank=True
    )
    cost_saved_per_year = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )

    score_relevance = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_impact = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_diversity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_engagement = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_scalability = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=SCORE_VALIDATORS
    )
    rejection_reason = models.TextField(max_length=5000, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_stories",
    )

    # The hidden token of the form that created the story: a double-clicked "Save" sends the
    # same token twice, and the unique constraint turns the second request into a no-op.
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    # Filled by services.story_refresh_search on PostgreSQL only (a GIN index is on it).
    search_vector = SearchVectorField(null=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name_plural = _("stories")
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # The library's newest-first page: twelve published stories read off the index,
            # instead of joining and sorting every published story (PostgreSQL only: see
            # migration 0004).
            models.Index(
                models.F("published_at").desc(nulls_last=True),
                models.F("created_at").desc(),
                condition=models.Q(status="published"),
                name="story_library_newest",
            ),
            # The review queue and its home panel: oldest submission first, off the index.
            models.Index(
                fields=["submitted_at", "created_at"],
                condition=models.Q(status__in=AWAITING_REVIEW),
                name="story_review_queue",
            ),
            # The review queue's "recently decided" list and a maker's own stories, newest
            # change first.
            models.Index(fields=["-updated_at"], name="story_recently_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="story_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="story_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:story_detail", kwargs={"uuid": self.uuid})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable_by_author(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CHANGES_REQUESTED)

    @property
    def highlights(self) -> list[str]:
        return [h for h in (self.highlight_1, self.highlight_2, self.highlight_3) if h]

    @property
    def team_member_list(self) -> list[str]:
        return [line.strip() for line in self.team_members.splitlines() if line.strip()]

    @property
    def scores(self) -> list[tuple[str, str, int | None]]:
        return [(label, question, getattr(self, field)) for field, label, question in self.CRITERIA]

    @property
    def score_total(self) -> int | None:
        values = [getattr(self, field) for field, _, _ in self.CRITERIA]
        if all(v is None for v in values):
            return None
        return sum(v or 0 for v in values)

    @property
    def status_badge(self) -> str:
        return {
            "draft": "secondary",
            "submitted": "info",
            "in_review": "primary",
            "changes_requested": "warning",
            "approved": "success",
            "published": "success",
            "rejected": "danger",
        }[self.status]


class StoryMetric(models.Model):
    """One measured effect of a story's solution: a value before and after, over a period."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=40)
    before_value = models.DecimalField(max_digits=14, decimal_places=2)
    after_value = models.DecimalField(max_digits=14, decimal_places=2)
    period = models.CharField(max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.before_value} → {self.after_value} {self.unit}"

    @property
    def change_percent(self) -> Decimal | None:
        """The change from before to after in per cent (None when "before" is zero)."""
        before, after = Decimal(str(self.before_value)), Decimal(str(self.after_value))
        if not before:
            return None
        return round_half_up((after - before) / before * 100)  # half-up, never -0.0


class StoryImage(models.Model):
    """A re-encoded picture in a story (a before/after shot, a screenshot) with its caption."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="images")
    # Indexed: /media/ finds the picture (and so the story that guards it) by its stored name.
    image = models.ImageField(
        upload_to="stories/", width_field="width", height_field="height", db_index=True
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class StoryQuote(models.Model):
    """A quote from a leader or user of the solution."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="quotes")
    who = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    text = models.TextField(max_length=1000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.who}: {self.text[:40]}"


class StoryEvent(models.Model):
    """One step in a story's life: who moved it from which state to which, and why."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted for review")
        REVIEW_STARTED = "review_started", _("Review started")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        SCORED = "scored", _("Scored")

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    comment = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.story}: {self.get_kind_display()}"


class StoryNotification(models.Model):
    """The e-mail telling an author about one review decision; sent at most once."""

    event = models.OneToOneField(StoryEvent, on_delete=models.CASCADE, related_name="notification")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The story's address as the reviewer's browser saw it (tasks have no request to ask).
    link = models.URLField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient}"


class StoryLike(models.Model):
    """One signed-in user's like of one story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "user"], name="story_like_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} likes {self.story}"


class ShowAndTellSession(models.Model):
    """A live session (town hall, webinar) at which makers demo their stories."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=160)
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    meeting_url = models.URLField(blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(max_length=4000, blank=True)
    recording_url = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:session_detail", kwargs={"uuid": self.uuid})


class SessionSlot(models.Model):
    """One story on a session's agenda, with its presenter and time slot."""

    session = models.ForeignKey(ShowAndTellSession, on_delete=models.CASCADE, related_name="slots")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="session_slots")
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.TimeField()
    minutes = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "story"], name="session_slot_story_once")
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.story}"


class Newsletter(models.Model):
    """One newsletter issue: an introduction and an ordered choice of published stories."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(max_length=160)
    intro = models.TextField(max_length=4000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The site's address when sending started, for links in the e-mail (tasks have no request).
    base_url = models.URLField(max_length=200, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveIntegerField(default=0)

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-created_at"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("stories:newsletter_detail", kwargs={"uuid": self.uuid})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class NewsletterItem(models.Model):
    """One story in a newsletter, at its place in the issue."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="items")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="newsletter_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "story"], name="newsletter_story_once")
        ]

    def __str__(self) -> str:
        return f"{self.newsletter}: {self.story}"


class NewsletterSubscription(models.Model):
    """A user's opt-in to the newsletter; the token signs their unsubscribe link."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsletter_subscription"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_active = models.BooleanField(default=True)
    subscribed_at = models.DateTimeField(auto_now_add=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} ({'active' if self.is_active else 'unsubscribed'})"


class NewsletterDelivery(models.Model):
    """One recipient of one newsletter issue: claimed before sending, stamped after."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            # Each recipient gets an issue at most once, however often sending is retried.
            models.UniqueConstraint(
                fields=["newsletter", "recipient"], name="newsletter_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["newsletter", "status"])]

    def __str__(self) -> str:
        return f"{self.newsletter} → {self.email} ({self.status})"
