"""Writes and composed reads for assessments: start, save an area, submit, targets, cadence,
history, recommendations and the due list."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import BusinessUnit
from accounts.services import audit_record
from config.errors import StateConflict
from config.numbers import display_float
from maturity.models import Area, AreaLevel, Level, ModelVersion, Opportunity

from .models import Answer, Assessment, Question, Subject, Target
from .scoring import AreaScore, AssessmentScore, score_answers

ORGANISATION_SLUG = "whole-organisation"


class AssessmentError(Exception):
    """An assessment action that its state or the content does not allow."""


class AssessmentStateError(AssessmentError, StateConflict):
    """The assessment's state does not allow the step (it is no longer a draft)."""


class AssessmentConflict(AssessmentError, StateConflict):
    """Someone else saved the draft after this editor loaded it."""

    def __init__(self, current_revision: int):
        super().__init__(_("Someone else saved this assessment while you were editing it."))
        self.current_revision = current_revision


class AssessmentIncomplete(AssessmentError, StateConflict):
    """Submitting needs every question answered (a level or “not sure”)."""

    def __init__(self, open_answers: list[Answer]):
        super().__init__(
            ngettext(
                "%(count)d question is still open.",
                "%(count)d questions are still open.",
                len(open_answers),
            )
            % {"count": len(open_answers)}
        )
        self.open_answers = open_answers


# --- Subjects -------------------------------------------------------------------------------


def subject_for(business_unit: BusinessUnit | None) -> Subject:
    """The subject for `business_unit` (None: the whole organisation), created on first use."""
    if business_unit is None:
        subject, _created = Subject.objects.get_or_create(
            business_unit=None, defaults={"slug": ORGANISATION_SLUG}
        )
    else:
        subject, _created = Subject.objects.get_or_create(
            business_unit=business_unit, defaults={"slug": f"unit-{business_unit.slug}"[:80]}
        )
    return subject


@transaction.atomic
def subject_set_cadence(*, subject: Subject, days: int, user) -> Subject:
    """Set how many days may pass between two assessments of `subject`; audited."""
    if subject.cadence_days != days:
        audit_record(
            actor=user,
            verb="assessment_cadence_set",
            target=subject,
            before=subject.cadence_days,
            after=days,
        )
        subject.cadence_days = days
        subject.save(update_fields=["cadence_days"])
    return subject


# --- The draft ------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, subject: Subject, user, title: str = "") -> Assessment:
    """Start a draft for `subject` with one open answer per active question, each holding a
    copy of the question and option texts (so later edits of the bank change nothing here).
    Raises AssessmentError when no maturity model or no question is loaded."""
    version = ModelVersion.objects.filter(is_current=True).first()
    questions = list(
        Question.objects.filter(is_active=True).select_related("area").prefetch_related("options")
    )
    if version is None or not questions:
        raise AssessmentError(_("Load the maturity model and the question bank first."))
    assessment = Assessment.objects.create(
        subject=subject, model_version=version, title=title, started_by=user
    )
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            question=question,
            area=question.area,
            question_key=question.key,
            question_text=question.text,
            option_texts={str(option.level): option.text for option in question.options.all()},
            order=index,
        )
        for index, question in enumerate(questions)
    )
    audit_record(actor=user, verb="assessment_started", target=assessment)
    return assessment


@dataclass(frozen=True)
class AnswerInput:
    level: int | None
    is_unsure: bool
    note: str


