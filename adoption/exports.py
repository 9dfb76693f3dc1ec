"""CSV and JSON exports of assessments, and validation of an exported JSON file for import.

The JSON format is versioned (`format`, `format_version`); the CSV has one row per answer, and
every cell goes through `csv_safe` so that no spreadsheet runs a note as a formula."""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, pgettext_lazy

from config.api import csv_safe
from config.numbers import FOUR_DECIMALS, TWO_DECIMALS, display_float

from .scoring import score_answers

FORMAT = "coehub.assessment"
FORMAT_VERSION = 1
LEVELS = (100, 200, 300, 400, 500)
QUESTION_KEY = re.compile(r"^[A-Z]{2,4}-\d{1,3}$")


def assessment_as_dict(assessment) -> dict:
    """One assessment as plain JSON data: subject, answers with their texts, and scores."""
    answers = list(assessment.answers.all())
    score = score_answers(answers)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "uuid": str(assessment.uuid),
        "subject": {
            "slug": assessment.subject.slug,
            "name": str(assessment.subject),
        },
        "title": assessment.title,
        "status": assessment.status,
        "model_version": assessment.model_version.key,
        "created_at": assessment.created_at.isoformat(),
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "overall_level": score.overall_level,
        "share_answered": display_float(score.share_answered, FOUR_DECIMALS),
        "areas": [
            {
                "area": a.area.key,
                "name": a.area.name,
                "questions": a.total,
                "answered": a.answered,
                "not_sure": a.unsure,
                "score": display_float(a.mean, TWO_DECIMALS),
                "level": a.level,
            }
            for a in score.areas
        ],
        "answers": [
            {
                "question_key": answer.question_key,
                "area": answer.area.key,
                "question_text": answer.question_text,
                "options": answer.option_texts,
                "level": answer.level,
                "not_sure": answer.is_unsure,
                "note": answer.note,
            }
            for answer in answers
        ],
    }


# Column names, translated for the reader's spreadsheet (English: the field names).
CSV_HEADER = [
    pgettext_lazy("CSV column", "assessment"),
    pgettext_lazy("CSV column", "subject"),
    pgettext_lazy("CSV column", "status"),
    pgettext_lazy("CSV column", "submitted_at"),
    pgettext_lazy("CSV column", "area"),
    pgettext_lazy("CSV column", "question_key"),
    pgettext_lazy("CSV column", "question"),
    pgettext_lazy("CSV column", "level"),
    pgettext_lazy("CSV column", "answer"),
    pgettext_lazy("CSV column", "not_sure"),
    pgettext_lazy("CSV column", "note"),
    pgettext_lazy("CSV column", "area_score"),
    pgettext_lazy("CSV column", "area_level"),
]


def assessments_as_csv(assessments) -> str:
    """One row per answer of each assessment (answers and areas prefetched by the caller)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(column) for column in CSV_HEADER])
    for assessment in assessments:
        answers = list(assessment.answers.all())
        score = score_answers(answers)
        for answer in answers:
            area_score = score.for_area(answer.area.key)
            writer.writerow(
                [
                    csv_safe(value)
                    for value in (
                        str(assessment.uuid),
                        str(assessment.subject),
                        assessment.status,
                        assessment.submitted_at.isoformat() if assessment.submitted_at else "",
                        answer.area.name,
                        answer.question_key,
                        answer.question_text,
                        answer.level or "",
                        answer.option_text(answer.level),
                        gettext("yes") if answer.is_unsure else "",
                        answer.note,
                        formats.number_format(area_score.mean, decimal_pos=1, use_l10n=True)
                        if area_score.mean is not None
                        else "",
                        area_score.level or gettext("insufficient data"),
                    )
                ]
            )
    return out.getvalue()


class ImportError_(ValueError):
    """An uploaded file is not a valid exported assessment."""


@dataclass
class ImportedAnswer:
    question_key: str
    area_key: str
    question_text: str
    options: dict[str, str]
    level: int | None
    is_unsure: bool
    note: str


@dataclass
class ImportedAssessment:
    title: str
    model_version: str
    submitted_at: datetime.datetime
    answers: list[ImportedAnswer]


def _text(item: dict, name: str, limit: int, *, required: bool = True) -> str:
    value = item.get(name, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise ImportError_(
            gettext("“%(name)s” must be text of at most %(limit)d characters.")
            % {"name": name, "limit": limit}
        )
    return value


def parse_import(data, *, area_keys: set[str] | None = None) -> ImportedAssessment:
    """Check an exported assessment strictly and return its content. Raises ImportError_ with a
    message a person can act on; never writes."""
    from maturity.models import Area

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportError_(gettext("This is not an assessment exported from CoE Hub."))
    if data.get("format_version") != FORMAT_VERSION:
        raise ImportError_(
            gettext("Only format version %(version)d can be imported.")
            % {"version": FORMAT_VERSION}
        )
    if data.get("status") != "submitted":
        raise ImportError_(gettext("Only submitted assessments can be imported, not drafts."))
    submitted_at = parse_datetime(str(data.get("submitted_at") or ""))
    if submitted_at is None:
        raise ImportError_(gettext("“submitted_at” is missing or not a date and time."))
    if timezone.is_naive(submitted_at):
        submitted_at = timezone.make_aware(submitted_at, datetime.UTC)
    if submitted_at > timezone.now():
        raise ImportError_(gettext("“submitted_at” lies in the future."))
    raw_answers = data.get("answers")
    if not isinstance(raw_answers, list) or not raw_answers or len(raw_answers) > 500:
        raise ImportError_(gettext("The file holds no answers."))
    if area_keys is None:
        area_keys = set(Area.objects.values_list("key", flat=True))
    answers, seen = [], set()
    for number, item in enumerate(raw_answers, start=1):
        if not isinstance(item, dict):
            raise ImportError_(gettext("Answer %(number)d is not an object.") % {"number": number})
        key = item.get("question_key")
        if not isinstance(key, str) or not QUESTION_KEY.match(key) or key in seen:
            raise ImportError_(
                gettext("Answer %(number)d: question key missing, malformed or repeated.")
                % {"number": number}
            )
        seen.add(key)
        if item.get("area") not in area_keys:
            raise ImportError_(gettext("Answer %(key)s names an unknown area.") % {"key": key})
        level = item.get("level")
        if level is not None and (type(level) is not int or level not in LEVELS):
            raise ImportError_(
                gettext("Answer %(key)s: the level must be 100, 200, 300, 400, 500 or empty.")
                % {"key": key}
            )
        unsure = item.get("not_sure", False)
        if not isinstance(unsure, bool) or (unsure and level is not None):
            raise ImportError_(
                gettext("Answer %(key)s: “not sure” must be true or false, and not both.")
                % {"key": key}
            )
        options = item.get("options")
        if (
            not isinstance(options, dict)
            or set(options) != {str(n) for n in LEVELS}
            or not all(isinstance(v, str) and len(v) <= 300 for v in options.values())
        ):
            raise ImportError_(
                gettext("Answer %(key)s: “options” must hold the texts of 100 to 500.")
                % {"key": key}
            )
        answers.append(
            ImportedAnswer(
                question_key=key,
                area_key=item["area"],
                question_text=_text(item, "question_text", 300),
                options=options,
                level=level,
                is_unsure=unsure,
                note=_text(item, "note", 4000, required=False),
            )
        )
    return ImportedAssessment(
        title=_text(data, "title", 200, required=False),
        model_version=str(data.get("model_version") or ""),
        submitted_at=submitted_at,
        answers=answers,
    )
