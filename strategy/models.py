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
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

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
    NUMBER = "number", _("Number")
    CURRENCY = "currency", _("Currency")
    HOURS = "hours", _("Hours")
    PEOPLE = "people", _("People")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


# How many days may pass after the last check-in (or measurement) before one is due again.
FREQUENCY_DAYS = {Frequency.WEEKLY: 7, Frequency.MONTHLY: 31, Frequency.QUARTERLY: 92}


def format_value(value, unit: str, currency: str = "") -> str:
    """A figure with its unit in the reader's language, for pages and tables: "25 %",
    "EUR 1,200" / "1.200 EUR", "40 h", "12 people" / "12 Personen"."""
    if value is None:
        return "—"
    number = Decimal(value).normalize()
    places = max(0, -number.as_tuple().exponent)
    text = formats.number_format(
        f"{number:f}", decimal_pos=places, use_l10n=True, force_grouping=True
    )
    if unit == Unit.PERCENT:
        return f"{text} %"
    if unit == Unit.CURRENCY:
        if not currency:
            return text
        # Translators: a sum of money with its ISO currency code, e.g. "EUR 1,200".
        return pgettext("money", "%(currency)s %(amount)s") % {
            "currency": currency,
            "amount": text,
        }
    if unit == Unit.HOURS:
        return f"{text} h"
    if unit == Unit.PEOPLE:
        count = int(number) if number == number.to_integral() else 2
        return ngettext("%(number)s person", "%(number)s people", count) % {"number": text}
    return text


class PlanTemplate(models.Model):
    """A built-in plan for one common adoption goal, loaded from strategy/content/templates/."""

    key = models.SlugField(max_length=60, unique=True, verbose_name=_("key"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    summary = models.TextField(max_length=2000, verbose_name=_("summary"))
    vision = models.TextField(max_length=4000, verbose_name=_("vision"))
    body = models.JSONField(
        help_text=_("Objectives, key results (with ___ blanks) and initiatives."),
        verbose_name=_("body"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
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
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200, verbose_name=_("title"))
    vision = models.TextField(
        max_length=4000,
        help_text=_(
            "One to three sentences: what you want to reach, why it matters and how you "
            "will get there."
        ),
        verbose_name=_("vision"),
    )
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("Leave empty when the plan covers the whole organisation."),
        verbose_name=_("business unit"),
    )
    starts_on = models.DateField(verbose_name=_("starts on"))
    ends_on = models.DateField(verbose_name=_("ends on"))
    sponsor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_plans",
        help_text=_("The executive who backs the plan, funds it and clears the way."),
        verbose_name=_("sponsor"),
    )
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="owned_plans",
        help_text=_("The CoE member who keeps the plan up to date."),
        verbose_name=_("owner"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    template = models.ForeignKey(
        PlanTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        verbose_name=_("template"),
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
        return str(self.business_unit) if self.business_unit_id else gettext("Whole organisation")

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
        ASSESSMENT = "assessment", _("Maturity assessment done")
        VISION = "vision", _("Vision, objectives and key results agreed")
        VALUE = "value", _("Business value measurement defined")
        SPONSOR = "sponsor", _("Executive sponsor secured")
        COE = "coe", _("Center of Excellence established")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="steps", verbose_name=_("plan")
    )
    step = models.CharField(max_length=20, choices=Step.choices, verbose_name=_("step"))
    order = models.PositiveSmallIntegerField(default=0)
    done_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    done_on = models.DateField(null=True, blank=True, verbose_name=_("done on"))
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))

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
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("plan")
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    why = models.TextField(
        max_length=2000,
        blank=True,
        help_text=_("Why this matters to the organisation."),
        verbose_name=_("why"),
    )
    owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_objectives",
        verbose_name=_("owner"),
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
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, verbose_name=_("name"))
    description = models.TextField(max_length=4000, blank=True, verbose_name=_("description"))
    unit = models.CharField(
        max_length=10, choices=Unit.choices, default=Unit.NUMBER, verbose_name=_("unit")
    )
    currency = models.CharField(
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code, needed when the unit is currency."),
        verbose_name=_("currency"),
    )
    direction = models.CharField(
        max_length=10,
        choices=Direction.choices,
        default=Direction.HIGHER,
        verbose_name=_("direction"),
    )
    target = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Where it should be: at least this (higher is better) or at most this (lower "
            "is better). Leave empty for a KPI you only watch."
        ),
        verbose_name=_("target"),
    )
    frequency = models.CharField(
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
        verbose_name=_("frequency"),
    )
    owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_kpis",
        verbose_name=_("owner"),
    )
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpis",
        help_text=_("Leave empty for an organisation-wide KPI."),
        verbose_name=_("business unit"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KpiQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

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

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("KPI")
    )
    measured_on = models.DateField(verbose_name=_("measured on"))
    value = models.DecimalField(max_digits=16, decimal_places=2, verbose_name=_("value"))
    note = models.CharField(max_length=255, blank=True, verbose_name=_("note"))
    recorded_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
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
        return gettext("%(kpi)s: %(value)s on %(date)s") % {
            "kpi": self.kpi,
            "value": self.value,
            "date": formats.date_format(self.measured_on, "SHORT_DATE_FORMAT"),
        }


