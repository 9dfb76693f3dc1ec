"""Writes for plans, objectives, key results, check-ins, initiatives, KPIs and templates.

Every function is keyword-only and atomic, and records an audit event for the decisions that
matter (a plan's creation and status, its checklist, a deletion or restoration). Check-ins need
no audit row: each is itself a permanent record of who reported what, and when."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.services import audit_record
from config import content_languages
from config.errors import StateConflict

from .models import (
    CheckIn,
    Initiative,
    KeyResult,
    Kpi,
    KpiMeasurement,
    Objective,
    Plan,
    PlanStep,
    PlanTemplate,
    format_value,
)

TEMPLATE_DIR = Path(__file__).resolve().parent / "content" / "templates"
BLANK = "___"


class StrategyError(Exception):
    """A write that the current state of the data does not allow."""


class StrategyConflict(StrategyError, StateConflict):
    """A write that conflicts with what is stored (a deleted key result, a second measurement
    for a date); the API answers 409."""


def _assign(obj, data: dict) -> None:
    for field, value in data.items():
        setattr(obj, field, value)


# Plans ------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, data: dict, actor) -> Plan:
    """Create a plan from form data with the five strategy steps as an empty checklist."""
    plan = Plan(**data)
    plan.full_clean()
    plan.save()
    PlanStep.objects.bulk_create(
        PlanStep(plan=plan, step=step, order=index)
        for index, step in enumerate(PlanStep.Step.values)
    )
    audit_record(actor=actor, verb="plan_created", target=plan, status=plan.status)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, data: dict, actor) -> Plan:
    """Change a plan's fields; a status change is audited."""
    before = plan.status
    _assign(plan, data)
    plan.full_clean()
    plan.save()
    if plan.status != before:
        audit_record(
            actor=actor, verb="plan_status_changed", target=plan, before=before, after=plan.status
        )
    return plan


@transaction.atomic
def plan_step_set(*, step: PlanStep, done: bool, actor, note: str = "") -> PlanStep:
    """Tick a strategy step off (recording who and when) or open it again."""
    step.done_on = timezone.localdate() if done else None
    step.done_by = actor if done else None
    step.note = note[:255]
    step.save(update_fields=["done_on", "done_by", "note"])
    audit_record(
        actor=actor,
        verb="plan_step_done" if done else "plan_step_reopened",
        target=step.plan,
        step=step.step,
    )
    return step


# Objectives and key results ---------------------------------------------------------------------


@transaction.atomic
def objective_save(
    *, plan: Plan, data: dict, actor, objective: Objective | None = None, key_results=()
) -> Objective:
    """Create or change an objective and create the new key results given with it (dicts of
    key-result fields), all or nothing."""
    objective = objective or Objective(plan=plan)
    _assign(objective, data)
    if objective.pk is None:
        objective.order = plan.objectives.count()
    objective.save()
    for kr_data in key_results:
        key_result_save(objective=objective, data=kr_data, actor=actor)
    return objective


@transaction.atomic
def key_result_save(*, objective: Objective, data: dict, actor, key_result=None) -> KeyResult:
    """Create or change a key result; validation happens in the form and again in the model."""
    key_result = key_result or KeyResult(objective=objective)
    _assign(key_result, data)
    if key_result.pk is None:
        key_result.order = objective.key_results.count()
    if key_result.unit != "currency":
        key_result.currency = ""
    key_result.save()
    return key_result


@transaction.atomic
def key_result_delete(*, key_result: KeyResult, actor) -> KeyResult:
    """Hide a key result from every list; it and its check-ins stay in the database so that a
    CoE lead (or an admin in the admin site) can restore it."""
    if key_result.deleted_at is None:
        key_result.deleted_at = timezone.now()
        key_result.save(update_fields=["deleted_at"])
        audit_record(actor=actor, verb="key_result_deleted", target=key_result)
    return key_result


@transaction.atomic
def key_result_restore(*, key_result: KeyResult, actor) -> KeyResult:
    """Bring a deleted key result back, with all its check-ins."""
    if key_result.deleted_at is not None:
        key_result.deleted_at = None
        key_result.save(update_fields=["deleted_at"])
        audit_record(actor=actor, verb="key_result_restored", target=key_result)
    return key_result


@transaction.atomic
def key_result_check_in(
    *,
    key_result: KeyResult,
    value: Decimal,
    author,
    confidence: int = 7,
    comment: str = "",
    measurement: KpiMeasurement | None = None,
    at=None,
) -> CheckIn:
    """Record a new value for a key result. The key result's current value follows the newest
    check-in, so a late entry for an earlier date does not overwrite a newer value.

    Raises StrategyError for a deleted key result or a confidence outside 0-10."""
    if key_result.deleted_at is not None:
        raise StrategyConflict(
            _("This key result has been deleted; restore it before checking in.")
        )
    if not 0 <= int(confidence) <= 10:
        raise StrategyError(_("Confidence runs from 0 to 10."))
    check_in = CheckIn.objects.create(
        key_result=key_result,
        value=value,
        confidence=confidence,
        comment=comment,
        author=author,
        measurement=measurement,
        created_at=at or timezone.now(),
    )
    newest = key_result.check_ins.order_by("-created_at", "-pk").first()
    if newest.pk == check_in.pk:
        key_result.current = value
        key_result.save(update_fields=["current"])
    return check_in


