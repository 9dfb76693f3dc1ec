"""Adoption plans: a vision, objectives with measurable key results, check-ins on those key
results, initiatives on a three-horizon roadmap, KPIs with their measurements, and the built-in
plan templates they can start from.

Progress and status rules live in strategy/progress.py as pure functions; the model methods
below only feed them the row's own fields."""

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from . import progress as rules
from .querysets import (
    CheckInQuerySet,
    InitiativeQuerySet,
    KeyResultQuerySet,
    KpiQuerySet,
    ObjectiveQuerySet,
    PlanQuerySet,
)

User = settings.AUTH_USER_MODEL


class Unit(models.TextChoices):
    PERCENT = "percent", "%"
    NUMBER = "number", "Number"
    CURRENCY = "currency", "Currency"
    HOURS = "hours", "Hours"
    PEOPLE = "people", "People"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


# How many days may pass after the last check-in (or measurement) before one is due again.
FREQUENCY_DAYS = {Frequency.WEEKLY: 7, Frequency.MONTHLY: 31, Frequency.QUARTERLY: 92}


def format_value(value, unit: str, currency: str = "") -> str:
    """A figure with its unit, for pages and tables: "25 %", "EUR 1,200", "40 h"."""
    if value is None:
        return "—"
    number = Decimal(value).normalize()
    text = f"{number:,f}" if number == number.to_integral() else f"{number:,}"
    if unit == Unit.PERCENT:
        return f"{text} %"
    if unit == Unit.CURRENCY:
        return f"{currency} {text}".strip()
    if unit == Unit.HOURS:
        return f"{text} h"
    if unit == Unit.PEOPLE:
        return f"{text} people"
    return text


class PlanTemplate(models.Model):
    """A built-in plan for one common adoption goal, loaded from strategy/content/templates/."""

    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=2000)
    vision = models.TextField(max_length=4000)
    body = models.JSONField(help_text="Objectives, key results (with ___ blanks) and initiatives.")
    order = models.PositiveSmallIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:plan_from_template", kwargs={"key": self.key})

    @property
    def objectives(self) -> list[dict]:
        return self.body.get("objectives", [])

    @property
    def initiatives(self) -> list[dict]:
        return self.body.get("initiatives", [])

    @property
    def blanks(self) -> list[dict]:
        """Every key result of the template whose target is a blank, in order."""
        return [
            kr for o in self.objectives for kr in o.get("key_results", []) if "___" in kr["title"]
        ]


class Plan(models.Model):
    """An adoption plan: a vision for the organisation or one business unit over a period."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    vision = models.TextField(
        max_length=4000,
        help_text="One to three sentences: what you want to reach, why it matters and how you "
        "will get there.",
    )
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="Leave empty when the plan covers the whole organisation.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    sponsor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_plans",
        help_text="The executive who backs the plan, funds it and clears the way.",
    )
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="owned_plans",
        help_text="The CoE member who keeps the plan up to date.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    template = models.ForeignKey(
        PlanTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="strategy_plan_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:plan_detail", kwargs={"uuid": self.uuid})

    @property
    def scope_label(self) -> str:
        return str(self.business_unit) if self.business_unit_id else "Whole organisation"

    def progress(self) -> Decimal | None:
        """Exact mean progress of the plan's objectives that have one (needs objectives with key
        results prefetched as `objective_list`/`live_key_results`, or reads them)."""
        objectives = getattr(self, "objective_list", None)
        if objectives is None:
            objectives = list(self.objectives.prefetch_live_key_results())
        return rules.plan_progress([o.progress() for o in objectives])


class PlanStep(models.Model):
    """One of the five steps of an adoption strategy, ticked off for a plan with who and when."""

    class Step(models.TextChoices):
        # The five steps of a Power Platform adoption strategy, in their usual order.
        ASSESSMENT = "assessment", "Maturity assessment done"
        VISION = "vision", "Vision, objectives and key results agreed"
        VALUE = "value", "Business value measurement defined"
        SPONSOR = "sponsor", "Executive sponsor secured"
        COE = "coe", "Center of Excellence established"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=20, choices=Step.choices)
    order = models.PositiveSmallIntegerField(default=0)
    done_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "step"], name="strategy_plan_step_unique")
        ]

    def __str__(self) -> str:
        return self.get_step_display()

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class Objective(models.Model):
    """A broad theme the plan pursues, measured by its key results."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=200)
    why = models.TextField(
        max_length=2000, blank=True, help_text="Why this matters to the organisation."
    )
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_objectives"
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#objective-{self.uuid}"

    def _key_results(self) -> list:
        key_results = getattr(self, "live_key_results", None)
        if key_results is None:
            key_results = list(self.key_results.alive())
        return key_results

    def progress(self) -> Decimal | None:
        """Exact weighted mean progress of the live key results that have a value (None when
        none has been checked in yet; see strategy.progress)."""
        return rules.weighted_progress([(kr.progress(), kr.weight) for kr in self._key_results()])

    def awaiting_check_in(self) -> int:
        """How many live key results have no value yet (left out of the progress)."""
        return rules.awaiting_check_in(kr.progress() for kr in self._key_results())


