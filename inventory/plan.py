"""The diff of an import: what a parsed file would create, change and retire in the solution
inventory, and which rows it rejects. Computed the same way for the preview and, again, for the
commit (the inventory may have moved on in between), with a fixed number of queries whatever the
file's size: every lookup is one query into a dictionary."""

from dataclasses import dataclass, field
from datetime import date

from accounts.models import BusinessUnit, User
from value.models import Solution

from . import mapping
from .models import Environment
from .sources import ParsedFile
from .sources.rows import ResourceRow
from .staging import UsageStage

# The fields an import owns. Everything else on a solution (description, costs, projections,
# go-live date once set, business unit once mapped) is the CoE's and never overwritten.
SOURCE_FIELDS = [
    "resource_id",
    "name",
    "kind",
    "resource_type",
    "environment",
    "environment_id",
    "owner_id",
    "source_created_at",
    "source_modified_at",
    "published_at",
    "source_state",
    "status",
    "retired_on",
    "go_live_on",
    "business_unit_id",
]
# States that mean the import retired the solution (and may bring it back).
RETIRED_BY_IMPORT = ("missing", "deleted")
UNMAPPED = "unmapped"  # the business unit placeholder until the commit creates the unit


def new_owner(object_id: str) -> str:
    """Placeholder owner id for a person the commit will create."""
    return f"new:{object_id}"


@dataclass
class Plan:
    new: list[dict] = field(default_factory=list)  # target field values
    changed: list[tuple[int, dict, dict]] = field(default_factory=list)  # (pk, target, diff)
    retired: list[tuple[int, dict, dict]] = field(default_factory=list)
    rejected: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, id, name, why
    unchanged: int = 0
    new_makers: dict[str, dict] = field(default_factory=dict)  # object id -> user fields
    linked_makers: list[tuple[int, str]] = field(default_factory=list)  # (user pk, object id)
    environments: list[Environment] = field(default_factory=list)  # new or changed
    # Usage rows are staged in the database (inventory.staging.UsageStage) and compared there:
    # the plan holds only their counts.
    usage_stage: UsageStage | None = None
    usage_count: int = 0  # new or changed monthly rows
    usage_unchanged: int = 0
    usage_rejected: int = 0
    rows_total: int = 0

    @property
    def is_blocked(self) -> bool:
        return bool(self.rejected) or self.usage_rejected > 0

    @property
    def rejected_count(self) -> int:
        return len(self.rejected) + self.usage_rejected