# Initiatives ------------------------------------------------------------------------------------


@transaction.atomic
def initiative_save(
    *, plan: Plan, data: dict, actor, initiative: Initiative | None = None, links=None
) -> Initiative:
    """Create or change an initiative; `links` maps "objectives"/"areas"/"opportunities" to the
    rows to link (replacing the previous links)."""
    initiative = initiative or Initiative(plan=plan)
    _assign(initiative, data)
    initiative.save()
    for name, rows in (links or {}).items():
        getattr(initiative, name).set(rows)
    return initiative


@transaction.atomic
def initiatives_from_opportunities(*, plan: Plan, opportunities, owner, horizon: str) -> list:
    """Create one proposed initiative per maturity opportunity, linked to the opportunity and its
    area. An opportunity that already has an initiative in this plan is skipped, so running it
    twice creates nothing twice. Returns the initiatives created."""
    existing = set(
        plan.initiatives.filter(opportunities__in=opportunities).values_list(
            "opportunities__pk", flat=True
        )
    )
    created = []
    order = plan.initiatives.count()
    for opportunity in opportunities:
        if opportunity.pk in existing:
            continue
        initiative = Initiative.objects.create(
            plan=plan,
            title=opportunity.text[:200],
            description=_("Proposed from the maturity model (level %(level)s).")
            % {"level": opportunity.level.number},
            horizon=horizon,
            owner=owner,
            status=Initiative.Status.PROPOSED,
            order=order,
        )
        order += 1
        initiative.opportunities.add(opportunity)
        if opportunity.area_id:
            initiative.areas.add(opportunity.area_id)
        created.append(initiative)
        existing.add(opportunity.pk)
    if created:
        audit_record(actor=owner, verb="initiatives_proposed", target=plan, count=len(created))
    return created


# KPIs -------------------------------------------------------------------------------------------


@transaction.atomic
def kpi_save(*, data: dict, actor, kpi: Kpi | None = None) -> Kpi:
    kpi = kpi or Kpi()
    _assign(kpi, data)
    if kpi.unit != "currency":
        kpi.currency = ""
    kpi.save()
    return kpi


@transaction.atomic
def kpi_record_measurement(
    *, kpi: Kpi, measured_on: date, value: Decimal, actor, note: str = ""
) -> KpiMeasurement:
    """Record a KPI value and check in every live key result bound to the KPI with it.

    A check-in is tied to its measurement by a unique constraint, so a repeated call cannot check
    a key result in twice. Raises StrategyError when the KPI already has a value for that date."""
    if kpi.measurements.filter(measured_on=measured_on).exists():
        raise StrategyConflict(_("This KPI already has a measurement for that date."))
    measurement = KpiMeasurement.objects.create(
        kpi=kpi, measured_on=measured_on, value=value, note=note, recorded_by=actor
    )
    at = timezone.make_aware(timezone.datetime.combine(measured_on, timezone.datetime.min.time()))
    at = min(at.replace(hour=12), timezone.now())
    for key_result in kpi.key_results.alive():
        if key_result.check_ins.filter(measurement=measurement).exists():
            continue
        key_result_check_in(
            key_result=key_result,
            value=value,
            author=actor,
            confidence=key_result.check_ins.values_list("confidence", flat=True).first() or 7,
            comment=(
                _("From the KPI measurement of %(date)s.")
                % {"date": formats.date_format(measured_on, "DATE_FORMAT")}
                + (f" {note}" if note else "")
            ),
            measurement=measurement,
            at=at,
        )
    return measurement


# Templates --------------------------------------------------------------------------------------


