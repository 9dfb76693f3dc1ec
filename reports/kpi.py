"""The figures of a KPI report: every key result of the plans in scope and every KPI in scope,
with its value as of the end of the period and its change since the last report.

Rules (also in the README):
- Scope: the whole organisation reads every plan and KPI; a business unit reads the plans and
  KPIs of that unit and the units below it (organisation-wide ones are left out, as on the
  executive dashboard).
- Key results: not deleted, of a plan that is active or closed (a draft is not agreed yet) and
  runs during the period, started by the period's last day.
- Value as of the period's end: the newest check-in made on or before its last day; before the
  first one a key result has no value, no progress and the status "no check-in yet" (counted
  apart, never on or off track); progress and status are the plan pages' own rules
  (KeyResult.progress() and .status(), i.e. strategy.progress), evaluated on that last day. A
  report of a past period therefore shows that period's figures, whatever was checked in later.
  KPIs: the newest measurement dated on or before the last day; a KPI with a target is on track
  while that value meets it (strategy.progress.kpi_status); the change says whether it moved the
  way the KPI wants.
- Change since the last report: against the previous report of the same definition (the newest
  one generated that ended before this period starts), using the figures it froze. An item that
  report did not list, and every item when there is no earlier report, is compared with its value
  as of that report's last day (or the day before this period starts).

Queries: the subtree (1, for a unit), key results (1) and KPIs (1), however many there are; the
as-of values are subqueries."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import BusinessUnit
from config.numbers import round_half_up
from strategy import progress as rules
from strategy.models import CheckIn, KeyResult, Kpi, KpiMeasurement, Plan

from .models import ReportSnapshot

STATUS_ORDER = [rules.ON_TRACK, rules.AT_RISK, rules.OFF_TRACK, rules.DONE, rules.NO_CHECK_IN]
REPORTED_PLAN_STATUSES = (Plan.Status.ACTIVE, Plan.Status.CLOSED)


def previous_report(definition, start: date) -> dict | None:
    """The frozen data of the definition's newest done KPI report that ended before `start`."""
    return (
        ReportSnapshot.objects.filter(
            definition=definition,
            status=ReportSnapshot.Status.DONE,
            period_end__lt=start,
            data__kind="kpi",
        )
        .order_by("-period_end")
        .values_list("data", flat=True)
        .first()
    )