class Planner:
    """Computes a Plan for one parsed file against the database as it is now."""

    def __init__(
        self, parsed: ParsedFile, *, is_full: bool, today: date, usage_stage: UsageStage = None
    ):
        self.parsed = parsed
        self.is_full = is_full
        self.today = today
        self.plan = Plan(rows_total=parsed.rows_read, usage_stage=usage_stage)
        for line, resource_id, reason in parsed.rejected:
            self.plan.rejected.append((line, resource_id, "", reason))

    def build(self) -> Plan:
        self._makers()
        env_facts = self._environments()
        if self.parsed.resources:
            self._resources(env_facts)
        if self.parsed.usage_rows:
            self._usage()
        return self.plan

    # People ------------------------------------------------------------------------------

    def _user_maps(self):
        by_oid = dict(User.objects.exclude(entra_object_id="").values_list("entra_object_id", "pk"))
        by_name: dict[str, int] = {}
        for pk, username, email, oid in User.objects.values_list(
            "pk", "username", "email", "entra_object_id"
        ):
            if not oid:  # only people not yet linked to an Entra identity can be linked
                by_name.setdefault(username.lower(), pk)
                if email:
                    by_name.setdefault(email.lower(), pk)
        return {key.lower(): pk for key, pk in by_oid.items()}, by_name

    def _makers(self) -> None:
        if not self.parsed.makers:
            return
        by_oid, by_name = self._user_maps()
        seen: dict[str, int] = {}
        for maker in self.parsed.makers:
            if maker.object_id in seen:
                self._reject_duplicate(maker.line, maker.object_id, "", seen[maker.object_id])
                continue
            seen[maker.object_id] = maker.line
            if maker.object_id in by_oid:
                continue
            sign_in = (maker.upn or maker.email).lower()
            if sign_in and sign_in in by_name:
                self.plan.linked_makers.append((by_name.pop(sign_in), maker.object_id))
                continue
            self.plan.new_makers[maker.object_id] = _maker_fields(
                maker.object_id, maker.display_name, maker.upn, maker.email
            )

    def _reject_duplicate(self, line: int, key: str, name: str, first_line: int) -> None:
        self.plan.rejected.append(
            (line, key, name, f"the id {key} is already on line {first_line} of this file")
        )

    # Environments ------------------------------------------------------------------------

    def _environments(self) -> dict:
        stored = {env.environment_id: env for env in Environment.objects.all()}
        from_file: dict[str, Environment] = {}
        for row in self.parsed.environments:
            env = from_file.get(row.environment_id) or stored.get(row.environment_id)
            if env is None:
                env = Environment(environment_id=row.environment_id)
            before = (env.name, env.environment_type, env.group_name, env.group_id)
            # A template row names the environment only: keep what a richer file told us.
            env.name = row.name or env.name
            env.environment_type = row.environment_type or env.environment_type
            env.group_name = row.group_name or env.group_name
            env.group_id = row.group_id or env.group_id
            if env.pk is None or before != (
                env.name,
                env.environment_type,
                env.group_name,
                env.group_id,
            ):
                from_file[row.environment_id] = env
        self.plan.environments = list(from_file.values())
        return mapping.environment_facts(
            {
                key: mapping.EnvironmentFacts(key, env.name, env.group_name)
                for key, env in from_file.items()
            }
        )

    # Solutions ---------------------------------------------------------------------------

    def _resources(self, env_facts: dict) -> None:
        plan = self.plan
        by_oid, by_name = self._user_maps()
        mapper = mapping.UnitMapper()
        unmapped_id = (
            BusinessUnit.objects.filter(slug=mapping.UNMAPPED_UNIT_SLUG)
            .values_list("pk", flat=True)
            .first()
        )
        existing = {
            row.resource_id: row
            for row in Solution.objects.exclude(resource_id="").values_list(
                "pk", *SOURCE_FIELDS, named=True
            )
        }
        # Solutions typed in by hand with the resource's id as their external id are adopted.
        adoptable = {
            key.strip().lower(): pk
            for key, pk in Solution.objects.filter(resource_id="")
            .exclude(external_id="")
            .values_list("external_id", "pk")
        }
        adopted_by_pk = (
            {
                row.pk: row
                for row in Solution.objects.filter(pk__in=adoptable.values()).values_list(
                    "pk", *SOURCE_FIELDS, named=True
                )
            }
            if adoptable
            else {}
        )
        adopted = {key: adopted_by_pk[pk] for key, pk in adoptable.items() if pk in adopted_by_pk}

        seen: dict[str, int] = {}
        for row in self.parsed.resources:
            if row.resource_id in seen:
                self._reject_duplicate(row.line, row.resource_id, row.name, seen[row.resource_id])
                continue
            seen[row.resource_id] = row.line
            owner = self._owner(row, by_oid, by_name)
            facts = env_facts.get(row.environment_id) or mapping.EnvironmentFacts(
                row.environment_id, "", ""
            )
            mapped_unit = mapper.unit_id_for(facts)
            current = existing.get(row.resource_id) or adopted.get(row.resource_id)
            target = self._target(row, facts, owner, current, mapped_unit, unmapped_id)
            if current is None:
                plan.new.append(target)
                continue
            diff = _diff(current, target)
            if diff:
                plan.changed.append((current.pk, target, diff))
            else:
                plan.unchanged += 1
        if self.is_full:
            self._retire(existing, seen)

    def _owner(self, row: ResourceRow, by_oid: dict, by_name: dict):
        """The owner's user id; a placeholder for a person to create; None for no owner."""
        if row.owner_object_id:
            if row.owner_object_id in by_oid:
                return by_oid[row.owner_object_id]
            if row.owner_upn and row.owner_upn.lower() in by_name:
                return by_name[row.owner_upn.lower()]
            if row.owner_object_id not in self.plan.new_makers:
                self.plan.new_makers[row.owner_object_id] = _maker_fields(
                    row.owner_object_id, "", row.owner_upn, "", tenant_id=row.tenant_id
                )
            return new_owner(row.owner_object_id)
        if row.owner_upn:
            return by_name.get(row.owner_upn.lower())
        return None

    def _target(self, row, facts, owner, current, mapped_unit, unmapped_id) -> dict:
        status = Solution.Status.LIVE
        if row.state == "deleted":
            status = Solution.Status.RETIRED
        elif row.state == "draft":
            status = Solution.Status.IN_DEVELOPMENT
        go_live_on = current.go_live_on if current else None
        retired_on = current.retired_on if current else None
        was_retired = current is not None and current.status == Solution.Status.RETIRED
        if was_retired and current.source_state not in RETIRED_BY_IMPORT:
            status = Solution.Status.RETIRED  # retired by the CoE: a sync does not revive it
        elif status == Solution.Status.RETIRED and not was_retired:
            retired_on = self.today
        elif status != Solution.Status.RETIRED:
            retired_on = None
        if go_live_on is None and status != Solution.Status.IN_DEVELOPMENT:
            first_seen = row.published_at or row.created_at
            go_live_on = first_seen.date() if first_seen else self.today
        if retired_on and go_live_on and retired_on < go_live_on:
            retired_on = go_live_on
        if current is None:
            unit = mapped_unit or unmapped_id or UNMAPPED
        elif current.business_unit_id == unmapped_id and mapped_unit:
            unit = mapped_unit  # a rule now maps what was unmapped
        else:
            unit = current.business_unit_id
        return {
            "resource_id": row.resource_id,
            "name": row.name,
            "kind": mapping.kind_for(row.resource_type),
            "resource_type": row.resource_type,
            "environment": (facts.name or row.environment_id)[:120],
            "environment_id": row.environment_id,
            "owner_id": owner if owner is not None else (current.owner_id if current else None),
            "source_created_at": row.created_at,
            "source_modified_at": row.modified_at,
            "published_at": row.published_at,
            "source_state": row.state,
            "status": status,
            "retired_on": retired_on,
            "go_live_on": go_live_on,
            "business_unit_id": unit,
        }

    def _retire(self, existing: dict, seen: dict) -> None:
        covered = self.parsed.covered_types
        for resource_id, current in existing.items():
            if resource_id in seen or current.resource_type not in covered:
                continue
            if current.status == Solution.Status.RETIRED:
                continue
            target = current._asdict()
            target.pop("pk")
            target["status"] = Solution.Status.RETIRED
            target["source_state"] = "missing"
            retired_on = self.today
            if current.go_live_on and current.go_live_on > retired_on:
                retired_on = current.go_live_on
            target["retired_on"] = retired_on
            self.plan.retired.append((current.pk, target, _diff(current, target)))

    # Usage -------------------------------------------------------------------------------

    def _usage(self) -> None:
        """Compare the staged usage rows with the stored ones, in SQL (inventory.staging)."""
        plan = self.plan
        if plan.usage_stage is None:
            plan.usage_stage = UsageStage()
        if self.parsed.usage:  # read without a sink: stage them now
            plan.usage_stage.add(self.parsed.usage)
            self.parsed.usage = []
        counts = plan.usage_stage.counts()
        plan.usage_count = counts["write"]
        plan.usage_unchanged = counts["unchanged"]
        plan.usage_rejected = counts["rejected"]


def _maker_fields(object_id: str, display_name: str, upn: str, email: str, tenant_id="") -> dict:
    first, _, last = display_name.partition(" ")
    address = email or (upn if "@" in upn else "")
    return {
        "username": f"entra-{object_id}"[:150],
        "entra_object_id": object_id[:36],
        "entra_tenant_id": tenant_id[:36],
        "first_name": first[:150],
        "last_name": last[:150],
        "email": address[:254],
    }


def _diff(current, target: dict) -> dict:
    """{field: [before, after]} for the fields whose value would change, as text."""
    changes = {}
    for name in SOURCE_FIELDS:
        before, after = getattr(current, name), target[name]
        if before != after:
            changes[name] = [_text(before), _text(after)]
    return changes


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