class Kpi(models.Model):
    """A key performance indicator the organisation measures over time."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=4000, blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.NUMBER)
    currency = models.CharField(
        max_length=3, blank=True, help_text="ISO 4217 code, needed when the unit is currency."
    )
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Where it should be: at least this (higher is better) or at most this (lower "
        "is better). Leave empty for a KPI you only watch.",
    )
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_kpis"
    )
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpis",
        help_text="Leave empty for an organisation-wide KPI.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KpiQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("strategy:kpi_detail", kwargs={"uuid": self.uuid})

    def format(self, value) -> str:
        return format_value(value, self.unit, self.currency)

    def status(self, value) -> str | None:
        """on_track / off_track for `value` against the target (None without either)."""
        return rules.kpi_status(self.direction, self.target, value)


class KpiMeasurement(models.Model):
    """One value of a KPI on one date."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=2)
    note = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-measured_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "measured_on"], name="strategy_kpi_one_measurement_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value} on {self.measured_on}"


class KeyResult(models.Model):
    """A measurable outcome under an objective, from a baseline to a target by a due date."""

    class Kind(models.TextChoices):
        INCREASE = "increase", "Increase to"
        DECREASE = "decrease", "Decrease to"
        STAY_ABOVE = "stay_above", "Stay above"
        STAY_BELOW = "stay_below", "Stay below"
        MILESTONE = "milestone", "Milestone (done / not done)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INCREASE)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.PERCENT)
    currency = models.CharField(
        max_length=3, blank=True, help_text="ISO 4217 code (EUR, USD, …) for money key results."
    )
    baseline = models.DecimalField(
        max_digits=16, decimal_places=2, default=0, help_text="Where you start."
    )
    target = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        help_text="Where you want to be by the due date (for a milestone: 1 = done).",
    )
    current = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Latest value; each check-in updates it.",
    )
    starts_on = models.DateField()
    due_on = models.DateField()
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_key_results"
    )
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=1,
        help_text="How much this key result counts in its objective's progress.",
    )
    check_in_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    kpi = models.ForeignKey(
        Kpi,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_results",
        help_text="When set, each new measurement of this KPI checks the key result in.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeyResultQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")),
                name="strategy_kr_due_after_start",
            ),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="strategy_kr_weight_pos"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:key_result_detail", kwargs={"uuid": self.uuid})

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def value(self) -> Decimal:
        """The latest value, or the baseline before the first check-in."""
        return self.current if self.current is not None else self.baseline

    def format(self, value) -> str:
        return format_value(value, self.unit, self.currency)

    @property
    def has_value(self) -> bool:
        return self.current is not None

    def progress(self) -> Decimal | None:
        """Exact progress towards the target, 0-100; None before the first check-in (see
        strategy.progress.kr_progress)."""
        return rules.kr_progress(self.kind, self.baseline, self.target, self.current)

    def expected_progress(self, today: date | None = None) -> Decimal:
        return rules.expected_progress(self.starts_on, self.due_on, today or timezone.localdate())

    def status(self, today: date | None = None) -> str:
        """on_track / at_risk / off_track / done / no_check_in (see strategy.progress)."""
        return rules.kr_status(
            self.kind, self.progress(), self.starts_on, self.due_on, today or timezone.localdate()
        )

    def status_label(self, today: date | None = None) -> str:
        return rules.STATUS_LABELS[self.status(today)]

    def check_in_due_on(self) -> date:
        """When the next check-in is due: the frequency after the last one (or the start)."""
        last = getattr(self, "last_check_in_at", None)
        since = timezone.localdate(last) if last else self.starts_on
        return since + timezone.timedelta(days=FREQUENCY_DAYS[self.check_in_frequency])


class CheckIn(models.Model):
    """A new value of a key result, with the owner's confidence and comment, kept forever."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.DecimalField(max_digits=16, decimal_places=2)
    confidence = models.PositiveSmallIntegerField(
        default=7, help_text="0 = no chance of reaching the target, 10 = certain."
    )
    comment = models.TextField(max_length=2000, blank=True)
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="check_ins"
    )
    measurement = models.ForeignKey(
        KpiMeasurement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_ins",
        help_text="The KPI measurement this check-in was made from, if any.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__lte=10), name="strategy_checkin_confidence_max"
            ),
            # A KPI measurement checks each bound key result in once, even if recorded twice.
            models.UniqueConstraint(
                fields=["key_result", "measurement"],
                condition=models.Q(measurement__isnull=False),
                name="strategy_checkin_once_per_measurement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.value}"


class Initiative(models.Model):
    """A piece of work on the roadmap that serves objectives and advances maturity areas."""

    class Horizon(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate"
        NEXT_YEAR = "next_year", "Next year"
        THREE_YEARS = "three_years", "Next three years"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=4000, blank=True)
    horizon = models.CharField(max_length=12, choices=Horizon.choices, default=Horizon.IMMEDIATE)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_initiatives"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    target_on = models.DateField(null=True, blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="initiatives")
    areas = models.ManyToManyField("maturity.Area", blank=True, related_name="initiatives")
    opportunities = models.ManyToManyField(
        "maturity.Opportunity", blank=True, related_name="initiatives"
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:initiative_update", kwargs={"uuid": self.uuid})