def load_plan_templates() -> str:
    """Load or refresh the built-in plan templates from strategy/content/templates/*.json by
    their `key` (a CONTENT_STEPS entry; safe to run again), with their translations from
    templates/<language>/<same name>.json (same keys, only the text translated; a missing file
    or text reads as English). Only templates whose content differs are written and counted as
    updated."""
    created = updated = unchanged = 0
    with translation.override(content_languages.SOURCE_LANGUAGE):
        existing = {t.key: t for t in PlanTemplate.objects.all()}
        for path in sorted(TEMPLATE_DIR.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            translations, _raw = content_languages.read_translations(
                path, locate=content_languages.translated_file_in_folder
            )
            body = {"objectives": data["objectives"], "initiatives": data["initiatives"]}
            fields = {"order": data.get("order", 0)}
            for name in ("title", "summary", "vision"):
                fields |= content_languages.columns(
                    name, data[name], {lang: t.get(name) for lang, t in translations.items()}
                )
            fields |= content_languages.columns(
                "body",
                body,
                {lang: content_languages.overlay(body, t) for lang, t in translations.items()},
            )
            # The original columns are written on creation only: afterwards modeltranslation
            # reads and writes the per-language columns.
            originals = {name: fields.pop(name) for name in ("title", "summary", "vision", "body")}
            template = existing.get(data["key"])
            if template is None:
                PlanTemplate.objects.create(key=data["key"], **originals, **fields)
                created += 1
            elif any(getattr(template, name) != value for name, value in fields.items()):
                PlanTemplate.objects.filter(pk=template.pk).update(
                    **fields, loaded_at=timezone.now()
                )
                updated += 1
            else:
                unchanged += 1
    return f"{created} plan templates created, {updated} updated, {unchanged} unchanged"


def fill_blank(title: str, value: Decimal, unit: str = "percent") -> str:
    """The template text with its blank replaced by the chosen figure ("___%" → "80%")."""
    number = format_value(value, "number")
    return title.replace(BLANK, number, 1)


@transaction.atomic
def plan_create_from_template(
    *,
    template: PlanTemplate,
    actor,
    title: str,
    starts_on: date,
    ends_on: date,
    blanks: dict[str, Decimal],
    business_unit=None,
    sponsor=None,
    vision: str = "",
    status: str = Plan.Status.DRAFT,
    objective_keys: list[str] | None = None,
) -> Plan:
    """Create a plan, its objectives, key results and initiatives from a template. Only the
    objectives whose keys are in `objective_keys` are created (None: all of them), with their key
    results and the initiatives that serve at least one of them. Each key result with a blank
    takes its target from `blanks[key]` and gets the figure in its title; all key results run over
    the plan's period and belong to `actor` until reassigned.

    Raises StrategyError for an unknown objective key, when no objective is picked, or when a
    blank of a picked objective has no value."""
    known = [o["key"] for o in template.objectives]
    picked = set(known if objective_keys is None else objective_keys)
    if not picked or picked - set(known):
        raise StrategyError(_("Pick at least one of the template's objectives."))
    chosen = [o for o in template.objectives if o["key"] in picked]
    missing = [
        kr["key"]
        for o in chosen
        for kr in o.get("key_results", [])
        if BLANK in kr["title"] and blanks.get(kr["key"]) is None
    ]
    if missing:
        raise StrategyError(_("Fill in every blank: %(keys)s.") % {"keys": ", ".join(missing)})
    plan = plan_create(
        data={
            "title": title,
            "vision": vision or template.vision,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "business_unit": business_unit,
            "sponsor": sponsor,
            "owner": actor,
            "status": status,
            "template": template,
        },
        actor=actor,
    )
    objectives_by_key = {}
    for index, objective_data in enumerate(chosen):
        objective = Objective.objects.create(
            plan=plan,
            title=objective_data["title"],
            why=objective_data.get("why", ""),
            owner=actor,
            order=index,
        )
        objectives_by_key[objective_data["key"]] = objective
        for kr_index, kr in enumerate(objective_data.get("key_results", [])):
            if BLANK in kr["title"]:
                target = Decimal(blanks[kr["key"]])
                kr_title = fill_blank(kr["title"], target)
            else:
                target = Decimal(str(kr["target"]))
                kr_title = kr["title"]
            KeyResult.objects.create(
                objective=objective,
                title=kr_title[:300],
                kind=kr.get("kind", KeyResult.Kind.INCREASE),
                unit=kr.get("unit", "percent"),
                currency=kr.get("currency", ""),
                baseline=Decimal(str(kr.get("baseline", 0))),
                target=target,
                starts_on=starts_on,
                due_on=ends_on,
                owner=actor,
                check_in_frequency=kr.get("frequency", "monthly"),
                order=kr_index,
            )
    initiatives = [
        item
        for item in template.initiatives
        # An initiative linked to no objective belongs to the whole plan.
        if not item.get("objectives") or picked & set(item["objectives"])
    ]
    for index, item in enumerate(initiatives):
        initiative = Initiative.objects.create(
            plan=plan,
            title=item["title"],
            description=item.get("description", ""),
            horizon=item["horizon"],
            owner=actor,
            order=index,
        )
        initiative.objectives.set(
            [
                objectives_by_key[key]
                for key in item.get("objectives", [])
                if key in objectives_by_key
            ]
        )
    audit_record(
        actor=actor,
        verb="plan_created_from_template",
        target=plan,
        template=template.key,
        objectives=[o["key"] for o in chosen],
    )
    return plan
