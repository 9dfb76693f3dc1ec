"""The adoption self-assessment: a bank of questions per capability area, assessments of the
whole organisation or of one business unit, their answers, and the targets the CoE sets.

Submitted assessments never change when the question bank changes: every answer keeps the
question's key, the chosen level and a copy of the question and option texts it was given."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maturity.models import Area, ModelVersion

from .querysets import AssessmentQuerySet, SubjectQuerySet

LEVEL_CHOICES = [(100, "100"), (200, "200"), (300, "300"), (400, "400"), (500, "500")]


class Question(models.Model):
    """One question of the bank; its five options describe the levels 100 to 500."""

    key = models.CharField(
        max_length=12, unique=True, help_text=_("Stable id, e.g. SV-1."), verbose_name=_("key")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="questions", verbose_name=_("area")
    )
    text = models.CharField(max_length=300, verbose_name=_("text"))
    help_text = models.TextField(max_length=2000, blank=True, verbose_name=_("help text"))
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(
        default=True,
        help_text=_("Inactive questions are left out of new assessments."),
        verbose_name=_("active"),
    )

    class Meta:
        ordering = ["area__order", "order", "key"]

    def __str__(self) -> str:
        return f"{self.key} {self.text}"


class QuestionOption(models.Model):
    """The answer to a question that describes one level; pick the highest one fully true."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, verbose_name=_("level"))
    text = models.CharField(max_length=300, verbose_name=_("text"))

    class Meta:
        ordering = ["question", "level"]
        constraints = [
            models.UniqueConstraint(fields=["question", "level"], name="adoption_option_unique"),
            models.CheckConstraint(
                condition=models.Q(level__in=[100, 200, 300, 400, 500]),
                name="adoption_option_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key} {self.level}: {self.text}"


class Subject(models.Model):
    """What assessments are about: the whole organisation (no unit) or one business unit, with
    its re-assessment cadence."""

    slug = models.SlugField(max_length=80, unique=True)
    business_unit = models.OneToOneField(
        "accounts.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_subject",
        verbose_name=_("business unit"),
    )
    cadence_days = models.PositiveSmallIntegerField(
        default=90,
        help_text=_("Days between two assessments before the next one is due."),
        verbose_name=_("cadence (days)"),
    )

    objects = SubjectQuerySet.as_manager()

    class Meta:
        ordering = ["business_unit__name"]
        constraints = [
            # Only one subject may stand for the whole organisation.
            models.UniqueConstraint(
                Coalesce("business_unit", models.Value(0)),
                name="adoption_one_organisation_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(cadence_days__gte=7, cadence_days__lte=730),
                name="adoption_cadence_range",
            ),
        ]

    def __str__(self) -> str:
        return self.business_unit.name if self.business_unit_id else gettext("Whole organisation")

    def get_absolute_url(self) -> str:
        return reverse("adoption:subject_detail", kwargs={"slug": self.slug})

    @property
    def is_organisation(self) -> bool:
        return self.business_unit_id is None


class Assessment(models.Model):
    """One run of the questionnaire for a subject: a draft while the CoE answers it, then a
    fixed, submitted result."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("subject")
    )
    model_version = models.ForeignKey(
        ModelVersion,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("model version"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    title = models.CharField(max_length=200, blank=True, verbose_name=_("title"))
    # Bumped by every save of answers; a save that brings an older value is refused, so two
    # people editing one draft never silently overwrite each other.
    revision = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(
        null=True, blank=True, db_index=True, verbose_name=_("submitted at")
    )
    is_imported = models.BooleanField(default=False, verbose_name=_("imported"))

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft", submitted_at__isnull=True)
                | models.Q(status="submitted", submitted_at__isnull=False),
                name="adoption_submitted_has_date",
            )
        ]

    def __str__(self) -> str:
        when = self.submitted_at.date().isoformat() if self.submitted_at else gettext("draft")
        return f"{self.subject} ({when})"

    def get_absolute_url(self) -> str:
        return reverse("adoption:assessment_detail", kwargs={"uuid": self.uuid})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Answer(models.Model):
    """The answer to one question in one assessment, with copies of the texts it was given."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    question = models.ForeignKey(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
        verbose_name=_("question"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    question_key = models.CharField(max_length=12, verbose_name=_("question key"))
    question_text = models.CharField(max_length=300, verbose_name=_("question text"))
    # {"100": "option text", ..., "500": "..."} as shown when the assessment started.
    option_texts = models.JSONField(default=dict)
    order = models.PositiveSmallIntegerField(default=0)
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=LEVEL_CHOICES, verbose_name=_("level")
    )
    is_unsure = models.BooleanField(
        default=False, help_text=_("Answered “not sure”."), verbose_name=_("not sure")
    )
    note = models.TextField(
        max_length=4000, blank=True, help_text=_("Evidence or comment."), verbose_name=_("note")
    )

    class Meta:
        ordering = ["area__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_key"], name="adoption_answer_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(is_unsure=False),
                name="adoption_answer_level_or_unsure",
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True)
                | models.Q(level__in=[100, 200, 300, 400, 500]),
                name="adoption_answer_level_valid",
            ),
        ]

    def __str__(self) -> str:
        unsure = gettext("not sure") if self.is_unsure else "—"
        return f"{self.question_key}: {self.level or unsure}"

    @property
    def is_open(self) -> bool:
        """Neither a level nor “not sure” chosen yet."""
        return self.level is None and not self.is_unsure

    @property
    def chosen_text(self) -> str:
        return self.option_text(self.level)

    def option_text(self, level: int | None) -> str:
        return self.option_texts.get(str(level), "") if level else ""


class Target(models.Model):
    """The level the CoE wants a subject to reach in one area, and by when."""

    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="targets", verbose_name=_("subject")
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="+", verbose_name=_("area")
    )
    level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES, verbose_name=_("level"))
    target_on = models.DateField(null=True, blank=True, verbose_name=_("target date"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area__order"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "area"], name="adoption_target_unique"),
            models.CheckConstraint(
                condition=models.Q(level__in=[100, 200, 300, 400, 500]),
                name="adoption_target_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.area} → {self.level}"


class QuestionBank(models.Model):
    """One loaded edition of the built-in question bank; the hash tells if its file changed."""

    key = models.SlugField(max_length=40, unique=True)
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key
