"""Ideas for solutions, tied to key results and scored for the backlog; the makers behind them,
their profiles, badges and the champions list."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .querysets import IdeaQuerySet, MakerProfileQuerySet

ZERO = Decimal("0")
# The largest number of people an idea may say it affects: more than any one organisation
# using this hub, so "10 million" is refused as a typo rather than scored.
MAX_PEOPLE = 100_000
MAX_MINUTES = 24 * 60  # per occurrence: a whole day
MAX_OCCURRENCES = 1_000  # per person and period
MAX_ITEMS_PER_YEAR = 10_000_000


class Idea(models.Model):
    """A pain point someone described, with its estimated potential value and, once the CoE has
    looked at it, its effort, risk and place in the backlog."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NEW = "new", _("New")
        UNDER_REVIEW = "under_review", _("Under review")
        ACCEPTED = "accepted", _("Accepted")
        IN_BUILD = "in_build", _("In build")
        DELIVERED = "delivered", _("Delivered")
        DECLINED = "declined", _("Declined")

    class Period(models.TextChoices):
        # Working days, weeks and months in a year: the multipliers of value.calculator's volume.
        DAY = "day", _("per working day")
        WEEK = "week", _("per week")
        MONTH = "month", _("per month")
        YEAR = "year", _("per year")

    class Effort(models.TextChoices):
        XS = "xs", _("XS (under a day)")
        S = "s", _("S (a few days)")
        M = "m", _("M (two to four weeks)")
        L = "l", _("L (one to three months)")
        XL = "xl", _("XL (more than a quarter)")

    # Occurrences a year for one occurrence per period (220 working days, 46 working weeks).
    PERIODS_PER_YEAR = {"day": 220, "week": 46, "month": 12, "year": 1}

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=160)
    pain_point = models.TextField(
        _("pain point"), help_text=_("What hurts today, in a few sentences. Markdown allowed.")
    )
    process = models.CharField(
        _("process"), max_length=200, help_text=_("The process or task, e.g. expense claims.")
    )
    tools_today = models.CharField(
        _("tools used today"), max_length=200, blank=True, help_text=_("E.g. e-mail and Excel.")
    )
    risk_today = models.TextField(
        _("what it costs or risks"), blank=True, help_text=_("Errors, fines, delays, morale.")
    )
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit", on_delete=models.PROTECT, related_name="ideas"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas"
    )
    maturity_area = models.ForeignKey(
        "maturity.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        verbose_name=_("maturity area"),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    decline_reason = models.TextField(blank=True)

    # The estimate: people x occurrences x (minutes now - minutes after) → hours a year, valued at
    # the unit's staff-hour rate; plus things avoided a year x their cost from the library.
    people_affected = models.PositiveIntegerField(
        _("people affected"), default=1, validators=[MinValueValidator(1)]
    )
    occurrences = models.PositiveIntegerField(
        _("how often (per person)"), default=1, validators=[MinValueValidator(1)]
    )
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.WEEK)
    minutes_now = models.PositiveIntegerField(_("minutes it takes now"), default=0)
    minutes_after = models.PositiveIntegerField(_("minutes it would take after"), default=0)
    cost_item = models.ForeignKey(
        "value.UnitCost",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cost of one thing avoided"),
    )
    items_avoided_per_year = models.PositiveIntegerField(_("things avoided a year"), default=0)
    potential_hours_year = models.DecimalField(max_digits=12, decimal_places=1, default=ZERO)
    potential_value_year = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    hourly_rate = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, help_text=_("The rate the estimate used.")
    )

    # Set by the CoE when it reviews the idea.
    effort = models.CharField(_("effort"), max_length=2, choices=Effort.choices, blank=True)
    risk = models.PositiveSmallIntegerField(
        _("risk (0-5)"), default=0, validators=[MaxValueValidator(5)]
    )
    # Kept by the services (ideas.scoring) so the backlog sorts without counting votes.
    vote_count = models.PositiveIntegerField(default=0)
    score = models.DecimalField(max_digits=8, decimal_places=2, default=ZERO, db_index=True)

    solution = models.OneToOneField(
        "value.Solution", null=True, blank=True, on_delete=models.SET_NULL, related_name="idea"
    )
    # Filled on PostgreSQL only (ideas.services.idea_refresh_search); GIN index in a migration.
    search_vector = SearchVectorField(null=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "-submitted_at"]
        indexes = [
            models.Index(fields=["status", "-score"], name="idea_status_score"),
            models.Index(fields=["business_unit", "status"], name="idea_unit_status"),
            models.Index(fields=["author", "status"], name="idea_author_status"),
            # The dashboard's pipeline totals read the index alone (PostgreSQL; the value is
            # carried in it), not every wide row of the backlog.
            models.Index(
                fields=["status"],
                include=["id", "potential_value_year"],
                name="idea_pipeline_value",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="idea_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(people_affected__lte=MAX_PEOPLE), name="idea_people_capped"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:idea_detail", kwargs={"uuid": self.uuid})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_declined(self) -> bool:
        return self.status == self.Status.DECLINED

    @property
    def is_open_for_votes(self) -> bool:
        return self.status not in (self.Status.DRAFT, self.Status.DECLINED)

    @property
    def is_editable_by_author(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.NEW)

    @property
    def occurrences_per_year(self) -> int:
        return self.occurrences * self.PERIODS_PER_YEAR[self.period] * self.people_affected

    @property
    def status_badge(self) -> str:
        return {
            "draft": "secondary",
            "new": "info",
            "under_review": "primary",
            "accepted": "success",
            "in_build": "warning",
            "delivered": "success",
            "declined": "danger",
        }[self.status]


class IdeaKeyResult(models.Model):
    """A key result an idea would move, with the author's short "how"."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="key_result_links")
    key_result = models.ForeignKey(
        "strategy.KeyResult", on_delete=models.CASCADE, related_name="idea_links"
    )
    how = models.CharField(_("how"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "key_result"], name="idea_key_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.idea} → {self.key_result}"


class IdeaVote(models.Model):
    """One person's vote for one idea."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="idea_vote_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.idea}"


class IdeaComment(models.Model):
    """A comment on an idea, in Markdown (sanitised when shown, as stories are)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} on {self.idea}"


class ScoreWeights(models.Model):
    """The weights of the backlog score (one row, edited by the CoE); see ideas.scoring."""

    value = models.DecimalField(_("potential value"), max_digits=5, decimal_places=2, default=3)
    fit = models.DecimalField(_("strategic fit"), max_digits=5, decimal_places=2, default=2)
    votes = models.DecimalField(_("votes"), max_digits=5, decimal_places=2, default=1)
    effort = models.DecimalField(_("effort"), max_digits=5, decimal_places=2, default=2)
    risk = models.DecimalField(_("risk"), max_digits=5, decimal_places=2, default=1)
    value_per_point = models.DecimalField(
        _("value a year per point"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("10000"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    votes_per_point = models.PositiveIntegerField(
        _("votes per point"), default=5, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "score weights"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="score_weights_single_row"),
        ]

    def __str__(self) -> str:
        return "Score weights"

    @classmethod
    def current(cls) -> "ScoreWeights":
        weights, _created = cls.objects.get_or_create(pk=1)
        return weights


class MakerProfile(models.Model):
    """A person's portfolio page: what they list about themselves, and whether other makers may
    see it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="maker_profile"
    )
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    skills = models.TextField(_("skills"), blank=True, help_text=_("One per line."))
    learning = models.TextField(
        _("learning"), blank=True, help_text=_("Courses, certifications, one per line.")
    )
    is_hidden_from_makers = models.BooleanField(
        _("hide my profile from other makers"),
        default=False,
        help_text=_("The CoE and executives still see it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MakerProfileQuerySet.as_manager()

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("ideas:profile_detail", kwargs={"uuid": self.uuid})

    @property
    def owner_id(self) -> int:
        return self.user_id  # the policy's ownership test reads owner_id

    @property
    def skill_list(self) -> list[str]:
        return [line.strip() for line in self.skills.splitlines() if line.strip()]

    @property
    def learning_list(self) -> list[str]:
        return [line.strip() for line in self.learning.splitlines() if line.strip()]


class BadgeRule(models.Model):
    """A recognition badge and the rule that awards it, edited by the CoE."""

    class Kind(models.TextChoices):
        FIRST_STORY = "first_story", _("First story published")
        FIRST_SOLUTION_LIVE = "first_solution_live", _("First solution live")
        VALUE_OVER = "value_over", _("Value delivered over a threshold")
        SHOW_AND_TELL = "show_and_tell", _("Presented at a show-and-tell")
        IDEA_DELIVERED = "idea_delivered", _("An idea of theirs delivered")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("rule"), max_length=30, choices=Kind.choices)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("For value rules: the money value delivered, all time."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Badge(models.Model):
    """One badge awarded to one person; a rule awards each person at most once."""

    rule = models.ForeignKey(BadgeRule, on_delete=models.CASCADE, related_name="awards")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges"
    )
    awarded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-awarded_at"]
        constraints = [models.UniqueConstraint(fields=["rule", "user"], name="badge_once")]

    def __str__(self) -> str:
        return f"{self.rule} · {self.user}"


class Champion(models.Model):
    """A person the CoE lists as a champion of the platform in their unit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="champion"
    )
    note = models.CharField(_("why"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self) -> str:
        return str(self.user)
