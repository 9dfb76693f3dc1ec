"""Demo assessments: the whole organisation assessed twice months apart, Operations once, and
a Finance draft in progress, with targets. Idempotent: each assessment is found by subject and
title and created only when missing."""

import datetime

from django.utils import timezone

from accounts.models import BusinessUnit, User
from maturity.loader import load_maturity_model
from maturity.models import Area

from . import services
from .loader import load_question_bank
from .models import Assessment

# Answers per area, one character per question in bank order: 1-5 = level 100-500,
# "u" = not sure, "." = still open (drafts only).
BASELINE = {
    "strategy_vision": "21211",
    "business_value": "1211",
    "security": "22121",
    "governance": "22112",
    "support": "1212",
    "automation": "1111",
    "responsible_ai": "11u11",
    "community": "22212",
    "fusion_teams": "1121",
}
SECOND = {
    "strategy_vision": "33433",
    "business_value": "2332",
    "security": "23332",
    "governance": "33323",
    "support": "2333",
    "automation": "2322",
    "responsible_ai": "2u221",
    "community": "34333",
    "fusion_teams": "2322",
}
OPERATIONS = {
    "strategy_vision": "22212",
    "business_value": "2211",
    "security": "uu2u1",
    "governance": "22212",
    "support": "2332",
    "automation": "2211",
    "responsible_ai": "1u1u1",
    "community": "33223",
    "fusion_teams": "3222",
}
FINANCE_DRAFT = {
    "strategy_vision": "22212",
    "business_value": "3323",
    "security": "..2..",
}
NOTES = {
    "SV-1": "Vision one-pager agreed with the CIO and the COO; see the programme site.",
    "SV-5": "The COO chairs the quarterly steering meeting.",
    "BV-1": "Three solutions measured before and after go-live; the rest only estimated.",
    "SE-2": "Default environment covered; tenant isolation switched on in March.",
    "GO-1": "Environment requests through a form; sandbox, team and production tiers.",
    "SU-1": "Helpdesk scripts exist for the ten most common questions.",
    "RA-2": "Policy draft waiting for legal review, so answered “not sure”.",
    "CO-3": "Monthly lunch-and-learn, spring hackathon with 40 participants.",
    "FT-1": "Fleet app built by a mixed team of two makers and one developer.",
}

PLAN = [
    # (unit slug or None, title, answers, days ago submitted or None for a draft)
    (None, "Baseline assessment", BASELINE, 250),
    (None, "Autumn review", SECOND, 80),
    ("operations", "Operations first look", OPERATIONS, 150),
    ("finance", "Finance spring review", FINANCE_DRAFT, None),
]
TARGETS = {
    "strategy_vision": (400, 365),
    "business_value": (300, 180),
    "security": (300, 180),
    "governance": (400, 365),
    "responsible_ai": (300, 270),
    "community": (400, 365),
}


def _answer(assessment: Assessment, answers: dict[str, str], coe: User) -> None:
    """Fill the answers, area by area, through the same service the pages use."""
    rows = list(assessment.answers.select_related("area"))
    for area in Area.objects.all():
        codes = answers.get(area.key, "")
        in_area = [row for row in rows if row.area_id == area.pk]
        inputs = {}
        for row, code in zip(in_area, codes, strict=False):
            if code == ".":
                continue
            inputs[row.question_key] = services.AnswerInput(
                level=int(code) * 100 if code.isdigit() else None,
                is_unsure=code == "u",
                note=NOTES.get(row.question_key, ""),
            )
        if inputs:
            assessment = services.assessment_save_area(
                assessment=assessment,
                area=area,
                answers=inputs,
                revision=assessment.revision,
                user=coe,
            )


def seed() -> None:
    """Create the demo assessments and targets if they are missing."""
    # The demo needs the built-in content; both loaders are no-ops when it is already loaded.
    load_maturity_model()
    load_question_bank()
    coe = User.objects.get(username="coe")
    now = timezone.now()
    for unit_slug, title, answers, days_ago in PLAN:
        unit = BusinessUnit.objects.get(slug=unit_slug) if unit_slug else None
        subject = services.subject_for(unit)
        if subject.assessments.filter(title=title).exists():
            continue
        assessment = services.assessment_start(subject=subject, user=coe, title=title)
        _answer(assessment, answers, coe)
        if days_ago is None:
            continue
        services.assessment_submit(assessment=assessment, user=coe)
        when = now - datetime.timedelta(days=days_ago)
        Assessment.objects.filter(pk=assessment.pk).update(
            submitted_at=when, created_at=when - datetime.timedelta(days=6)
        )
    operations = services.subject_for(BusinessUnit.objects.get(slug="operations"))
    if operations.cadence_days == 90:
        services.subject_set_cadence(subject=operations, days=120, user=coe)
    organisation = services.subject_for(None)
    if not organisation.targets.exists():
        areas = {area.key: area for area in Area.objects.all()}
        services.targets_set(
            subject=organisation,
            targets={
                areas[key]: (level, (now + datetime.timedelta(days=days)).date())
                for key, (level, days) in TARGETS.items()
            },
            user=coe,
        )
