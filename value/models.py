"""Solutions built on the platform, their costs, and the business value they deliver."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .querysets import (
    ProgrammeCostQuerySet,
    SolutionQuerySet,
    UnitMonthQuerySet,
    ValueRecordQuerySet,
)

ZERO = Decimal("0")
NOT_NEGATIVE = [MinValueValidator(ZERO)]


def money_field(**kwargs) -> models.DecimalField:
    """Money in the organisation's currency, never negative."""
    return models.DecimalField(
        max_digits=14, decimal_places=2, default=ZERO, validators=NOT_NEGATIVE, **kwargs
    )


class Solution(models.Model):
    """An app, flow, agent, report or site in the solution inventory."""

    class Kind(models.TextChoices):
        CANVAS_APP = "canvas_app", _("Canvas app")
        MODEL_DRIVEN_APP = "model_driven_app", _("Model-driven app")
        CLOUD_FLOW = "cloud_flow", _("Cloud flow")
        DESKTOP_FLOW = "desktop_flow", _("Desktop flow")
        POWER_BI_REPORT = "power_bi_report", _("Power BI report")
        COPILOT_AGENT = "copilot_agent", _("Copilot agent")
        POWER_PAGES_SITE = "power_pages_site", _("Power Pages site")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        IN_DEVELOPMENT = "in_development", _("In development")
        LIVE = "live", _("Live")
        RETIRED = "retired", _("Retired")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        verbose_name=_("business unit"),
        on_delete=models.PROTECT,
        related_name="solutions",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_solutions",
    )
    environment = models.CharField(_("environment"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.LIVE
    )
    go_live_on = models.DateField(_("go-live date"), null=True, blank=True)
    retired_on = models.DateField(
        _("retirement date"),
        null=True,
        blank=True,
        help_text=_("Running costs and projections stop after this day."),
    )
    monthly_users = models.PositiveIntegerField(_("users per month"), default=0)
    monthly_runs = models.PositiveIntegerField(_("runs per month"), default=0)
    # Costs. Building is a one-off, charged in the month the solution goes live; running costs
    # are charged for every month it is live.
    build_hours = models.DecimalField(
        _("build hours"),
        max_digits=9,
        decimal_places=1,
        default=ZERO,
        validators=NOT_NEGATIVE,
        help_text=_("Effort to build it, in hours (makers, developers, CoE)."),
    )
    build_hourly_rate = money_field(
        verbose_name=_("build hourly rate"), help_text=_("Cost of one hour of build effort.")
    )
    licence_cost_monthly = money_field(
        verbose_name=_("licences per month"),
        help_text=_("Premium licences or pay-as-you-go, per month."),
    )
    capacity_cost_monthly = money_field(
        verbose_name=_("capacity per month"), help_text=_("Dataverse or other capacity, per month.")
    )
    support_cost_monthly = money_field(
        verbose_name=_("support per month"), help_text=_("Support and maintenance, per month.")
    )
    # The business case: what the solution was expected to return before it was built.
    projected_monthly_value = money_field(
        verbose_name=_("projected value per month"),
        help_text=_("Value expected per month when approved."),
    )
    projected_monthly_hours = models.DecimalField(
        _("projected hours saved per month"),
        max_digits=9,
        decimal_places=1,
        default=ZERO,
        validators=NOT_NEGATIVE,
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("Identifier in the source inventory, if imported."),
    )
    # Filled by the tenant inventory (inventory app): the resource's stable id in Power Platform
    # (its GUID, lower case), its type and environment, and the dates the tenant reports. A sync
    # writes only these, the name, kind, owner and status; costs, projections and the description
    # are the CoE's and never overwritten.
    resource_id = models.CharField(max_length=100, blank=True, default="")
    resource_type = models.CharField(max_length=80, blank=True, default="")
    environment_id = models.CharField(max_length=100, blank=True, default="")
    source_created_at = models.DateTimeField(null=True, blank=True)
    source_modified_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    source_state = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["business_unit", "status"]),
            models.Index(fields=["owner"]),
            # The inventory page, the API list and the pickers order by name: with this index a
            # page of 25 out of 50,000 is read in order instead of sorting them all.
            models.Index(fields=["name", "id"], name="solution_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retired_on__isnull=True)
                | models.Q(go_live_on__isnull=True)
                | models.Q(retired_on__gte=models.F("go_live_on")),
                name="solution_retired_after_live",
            ),
            models.UniqueConstraint(
                fields=["resource_id"],
                condition=~models.Q(resource_id=""),
                name="solution_unique_resource_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("value:solution_detail", kwargs={"uuid": self.uuid})

    @property
    def build_cost(self) -> Decimal:
        return self.build_hours * self.build_hourly_rate

    @property
    def running_cost_monthly(self) -> Decimal:
        return self.licence_cost_monthly + self.capacity_cost_monthly + self.support_cost_monthly


class SolutionUsage(models.Model):
    """How much one solution was used in one month, as the tenant's usage exports report it:
    runs of a flow, launches and active users of an app or agent. Usage-weighted value reads the
    month's runs from here (value.services.usage_runs)."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="usage")
    month = models.DateField(help_text=_("First day of the month."))
    runs = models.PositiveIntegerField(default=0)
    launches = models.PositiveIntegerField(default=0)
    active_users = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month"]
        # The usage API's pages, newest month first by cursor (600,000 rows in a large tenant).
        indexes = [models.Index(fields=["month", "id"], name="solution_usage_month")]
        constraints = [
            models.UniqueConstraint(fields=["solution", "month"], name="solution_usage_unique"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="usage_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.solution_id} · {self.month:%Y-%m}"


class UnitCost(models.Model):
    """One entry of the "cost of things" library: what one unit of something costs in a unit
    (or across the organisation when no unit is set), e.g. an hour of staff time."""

    class Measure(models.TextChoices):
        HOUR = "hour", _("per hour")
        ITEM = "item", _("per item")
        EVENT = "event", _("per event")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        verbose_name=_("business unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="unit_costs",
        help_text=_("Leave empty for a figure that holds across the organisation."),
    )
    name = models.CharField(_("name"), max_length=150)
    measure = models.CharField(
        _("measure"), max_length=10, choices=Measure.choices, default=Measure.ITEM
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    is_staff_hour = models.BooleanField(
        _("staff-hour rate"),
        default=False,
        help_text=_("The loaded cost of one hour of staff time: turns hours saved into money."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cost library entry")
        verbose_name_plural = _("cost library entries")
        ordering = ["business_unit__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_unit", "name"],
                name="unit_cost_unique_name",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.amount} {self.get_measure_display()})"


class ValueRecord(models.Model):
    """Value one solution delivered in one month: hours saved, cost avoided, revenue or other
    benefit, turned into money with the hourly rate that applied when it was recorded."""

    class Source(models.TextChoices):
        MAKER_ESTIMATE = "maker_estimate", _("Maker estimate")
        MEASURED = "measured", _("Measured")
        COE_VERIFIED = "coe_verified", _("CoE-verified")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    solution = models.ForeignKey(
        Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="value_records"
    )
    month = models.DateField(
        _("month"), help_text=_("First day of the month the value was delivered in.")
    )
    hours_saved = models.DecimalField(
        _("hours saved"), max_digits=10, decimal_places=1, default=ZERO, validators=NOT_NEGATIVE
    )
    hourly_rate = money_field(
        verbose_name=_("hourly rate"),
        help_text=_("Loaded cost of one staff hour used for this record."),
    )
    cost_avoided = money_field(
        verbose_name=_("cost avoided"),
    )
    revenue = money_field(
        verbose_name=_("revenue"),
    )
    other_value = money_field(
        verbose_name=_("other benefit"),
        help_text=_("Any other benefit in money, e.g. a penalty avoided."),
    )
    amount = money_field(
        verbose_name=_("amount"),
        help_text=_("Total money value: hours x rate + cost avoided + revenue + other."),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MAKER_ESTIMATE
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    calculation = models.JSONField(
        default=dict, blank=True, help_text=_("The calculator inputs this record came from.")
    )
    origin_key = models.CharField(
        max_length=80,
        blank=True,
        help_text=_("What produced the record (e.g. a story metric), so it is imported only once."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ValueRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("value record")
        verbose_name_plural = _("value records")
        ordering = ["-month", "solution__name"]
        indexes = [
            models.Index(fields=["month", "solution"]),
            models.Index(fields=["solution", "month"]),
            # The API list's keyset pages: newest month first, then by id (read backwards).
            models.Index(fields=["month", "id"], name="value_record_month_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__day=1), name="value_month_first_day"),
            models.UniqueConstraint(
                fields=["origin_key"],
                condition=~models.Q(origin_key=""),
                name="value_record_unique_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.solution} · {self.month:%b %Y}"

    @property
    def revenue_and_other(self) -> Decimal:
        return self.revenue + self.other_value


class ProgrammeCost(models.Model):
    """A cost of running the programme rather than one solution (CoE team, training, tools) over
    a period, for one business unit or the whole organisation."""

    class Kind(models.TextChoices):
        COE_TEAM = "coe_team", _("CoE team")
        TRAINING = "training", _("Training")
        TOOLING = "tooling", _("Tools and platform")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        verbose_name=_("business unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_costs",
        help_text=_("Leave empty for an organisation-wide cost."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    starts_on = models.DateField(
        _("starts on"),
    )
    ends_on = models.DateField(
        _("ends on"),
    )
    amount = money_field(
        verbose_name=_("amount"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeCostQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme cost")
        verbose_name_plural = _("programme costs")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_cost_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}-{self.ends_on}"


# The monthly roll-up (derived data, see value/rollup.py) --------------------------------------


class UnitMonthValue(models.Model):
    """The value records of one business unit's own solutions (not its subtree) in one month,
    summed per source. Derived from ValueRecord by value.rollup; never edited by hand."""

    business_unit = models.ForeignKey(
        "accounts.BusinessUnit", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField()
    source = models.CharField(max_length=20, choices=ValueRecord.Source.choices)
    amount = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    hours = models.DecimalField(max_digits=20, decimal_places=1, default=ZERO)
    records = models.PositiveIntegerField(default=0)

    objects = UnitMonthQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business_unit", "month", "source"], name="unit_month_value_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business_unit_id} · {self.month:%Y-%m} · {self.source}"


class UnitMonthCost(models.Model):
    """Solution costs of one business unit's own solutions in one month: the build cost of those
    going live, and the change in running cost and projected value (up in the go-live month, down
    in the month after retirement). The running cost of a month is the sum of the changes up to
    it, so no row is needed for months still to come. Derived by value.rollup."""

    business_unit = models.ForeignKey(
        "accounts.BusinessUnit", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField()
    build_cost = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    running_change = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    projected_change = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    # The change in the number of solutions live on the month's last day (not ideas or in
    # development): summed up to a month, the count of solutions live at its end.
    live_change = models.IntegerField(default=0)

    objects = UnitMonthQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business_unit", "month"], name="unit_month_cost_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business_unit_id} · {self.month:%Y-%m}"


# Columns of SolutionYearValue: m01-m12 are the months of the year before, m13-m24 those of the
# row's own year.
WINDOW_MONTHS = 24


class SolutionYearValue(models.Model):
    """The value of one solution's records in each month of a two-year window: the row's `year`
    and the year before it. Any period that starts no earlier than January of the year before
    its end year (a quarter, a year, the twelve months before this one) is one row per solution:
    the top-solutions ranking sums a few columns of 50,000 rows instead of grouping hundreds of
    thousands of value records. Derived from ValueRecord by value.rollup; never edited by hand.

    `months_with_records` has bit i set when column i + 1 has at least one record (a record of
    0 still puts its solution in the ranking, as it does when ranking the raw records)."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="+")
    # The solution's unit, copied so that a scope is filtered without joining the solutions.
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    months_with_records = models.IntegerField(default=0)
    m01 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m02 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m03 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m04 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m05 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m06 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m07 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m08 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m09 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m10 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m11 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m12 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m13 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m14 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m15 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m16 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m17 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m18 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m19 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m20 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m21 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m22 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m23 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)
    m24 = models.DecimalField(max_digits=20, decimal_places=2, default=ZERO)

    objects = UnitMonthQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "solution"], name="solution_year_value_unique"),
        ]
        indexes = [models.Index(fields=["business_unit", "year"])]

    def __str__(self) -> str:
        return f"{self.solution_id} · {self.year - 1}-{self.year}"

    @staticmethod
    def column(year: int, month: int, row_year: int) -> str:
        """The column holding `month` of `year` in a row of `row_year` (a year in its window)."""
        index = (year - row_year + 1) * 12 + month
        if not 1 <= index <= WINDOW_MONTHS:
            raise ValueError(f"{year}-{month:02d} is outside the window of {row_year}.")
        return f"m{index:02d}"


class SolutionTrailingValue(models.Model):
    """Each solution's value over the twelve months that end with `through_month`: the value
    page's default period (the twelve complete months before this one). Ordered by an index,
    the ranking of that period's top solutions reads ten index entries instead of summing the
    columns of 50,000 windows. Only solutions with a record in those months have a row.

    Every row has the same `through_month`: a refresh writes the units' rows for the month the
    table already holds, and the nightly rebuild moves the whole table on to the new month
    (until then, the first days of a month rank from the windows). Derived from
    SolutionYearValue by value.rollup; never edited by hand."""

    solution = models.OneToOneField(
        Solution, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit", on_delete=models.CASCADE, related_name="+"
    )
    through_month = models.DateField()
    value = models.DecimalField(max_digits=20, decimal_places=2)

    objects = UnitMonthQuerySet.as_manager()

    class Meta:
        indexes = [
            # The ranking's order (value descending, then id) read straight off the index.
            models.Index(fields=["-value", "solution"], name="solution_trailing_rank"),
            models.Index(fields=["business_unit", "-value"], name="solution_trailing_unit_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.solution_id} · 12 months to {self.through_month:%Y-%m}"