def _day_after(day: date) -> datetime:
    """The first moment after `day` in the site's time zone (check-ins carry a time)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _check_in_as_of(day: date, field: str) -> Subquery:
    newest = CheckIn.objects.filter(
        key_result=OuterRef("pk"), created_at__lt=_day_after(day)
    ).order_by("-created_at", "-pk")
    return Subquery(newest.values(field)[:1])


def _measurement_as_of(day: date, field: str) -> Subquery:
    newest = KpiMeasurement.objects.filter(kpi=OuterRef("pk"), measured_on__lte=day).order_by(
        "-measured_on", "-pk"
    )
    return Subquery(newest.values(field)[:1])


CENT = Decimal("0.01")


def _text(number) -> str | None:
    """Figures are stored with two decimals; written with two whatever the database returned."""
    if number is None:
        return None
    return str(number.quantize(CENT)) if isinstance(number, Decimal) else str(number)


def signed(number) -> str:
    """A change for people to read: "+10", "-2.5", "0"; "—" when there is nothing to compare."""
    if number is None:
        return "—"
    number = Decimal(str(number)).normalize()
    text = f"{abs(number):,f}"
    return f"+{text}" if number > 0 else f"-{text}" if number < 0 else "0"


def _decimal(text) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def _float(number) -> float | None:
    return None if number is None else float(number)


def _difference(value, previous) -> Decimal | None:
    """value - previous; None when either is missing (nothing to compare)."""
    if value is None or previous is None:
        return None
    return round_half_up(Decimal(value) - Decimal(previous), CENT)


def _change(value, previous) -> str | None:
    if previous is None or value is None:
        return None
    return str((Decimal(value) - Decimal(previous)).quantize(CENT))


def _key_results(unit_ids, start: date, end: date, since: date, frozen: dict) -> list[dict]:
    key_results = (
        KeyResult.objects.alive()
        .filter(
            objective__plan__status__in=REPORTED_PLAN_STATUSES,
            objective__plan__starts_on__lte=end,
            objective__plan__ends_on__gte=start,
            starts_on__lte=end,
        )
        .select_related("objective__plan")
        .annotate(
            value_at_end=_check_in_as_of(end, "value"),
            checked_in_at=_check_in_as_of(end, "created_at"),
            value_at_since=_check_in_as_of(since, "value"),
        )
        .order_by("objective__plan__title", "objective__order", "objective_id", "order", "pk")
    )
    if unit_ids is not None:
        key_results = key_results.filter(objective__plan__business_unit_id__in=unit_ids)
    rows = []
    for kr in key_results:
        # The previous figures: frozen in the last report, else the value as of `since`.
        kr.current = kr.value_at_since
        before = frozen.get(str(kr.uuid))
        if before:
            previous_value = _decimal(before["value"])
            previous_progress = _decimal(before["progress"])
        else:
            previous_value, previous_progress = kr.current, round_half_up(kr.progress())
        # The model's own rules, fed the value as of the period's end (None: no check-in yet).
        kr.current = kr.value_at_end
        progress, status = round_half_up(kr.progress()), kr.status(end)
        plan = kr.objective.plan
        rows.append(
            {
                "uuid": str(kr.uuid),
                "plan": plan.title,
                "plan_uuid": str(plan.uuid),
                "objective": kr.objective.title,
                "title": kr.title,
                "kind": kr.kind,
                "kind_label": kr.get_kind_display(),
                "unit": kr.unit,
                "currency": kr.currency,
                "baseline": _text(kr.baseline),
                "target": _text(kr.target),
                "value": _text(kr.current),
                "baseline_text": kr.format(kr.baseline),
                "target_text": kr.format(kr.target),
                "value_text": kr.format(kr.current),
                "checked_in_on": (
                    timezone.localdate(kr.checked_in_at).isoformat() if kr.checked_in_at else None
                ),
                "due_on": kr.due_on.isoformat(),
                # Rounded once (half-up); the change is that of the figures people read.
                "progress": _float(progress),
                "status": status,
                "status_label": str(rules.STATUS_LABELS[status]),
                "previous_value": _text(previous_value),
                "change": _change(kr.current, previous_value),
                "change_text": signed(_difference(kr.current, previous_value)),
                "previous_progress": _float(previous_progress),
                "progress_change": _float(_difference(progress, previous_progress)),
            }
        )
    return rows


def _kpis(unit_ids, end: date, since: date, frozen: dict) -> list[dict]:
    kpis = Kpi.objects.annotate(
        value_at_end=_measurement_as_of(end, "value"),
        measured_on=_measurement_as_of(end, "measured_on"),
        value_at_since=_measurement_as_of(since, "value"),
    ).order_by("name", "pk")
    if unit_ids is not None:
        kpis = kpis.filter(business_unit_id__in=unit_ids)
    rows = []
    for kpi in kpis:
        value = kpi.value_at_end
        status = kpi.status(value)  # against the target, when the KPI has one
        before = frozen.get(str(kpi.uuid))
        previous = before["value"] if before else _text(kpi.value_at_since)
        change = _change(value, previous) if value is not None else None
        if change is None or Decimal(change) == 0:
            trend = "unchanged" if change is not None else ""
        else:
            higher = Decimal(change) > 0
            trend = "better" if higher == (kpi.direction == Kpi.Direction.HIGHER) else "worse"
        rows.append(
            {
                "uuid": str(kpi.uuid),
                "name": kpi.name,
                "unit": kpi.unit,
                "currency": kpi.currency,
                "direction": kpi.direction,
                "direction_label": kpi.get_direction_display(),
                "value": _text(value),
                "value_text": kpi.format(value),
                "measured_on": kpi.measured_on.isoformat() if kpi.measured_on else None,
                "previous_value": previous,
                "change": change,
                "change_text": signed(change),
                "trend": trend,
                "target": _text(kpi.target),
                "target_text": kpi.format(kpi.target) if kpi.target is not None else "",
                "status": status or "",
                "status_label": str(rules.STATUS_LABELS.get(status, "")),
            }
        )
    return rows


def kpi_figures(
    unit: BusinessUnit | None, start: date, end: date, *, previous: dict | None = None
) -> dict:
    """Every key result and KPI in the scope of `unit` (None: the organisation) as of `end`,
    with its change since `previous` (the data of the last report, see previous_report), as
    JSON-safe data. Raises nothing: an empty scope gives empty lists."""
    unit_ids = None if unit is None else BusinessUnit.objects.subtree_ids(unit)
    since = date.fromisoformat(previous["end"]) if previous else start - timedelta(days=1)
    previous = previous or {}
    frozen_krs = {row["uuid"]: row for row in previous.get("key_results", [])}
    frozen_kpis = {row["uuid"]: row for row in previous.get("kpis", [])}
    key_results = _key_results(unit_ids, start, end, since, frozen_krs)
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for row in key_results:
        counts[row["status"]] += 1
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        # What "change" is measured against: the last report's period, or just a date.
        "compared_with": {
            "end": since.isoformat(),
            "report_start": previous.get("start"),
        },
        "status_counts": counts,
        "key_result_total": len(key_results),
        "key_results": key_results,
        "kpis": _kpis(unit_ids, end, since, frozen_kpis),
    }