@transaction.atomic
def assessment_save_area(
    *, assessment: Assessment, area: Area, answers: dict[str, AnswerInput], revision: int, user
) -> Assessment:
    """Save the answers of one area of a draft. `revision` is the draft's revision when the
    editor loaded the page: if someone saved in between, raise AssessmentConflict and write
    nothing. The revision check and bump are one conditional UPDATE, so two simultaneous saves
    cannot both pass it."""
    bumped = Assessment.objects.filter(
        pk=assessment.pk, status=Assessment.Status.DRAFT, revision=revision
    ).update(revision=F("revision") + 1, updated_at=timezone.now())
    if bumped != 1:
        current = Assessment.objects.get(pk=assessment.pk)
        if not current.is_draft:
            raise AssessmentStateError(_("This assessment was submitted and can no longer change."))
        raise AssessmentConflict(current.revision)
    rows = list(assessment.answers.filter(area=area))
    changed = []
    for row in rows:
        value = answers.get(row.question_key)
        if value is None:
            continue
        row.level, row.is_unsure, row.note = value.level, value.is_unsure, value.note
        changed.append(row)
    Answer.objects.bulk_update(changed, ["level", "is_unsure", "note"])
    assessment.refresh_from_db(fields=["revision", "updated_at"])
    return assessment


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    """Fix a draft as a submitted result. Raises AssessmentIncomplete listing the open
    questions, or AssessmentError if it is not a draft (e.g. a double click)."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_draft:
        raise AssessmentStateError(_("This assessment has already been submitted."))
    open_answers = [a for a in locked.answers.select_related("area") if a.is_open]
    if open_answers:
        raise AssessmentIncomplete(open_answers)
    locked.status = Assessment.Status.SUBMITTED
    locked.submitted_at, locked.submitted_by = timezone.now(), user
    locked.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    audit_record(actor=user, verb="assessment_submitted", target=locked)
    return locked


@transaction.atomic
def assessment_discard(*, assessment: Assessment, user) -> None:
    """Delete a draft (never a submitted result); audited."""
    if not assessment.is_draft:
        raise AssessmentStateError(_("Submitted assessments are kept for the history."))
    audit_record(actor=user, verb="assessment_discarded", target=assessment)
    assessment.delete()


# --- Targets --------------------------------------------------------------------------------


@transaction.atomic
def targets_set(
    *, subject: Subject, targets: dict[Area, tuple[int | None, datetime.date | None]], user
) -> list[Target]:
    """Set (level, date) targets per area for `subject`; a None level removes the target.
    Writes one audit row listing what changed."""
    existing = {t.area_id: t for t in subject.targets.all()}
    changes = {}
    for area, (level, target_on) in targets.items():
        current = existing.get(area.pk)
        if level is None:
            if current:
                current.delete()
                changes[area.key] = None
            continue
        if current and (current.level, current.target_on) == (level, target_on):
            continue
        Target.objects.update_or_create(
            subject=subject,
            area=area,
            defaults={"level": level, "target_on": target_on, "set_by": user},
        )
        changes[area.key] = [level, target_on.isoformat() if target_on else None]
    if changes:
        audit_record(actor=user, verb="assessment_targets_set", target=subject, changes=changes)
    return list(subject.targets.select_related("area"))


# --- Composed reads -------------------------------------------------------------------------


def answers_of(assessment: Assessment) -> list[Answer]:
    """The answers with their areas: the prefetched ones when the caller used
    `with_answers()`, else one query."""
    if "answers" in getattr(assessment, "_prefetched_objects_cache", {}):
        return list(assessment.answers.all())
    return list(assessment.answers.select_related("area"))


def assessment_score(assessment: Assessment) -> AssessmentScore:
    """Score an assessment from its answers."""
    return score_answers(answers_of(assessment))


@dataclass
class QuestionAction:
    """A question answered below the next level: its next option is a concrete step."""

    question_key: str
    question_text: str
    answered_level: int | None
    action: str


@dataclass
class AreaRecommendation:
    """What one area should do next, for the result page and for planning initiatives."""

    area: Area
    score: AreaScore
    reached_level: int | None
    next_level: Level | None
    characteristics: list[str] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    actions: list[QuestionAction] = field(default_factory=list)
    target: Target | None = None

    @property
    def gap(self) -> int | None:
        """Target level minus reached level (None without both); ≤ 0 means target met."""
        if self.target is None or self.reached_level is None:
            return None
        return self.target.level - self.reached_level


def assessment_recommendations(assessment: Assessment) -> list[AreaRecommendation]:
    """Per area, weakest first: the reached level, the next level with that area's
    characteristics at it, the opportunities of the next level that advance the area, the
    concrete question-level actions, and the subject's target with its gap. Areas with too few
    answers come last (their next level is unknown); areas at 500 have no next level.
    Reads: answers, levels, area-level cells, opportunities and targets (five queries)."""
    answers = answers_of(assessment)
    score = score_answers(answers)
    levels = {level.number: level for level in Level.objects.all()}
    cells = {
        (cell.area_id, cell.level.number): cell.characteristic_list
        for cell in AreaLevel.objects.select_related("level")
    }
    opportunities: dict[tuple[int, int], list[Opportunity]] = {}
    for opportunity in Opportunity.objects.select_related("level").filter(area__isnull=False):
        opportunities.setdefault((opportunity.area_id, opportunity.level.number), []).append(
            opportunity
        )
    targets = {t.area_id: t for t in assessment.subject.targets.all()}
    answers_by_area: dict[int, list[Answer]] = {}
    for answer in answers:
        answers_by_area.setdefault(answer.area_id, []).append(answer)

    result = []
    for area_score in score.areas:
        area = area_score.area
        reached = area_score.level
        next_number = None if reached is None or reached >= 500 else reached + 100
        recommendation = AreaRecommendation(
            area=area,
            score=area_score,
            reached_level=reached,
            next_level=levels.get(next_number) if next_number else None,
            target=targets.get(area.pk),
        )
        if next_number:
            recommendation.characteristics = cells.get((area.pk, next_number), [])
            recommendation.opportunities = opportunities.get((area.pk, next_number), [])
            for answer in answers_by_area.get(area.pk, []):
                if answer.level is not None and answer.level < next_number:
                    recommendation.actions.append(
                        QuestionAction(
                            question_key=answer.question_key,
                            question_text=answer.question_text,
                            answered_level=answer.level,
                            action=answer.option_text(answer.level + 100),
                        )
                    )
        result.append(recommendation)
    result.sort(key=lambda r: (r.reached_level is None, r.score.mean or 0, r.area.order))
    return result


@dataclass
class AreaDelta:
    area: Area
    current: AreaScore
    previous: AreaScore | None

    @property
    def level_change(self) -> int | None:
        if self.previous is None or self.current.level is None or self.previous.level is None:
            return None
        return self.current.level - self.previous.level

    @property
    def mean_change(self) -> float | None:
        if self.previous is None or self.current.mean is None or self.previous.mean is None:
            return None
        # From the exact means (level sums over counts), rounded once, half-up (no "-0.0").
        current = Decimal(self.current.level_sum) / self.current.answered
        previous = Decimal(self.previous.level_sum) / self.previous.answered
        return display_float(current - previous)


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The submitted assessment of the same subject submitted just before this one."""
    queryset = Assessment.objects.submitted().filter(subject_id=assessment.subject_id)
    if assessment.submitted_at:
        queryset = queryset.filter(submitted_at__lt=assessment.submitted_at)
    return queryset.order_by("-submitted_at").first()


