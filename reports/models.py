"""Report definitions (what to report, to whom, how often) and the snapshots they produce."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_celery_beat.validators import crontab_validator


def validate_cron(value: str) -> None:
    """Five cron fields (minute hour day-of-month month day-of-week) that parse."""
    if not value:
        return
    if len(value.split()) != 5:
        raise ValidationError(_("Use five fields: minute hour day-of-month month day-of-week."))
    try:
        crontab_validator(value)
    except ValidationError:
        raise ValidationError(_("This cron expression does not parse.")) from None


class ReportDefinition(models.Model):
    """A recurring report: its kind, scope, cadence and recipients. Its schedule lives in
    django-celery-beat as one PeriodicTask, kept in step by reports.services."""

    class Kind(models.TextChoices):
        ROI = "roi", _("ROI report")
        KPI = "kpi", _("KPI report")

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("Monthly (on the 1st, for the month before)")
        QUARTERLY = "quarterly", _("Quarterly (on the 1st of a quarter, for the quarter before)")
        CRON = "cron", _("Custom schedule (cron expression)")

    class PeriodLength(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ROI)
    scope_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_definitions",
        verbose_name=_("scope"),
        help_text=_("Leave empty to report on the whole organisation."),
    )
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    cron_expression = models.CharField(
        _("cron expression"),
        max_length=100,
        blank=True,
        validators=[validate_cron],
        help_text=_("Five fields: minute hour day-of-month month day-of-week, e.g. 0 7 * * 1."),
    )
    period_length = models.CharField(
        _("period length"),
        max_length=10,
        choices=PeriodLength.choices,
        default=PeriodLength.MONTH,
        help_text=_("What one report covers: the last complete month or quarter."),
    )
    recipients = models.TextField(
        _("recipients"),
        max_length=5000,
        blank=True,
        help_text=_("E-mail addresses, one per line or separated by commas."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The language its scheduled reports are written in (PDF, CSV, e-mail): its author's when it
    # was created; empty: the installation's LANGUAGE_CODE.
    language = models.CharField(max_length=10, blank=True, choices=settings.LANGUAGES)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_definition",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(cadence="cron") | ~models.Q(cron_expression=""),
                name="report_cron_has_expression",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:definition_detail", kwargs={"uuid": self.uuid})

    @property
    def recipient_list(self) -> list[str]:
        parts = self.recipients.replace(",", "\n").replace(";", "\n").splitlines()
        return [part.strip() for part in parts if part.strip()]


def snapshot_upload_to(instance, filename: str) -> str:
    return f"reports/{instance.uuid}/{filename}"


class ReportSnapshot(models.Model):
    """One report for one definition and period: its numbers frozen as JSON when generated, and
    the HTML, PDF and CSV files rendered from them. Never changed once done."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a worker")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    definition = models.ForeignKey(
        ReportDefinition, on_delete=models.CASCADE, related_name="snapshots"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    data = models.JSONField(null=True, blank=True)
    html_file = models.FileField(upload_to=snapshot_upload_to, blank=True)
    pdf_file = models.FileField(upload_to=snapshot_upload_to, blank=True)
    csv_file = models.FileField(upload_to=snapshot_upload_to, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    mail_error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The language the files and the e-mail are written in: the language of whoever asked for it
    # (on demand), else the definition's (scheduled runs).
    language = models.CharField(max_length=10, blank=True, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # While RUNNING: which worker process has it ("host:pid") and when it last said it is alive.
    claimed_by = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-period_start", "-created_at"]
        constraints = [
            # One snapshot per definition and period, however often beat fires or a task retries.
            models.UniqueConstraint(
                fields=["definition", "period_start", "period_end"],
                name="report_snapshot_one_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_snapshot_period_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.definition} · {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("reports:snapshot_detail", kwargs={"uuid": self.uuid})

    @property
    def period_label(self) -> str:
        """ "February 2026", or "Jan - Mar 2026" for a longer period, in the active language."""
        if self.period_start.month == self.period_end.month:
            return date_format(self.period_start, "YEAR_MONTH_FORMAT")
        first, last = date_format(self.period_start, "M"), date_format(self.period_end, "M")
        return f"{first} - {last} {self.period_end.year}"


class PreparedDashboard(models.Model):
    """The executive dashboard of one scope, period and language, computed ahead of its first
    reader (reports.prepared): its figures and its rendered panels, stamped with the data
    version and day they were computed for. It is served only while both are current, so it
    can be late, never wrong: a reader who comes before the next preparation gets the
    dashboard computed for them."""

    scope = models.CharField(max_length=20)  # "org" or a business unit's id
    period_key = models.CharField(max_length=20)
    language = models.CharField(max_length=10)
    day = models.DateField()
    data_version = models.BigIntegerField()
    figures = models.JSONField()
    panels = models.TextField()
    prepared_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "period_key", "language"], name="prepared_dashboard_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.period_key} {self.language} ({self.day})"