class KeyResult(models.Model):
    """A measurable outcome under an objective, from a baseline to a target by a due date."""

    class Kind(models.TextChoices):
        INCREASE = "increase", _("Increase to")
        DECREASE = "decrease", _("Decrease to")
        STAY_ABOVE = "stay_above", _("Stay above")
        STAY_BELOW = "stay_below", _("Stay below")
        MILESTONE = "milestone", _("Milestone (done / not done)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="key_results", verbose_name=_("objective")
    )
    title = models.CharField(max_length=300, verbose_name=_("title"))
    kind = models.CharField(
        max_length=12, choices=Kind.choices, default=Kind.INCREASE, verbose_name=_("kind")
    )
    unit = models.CharField(
        max_length=10, choices=Unit.choices, default=Unit.PERCENT, verbose_name=_("unit")
    )
    currency = models.CharField(
        max_length=3,
        blank=True,
        help_text=_("ISO 4217 code (EUR, USD, …) for money key results."),
        verbose_name=_("currency"),
    )
    baseline = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        default=0,
        help_text=_("Where you start."),
        verbose_name=_("baseline"),
    )
    target = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        help_text=_("Where you want to be by the due date (for a milestone: 1 = done)."),
        verbose_name=_("target"),
    )
    current = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Latest value; each check-in updates it."),
        verbose_name=_("current value"),
    )
    starts_on = models.DateField(verbose_name=_("starts on"))
    due_on = models.DateField(verbose_name=_("due on"))
    owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_key_results",
        verbose_name=_("owner"),
    )
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=1,
        help_text=_("How much this key result counts in its objective's progress."),
        verbose_name=_("weight"),
    )
    check_in_frequency = models.CharField(
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.WEEKLY,
        verbose_name=_("check-in frequency"),
    )
    kpi = models.ForeignKey(
        Kpi,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_results",
        help_text=_("When set, each new measurement of this KPI checks the key result in."),
        verbose_name=_("KPI"),
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
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("key result")
    )
    value = models.DecimalField(max_digits=16, decimal_places=2, verbose_name=_("value"))
    confidence = models.PositiveSmallIntegerField(
        default=7,
        help_text=_("0 = no chance of reaching the target, 10 = certain."),
        verbose_name=_("confidence"),
    )
    comment = models.TextField(max_length=2000, blank=True, verbose_name=_("comment"))
    author = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_ins",
        verbose_name=_("author"),
    )
    measurement = models.ForeignKey(
        KpiMeasurement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_ins",
        help_text=_("The KPI measurement this check-in was made from, if any."),
        verbose_name=_("measurement"),
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
        indexes = [
            # A key result's latest check-in (KeyResultQuerySet.with_latest_check_in) is the
            # first entry of this index instead of a sort of all its check-ins.
            models.Index(
                fields=["key_result", "-created_at", "-id"], name="strategy_checkin_latest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.value}"


class Initiative(models.Model):
    """A piece of work on the roadmap that serves objectives and advances maturity areas."""

    class Horizon(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate")
        NEXT_YEAR = "next_year", _("Next year")
        THREE_YEARS = "three_years", _("Next three years")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="initiatives", verbose_name=_("plan")
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    description = models.TextField(max_length=4000, blank=True, verbose_name=_("description"))
    horizon = models.CharField(
        max_length=12, choices=Horizon.choices, default=Horizon.IMMEDIATE, verbose_name=_("horizon")
    )
    owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_initiatives",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PROPOSED, verbose_name=_("status")
    )
    target_on = models.DateField(null=True, blank=True, verbose_name=_("target date"))
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="initiatives", verbose_name=_("objectives")
    )
    areas = models.ManyToManyField(
        "maturity.Area", blank=True, related_name="initiatives", verbose_name=_("areas")
    )
    opportunities = models.ManyToManyField(
        "maturity.Opportunity",
        blank=True,
        related_name="initiatives",
        verbose_name=_("opportunities"),
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