def assessment_deltas(assessment: Assessment) -> tuple[Assessment | None, list[AreaDelta]]:
    """The previous submitted assessment of the subject and the change per area against it."""
    previous = previous_assessment(assessment)
    current = assessment_score(assessment)
    before = assessment_score(previous) if previous else None
    deltas = [
        AreaDelta(
            area=area_score.area,
            current=area_score,
            previous=before.for_area(area_score.area.key) if before else None,
        )
        for area_score in current.areas
    ]
    return previous, deltas


@dataclass
class DueSubject:
    subject: Subject
    last_submitted_at: datetime.datetime | None
    due_on: datetime.date | None
    has_draft: bool

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()


def next_due_on(subject: Subject, last_submitted_at: datetime.datetime) -> datetime.date:
    """When the next assessment of `subject` is due: last submission + its cadence."""
    return timezone.localdate(last_submitted_at) + datetime.timedelta(days=subject.cadence_days)


def due_subjects(*, within_days: int = 14) -> list[DueSubject]:
    """Subjects whose next assessment is due within `within_days` (or overdue), soonest
    first: due = last submission + the subject's cadence. Subjects never assessed are not
    listed. Two queries."""
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=within_days)
    drafts = set(Assessment.objects.drafts().values_list("subject_id", flat=True))
    due = []
    for subject in Subject.objects.with_last_submitted().filter(last_submitted_at__isnull=False):
        due_on = next_due_on(subject, subject.last_submitted_at)
        if due_on <= horizon:
            due.append(DueSubject(subject, subject.last_submitted_at, due_on, subject.pk in drafts))
    due.sort(key=lambda d: d.due_on)
    return due


@transaction.atomic
def assessment_import(*, imported, subject: Subject, user) -> Assessment:
    """Create a submitted assessment of `subject` from a validated export (see
    exports.parse_import), keeping its texts, levels, notes and submission time. Audited."""
    version = (
        ModelVersion.objects.filter(key=imported.model_version).first()
        or ModelVersion.objects.filter(is_current=True).first()
    )
    if version is None:
        raise AssessmentError(_("Load the maturity model first."))
    areas = {area.key: area for area in Area.objects.all()}
    questions = dict(Question.objects.values_list("key", "pk"))
    assessment = Assessment.objects.create(
        subject=subject,
        model_version=version,
        title=imported.title,
        status=Assessment.Status.SUBMITTED,
        submitted_at=imported.submitted_at,
        submitted_by=user,
        started_by=user,
        is_imported=True,
    )
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            question_id=questions.get(item.question_key),
            area=areas[item.area_key],
            question_key=item.question_key,
            question_text=item.question_text,
            option_texts=item.options,
            order=index,
            level=item.level,
            is_unsure=item.is_unsure,
            note=item.note,
        )
        for index, item in enumerate(imported.answers)
    )
    audit_record(actor=user, verb="assessment_imported", target=assessment)
    return assessment
