"""Writes for the solution inventory, costs, the unit-cost library and value records."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import BusinessUnit, User
from accounts.services import audit_record
from config.errors import StateConflict
from inventory.staging import copy_new, update_from

from . import rollup
from .models import ProgrammeCost, Solution, SolutionUsage, UnitCost, ValueRecord


class ValueRecordError(Exception):
    """A value record that cannot be written as asked (e.g. no hourly rate to value hours)."""


class SolutionInUse(ValueRecordError, StateConflict):
    """A solution with value records cannot be deleted (retire it); the API answers 409."""


def staff_hour_rate(unit: BusinessUnit | None) -> Decimal | None:
    """The loaded cost of one staff hour for `unit`: its own library entry, else the nearest
    ancestor's, else the organisation-wide one. Two queries."""
    rates = dict(
        UnitCost.objects.filter(is_staff_hour=True).values_list("business_unit_id", "amount")
    )
    parents = dict(BusinessUnit.objects.values_list("id", "parent_id"))
    current = unit.pk if unit else None
    while current is not None:
        if current in rates:
            return rates[current]
        current = parents.get(current)
    return rates.get(None)


def usage_runs(*, solution: Solution, month: date) -> int:
    """The runs `solution` had in `month`: the tenant's usage for that month when an import
    brought it (SolutionUsage), else the monthly runs typed in on the solution. One query."""
    runs = (
        SolutionUsage.objects.filter(solution=solution, month=month.replace(day=1))
        .values_list("runs", flat=True)
        .first()
    )
    return solution.monthly_runs if runs is None else runs


@transaction.atomic
def solution_save(*, solution: Solution, actor: User, data: dict) -> Solution:
    """Create or update a solution from validated form data; records an audit row."""
    created = solution.pk is None
    # The unit as stored (a model form may have changed the instance already): when a solution
    # moves, both units' roll-ups change.
    stored_unit = Solution.objects.filter(pk=solution.pk).values_list("business_unit_id", flat=True)
    units_before = [] if created else list(stored_unit)
    for name, value in data.items():
        setattr(solution, name, value)
    solution.full_clean()
    solution.save()
    rollup.refresh_units([*units_before, solution.business_unit_id])
    audit_record(
        actor=actor,
        verb="solution_created" if created else "solution_changed",
        target=solution,
        fields=sorted(data),
    )
    return solution


@transaction.atomic
def solution_delete(*, solution: Solution, actor: User) -> None:
    """Remove a solution that has no value records (one with records is retired instead)."""
    if solution.value_records.exists():
        raise SolutionInUse(gettext("This solution has value records; retire it."))
    unit_id = solution.business_unit_id
    audit_record(actor=actor, verb="solution_deleted", target=solution, name=solution.name)
    solution.delete()
    rollup.refresh_units([unit_id])


@transaction.atomic
def value_record_create(
    *,
    solution: Solution,
    month: date,
    actor: User,
    source: str,
    hours_saved: Decimal = Decimal("0"),
    hourly_rate: Decimal | None = None,
    cost_avoided: Decimal = Decimal("0"),
    revenue: Decimal = Decimal("0"),
    other_value: Decimal = Decimal("0"),
    note: str = "",
    calculation: dict | None = None,
    origin_key: str = "",
) -> ValueRecord:
    """Record the value `solution` delivered in `month`. Hours are valued at `hourly_rate`, or
    at the unit's staff-hour rate from the library when none is given. Raises ValueRecordError when
    hours are given but no rate can be found."""
    if hourly_rate is None:
        hourly_rate = staff_hour_rate(solution.business_unit) or Decimal("0")
    if hours_saved and not hourly_rate:
        raise ValueRecordError(
            gettext("There is no staff-hour rate for this unit in the cost library: enter a rate.")
        )
    amount = (hours_saved * hourly_rate + cost_avoided + revenue + other_value).quantize(
        Decimal("0.01")
    )
    record = ValueRecord(
        solution=solution,
        month=month.replace(day=1),
        hours_saved=hours_saved,
        hourly_rate=hourly_rate,
        cost_avoided=cost_avoided,
        revenue=revenue,
        other_value=other_value,
        amount=amount,
        source=source,
        note=note,
        calculation=calculation or {},
        origin_key=origin_key,
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    rollup.refresh_units([solution.business_unit_id])
    audit_record(
        actor=actor, verb="value_recorded", target=record, amount=str(amount), source=source
    )
    return record


@transaction.atomic
def value_record_verify(*, record: ValueRecord, actor: User) -> ValueRecord:
    """Mark a record as checked by the CoE (only the CoE may; the view asks the policy)."""
    record.source = ValueRecord.Source.COE_VERIFIED
    record.save(update_fields=["source"])
    rollup.refresh_units([record.solution.business_unit_id])
    audit_record(actor=actor, verb="value_verified", target=record)
    return record


@transaction.atomic
def unit_cost_save(*, unit_cost: UnitCost, actor: User, data: dict) -> UnitCost:
    """Create or update a library entry. Only one staff-hour rate per unit: marking this one
    as the staff hour clears the flag on the unit's other entries."""
    for name, value in data.items():
        setattr(unit_cost, name, value)
    unit_cost.full_clean()
    if unit_cost.is_staff_hour:
        UnitCost.objects.filter(business_unit=unit_cost.business_unit, is_staff_hour=True).exclude(
            pk=unit_cost.pk
        ).update(is_staff_hour=False)
    unit_cost.save()
    audit_record(
        actor=actor, verb="unit_cost_saved", target=unit_cost, amount=str(unit_cost.amount)
    )
    return unit_cost


@transaction.atomic
def programme_cost_create(*, actor: User, data: dict) -> ProgrammeCost:
    """Record a programme cost for a period (and a unit, or the organisation)."""
    cost = ProgrammeCost(**data)
    cost.full_clean()
    cost.save()
    audit_record(actor=actor, verb="programme_cost_recorded", target=cost, amount=str(cost.amount))
    return cost


# CSV import ---------------------------------------------------------------------------------

# Column names we accept, with the CoE Starter Kit inventory's names as alternatives.
IMPORT_COLUMNS = {
    "name": ["name", "display name", "displayname", "app name", "flow name"],
    "kind": ["kind", "type", "resource type"],
    "business_unit": ["business unit", "business_unit", "department"],
    "owner": ["owner", "owner username", "maker", "created by"],
    "environment": ["environment", "environment name", "environmentname"],
    "status": ["status", "state"],
    "go_live_on": ["go live", "go_live_on", "go-live date", "published on", "created on"],
    "monthly_users": ["monthly users", "users", "unique users"],
    "monthly_runs": ["monthly runs", "runs", "sessions"],
    "external_id": ["id", "app id", "flow id", "external id", "external_id"],
}
KIND_ALIASES = {
    "canvas": Solution.Kind.CANVAS_APP,
    "canvas app": Solution.Kind.CANVAS_APP,
    "model-driven": Solution.Kind.MODEL_DRIVEN_APP,
    "model-driven app": Solution.Kind.MODEL_DRIVEN_APP,
    "model driven app": Solution.Kind.MODEL_DRIVEN_APP,
    "cloud flow": Solution.Kind.CLOUD_FLOW,
    "flow": Solution.Kind.CLOUD_FLOW,
    "desktop flow": Solution.Kind.DESKTOP_FLOW,
    "power bi report": Solution.Kind.POWER_BI_REPORT,
    "report": Solution.Kind.POWER_BI_REPORT,
    "copilot agent": Solution.Kind.COPILOT_AGENT,
    "agent": Solution.Kind.COPILOT_AGENT,
    "bot": Solution.Kind.COPILOT_AGENT,
    "power pages site": Solution.Kind.POWER_PAGES_SITE,
    "site": Solution.Kind.POWER_PAGES_SITE,
    "other": Solution.Kind.OTHER,
}
MAX_IMPORT_ROWS = 5000


@dataclass
class ImportResult:
    created: int
    updated: int
    errors: list[tuple[int, str]]  # (line number in the file, reason)


class ImportRejected(Exception):
    """The file has bad rows; nothing was imported. `errors` lists (line, reason)."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


def _kind(value: str) -> str:
    key = value.strip().lower().replace("_", " ")
    if key in KIND_ALIASES:
        return KIND_ALIASES[key]
    for choice, label in Solution.Kind.choices:
        if key in (choice.replace("_", " "), label.lower()):
            return choice
    raise ValueError(gettext("unknown kind “%(value)s”") % {"value": value})


def _status(value: str) -> str:
    key = value.strip().lower().replace(" ", "_")
    if not key:
        return Solution.Status.LIVE
    aliases = {"started": "live", "active": "live", "published": "live", "deleted": "retired"}
    key = aliases.get(key, key)
    if key not in Solution.Status.values:
        raise ValueError(gettext("unknown status “%(value)s”") % {"value": value})
    return key


def _whole(value: str, label: str) -> int:
    value = value.strip().replace(",", "")
    if not value:
        return 0
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(
            gettext("%(label)s “%(value)s” is not a number") % {"label": label, "value": value}
        ) from None
    if number < 0 or number != number.to_integral_value():
        raise ValueError(
            gettext("%(label)s must be a whole number of zero or more") % {"label": label}
        )
    return int(number)


def _day(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(gettext("date “%(value)s” is not YYYY-MM-DD") % {"value": value}) from None


def solutions_import_csv(*, file: io.IOBase, actor: User) -> ImportResult:
    """Import or update solutions from a CSV inventory (header row required). All or nothing:
    when any row is bad, nothing is written and ImportRejected lists every bad row with its line
    number. A row with an external id that is already in the inventory updates that solution.
    Business units are matched by slug or name, owners by username or e-mail."""
    reader, columns = _import_reader(file)
    rows = _import_rows(reader, _ImportLookups.load(), columns)
    return _import_write(rows, actor)


def _import_reader(file: io.IOBase) -> tuple[csv.DictReader, dict[str, str | None]]:
    """The CSV reader and, for each field, the file's column that holds it (None: absent)."""
    text = file.read()
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRejected([(1, gettext("the file is not UTF-8 text"))]) from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ImportRejected([(1, gettext("the file is empty"))])
    header = {name.strip().lower(): name for name in reader.fieldnames if name}
    columns = {
        field_name: next((header[a] for a in aliases if a in header), None)
        for field_name, aliases in IMPORT_COLUMNS.items()
    }
    missing = [name for name in ("name", "kind", "business_unit") if columns[name] is None]
    if missing:
        raise ImportRejected(
            [(1, gettext("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})]
        )
    return reader, columns


@dataclass
class _ImportLookups:
    """What a row's text is matched against: units by slug or name, owners by username or
    e-mail (lower case)."""

    units: dict[str, BusinessUnit]
    owners: dict[str, User]

    @classmethod
    def load(cls) -> "_ImportLookups":
        units, owners = {}, {}
        for unit in BusinessUnit.objects.all():
            units[unit.slug.lower()] = unit
            units.setdefault(unit.name.lower(), unit)
        for user in User.objects.filter(is_active=True):
            owners[user.username.lower()] = user
            if user.email:
                owners.setdefault(user.email.lower(), user)
        return cls(units, owners)


def _import_rows(reader, lookups: _ImportLookups, columns: dict) -> list[dict]:
    """Every row as the fields of a solution; ImportRejected with every bad row's reason."""
    rows, errors, seen = [], [], set()
    for row in reader:
        if len(rows) + len(errors) >= MAX_IMPORT_ROWS:
            message = gettext("more than %(rows)s rows; split the file")
            errors.append((reader.line_num, message % {"rows": MAX_IMPORT_ROWS}))
            break
        cells = {
            name: (row.get(column) or "").strip() if column else ""
            for name, column in columns.items()
        }
        try:
            rows.append(_import_row(cells, lookups, seen, reader.line_num))
        except ValueError as exc:
            errors.append((reader.line_num, str(exc)))
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([(1, gettext("the file has no data rows"))])
    return rows


def _import_row(cells: dict[str, str], lookups: _ImportLookups, seen: set, line: int) -> dict:
    """One row's fields of a solution; ValueError with the reason when the row is bad."""
    name = cells["name"]
    if not name:
        raise ValueError(gettext("name is empty"))
    if len(name) > 200:
        raise ValueError(gettext("name is longer than 200 characters"))
    unit = lookups.units.get(cells["business_unit"].lower())
    if unit is None:
        raise ValueError(
            gettext("unknown business unit “%(unit)s”") % {"unit": cells["business_unit"]}
        )
    owner = lookups.owners.get(cells["owner"].lower()) if cells["owner"] else None
    if cells["owner"] and owner is None:
        raise ValueError(gettext("unknown owner “%(owner)s”") % {"owner": cells["owner"]})
    external_id = cells["external_id"][:100]
    if external_id and external_id in seen:
        raise ValueError(gettext("id “%(id)s” appears twice in the file") % {"id": external_id})
    seen.add(external_id or f"line-{line}")
    return {
        "name": name,
        "kind": _kind(cells["kind"]),
        "business_unit": unit,
        "owner": owner,
        "environment": cells["environment"][:120],
        "status": _status(cells["status"]),
        "go_live_on": _day(cells["go_live_on"]),
        "monthly_users": _whole(cells["monthly_users"], gettext("monthly users")),
        "monthly_runs": _whole(cells["monthly_runs"], gettext("monthly runs")),
        "external_id": external_id,
    }


@transaction.atomic
def _import_write(rows: list[dict], actor: User) -> ImportResult:
    """Create or update the checked rows, refresh the roll-up of every unit they touch (the one
    a solution left too) and audit the import."""
    ids = [data["external_id"] for data in rows if data["external_id"]]
    existing = {
        solution.external_id: solution
        for solution in Solution.objects.filter(external_id__in=ids).only(
            "id", "external_id", "business_unit_id"
        )
    }
    created = updated = 0
    touched_units: set[int] = set()
    for data in rows:
        solution = existing.get(data["external_id"]) if data["external_id"] else None
        if solution is not None:
            touched_units.add(solution.business_unit_id)  # the unit it may leave
            Solution.objects.filter(pk=solution.pk).update(**data)
            updated += 1
        else:
            solution = Solution(**data)
            try:
                solution.full_clean()
            except ValidationError as exc:  # pragma: no cover - fields already checked
                raise ImportRejected([(0, "; ".join(exc.messages))]) from exc
            solution.save()
            created += 1
        touched_units.add(data["business_unit"].pk)
    rollup.refresh_units(touched_units)
    audit_record(
        actor=actor, verb="solutions_imported", target=actor, created=created, updated=updated
    )
    return ImportResult(created=created, updated=updated, errors=[])


# Tenant inventory writes --------------------------------------------------------------------


@transaction.atomic
def solutions_inventory_write(
    *,
    create: list[dict],
    update: list[tuple[int, dict]],
    fields: list[str],
    usage_count: int = 0,
    write_usage=None,
    units_before: set[int],
    actor: User | None,
    audit_target,
    progress=None,
) -> int:
    """Write what a tenant-inventory import decided (inventory.plan): new solutions (dicts of
    `fields`' values), changed and retired ones ((pk, values): only `fields` are written, so
    what the CoE typed in is never touched), and the monthly usage rows the import staged
    (`write_usage()` inserts or updates them and returns how many it wrote). Streamed with
    COPY and written with one statement per kind of change, never a query per row; the value
    roll-up of every unit touched (`units_before` are the units changed solutions leave) is
    refreshed once at the end. Returns the number of rows written; writes one audit row.
    `progress(n)` is called after each kind of row is written."""
    written = 0
    if create:
        written += copy_new(Solution, fields, ([row[f] for f in fields] for row in create))
        if progress:
            progress(len(create))
    if update:
        written += update_from(
            Solution, fields, ([pk, *(row[f] for f in fields)] for pk, row in update)
        )
        if progress:
            progress(len(update))
    usage_written = 0
    if write_usage is not None:
        usage_written = write_usage()
        written += usage_written
        if progress:
            progress(usage_count)
    units = (
        set(units_before)
        | {row["business_unit_id"] for row in create}
        | {row["business_unit_id"] for _pk, row in update}
    )
    rollup.refresh_units(units)
    audit_record(
        actor=actor,
        verb="solutions_synced",
        target=audit_target,
        created=len(create),
        changed=len(update),
        usage=usage_written,
    )
    return written
