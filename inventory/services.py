"""Import runs: start one from a file, preview its diff, confirm it, commit it.

A run is previewed first (parse, plan, store the diff as ImportChange rows) and committed only
after a CoE lead confirms it; the commit parses and plans again, so it applies the inventory's
state at that moment, all or nothing, in one transaction. Only one run previews or commits at a
time: the run claims the `lock` value, which a unique constraint lets only one row hold."""

import logging
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import ROLE_GROUPS, Role
from accounts.services import audit_record
from config.errors import StateConflict
from config.jobs import enqueue_on_commit
from value.models import Solution
from value.services import solutions_inventory_write

from . import mapping
from .models import Environment, ImportChange, ImportRun, MappingRule
from .plan import SOURCE_FIELDS, UNMAPPED, Plan, Planner, new_owner
from .progress import Counter, progress_set
from .sources import FileRejected, read_file
from .sources.reading import max_bytes
from .staging import UsageStage, copy_rows
from .welcome import welcome_queue

logger = logging.getLogger(__name__)
BUSY = "busy"


class RunBusy(StateConflict):
    """Another import is previewing or committing; this one was not started."""


class RunStateError(StateConflict):
    """The run is not in a state that allows the action (e.g. confirming a rejected run)."""


def file_dir() -> Path:
    return Path(getattr(settings, "INVENTORY_FILE_DIR", settings.VAR_DIR / "inventory"))


def _store(run: ImportRun, source) -> None:
    """Copy the uploaded or named file into our own folder, under a random name, refusing it
    once it passes the size limit (before reading it any further)."""
    folder = file_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{run.uuid}.dat"
    limit = max_bytes()
    written = 0
    with open(target, "wb") as out:
        chunks = (
            source.chunks()
            if hasattr(source, "chunks")
            else iter(lambda: source.read(1 << 20), b"")
        )
        for chunk in chunks:
            written += len(chunk)
            if written > limit:
                out.close()
                target.unlink()
                raise FileRejected(
                    f"The file is larger than the limit of {limit / 1048576:.0f} MB."
                )
            out.write(chunk)
    run.file_path = str(target)


@transaction.atomic
def run_start(
    *, file, file_name: str, source: str, is_full: bool, actor: User | None, enqueue: bool = True
) -> ImportRun:
    """Record a new run for an uploaded (or opened) file and publish its preview task after
    commit. Raises FileRejected when the file is over the size limit."""
    run = ImportRun(
        source=source,
        file_name=os.path.basename(file_name)[:255],
        is_full=is_full,
        created_by=actor,
    )
    _store(run, file)
    run.save()
    audit_record(actor=actor, verb="inventory_run_started", target=run, file=run.file_name)
    if enqueue:
        from .tasks import run_preview_task

        enqueue_on_commit(run_preview_task, run.pk)
    return run


def _claim(run_id: int, from_status: str, to_status: str, **extra) -> bool:
    """Move a run from one status to the next and take the lock. False when the run is no
    longer in `from_status` (a duplicate task); RunBusy when another run holds the lock."""
    try:
        with transaction.atomic():
            claimed = ImportRun.objects.filter(pk=run_id, status=from_status).update(
                status=to_status, lock=BUSY, **extra
            )
    except IntegrityError:
        holder = ImportRun.objects.filter(lock=BUSY).exclude(pk=run_id).first()
        raise RunBusy(
            f"Another import is running ({holder}); start this one again when it has finished."
            if holder
            else "Another import is running; start this one again when it has finished."
        ) from None
    return claimed == 1


def _finish(run_id: int, status: str, **fields) -> None:
    ImportRun.objects.filter(pk=run_id).update(
        status=status, lock="", finished_at=timezone.now(), **fields
    )


def run_preview(*, run_id: int) -> ImportRun:
    """Parse the run's file and store its diff; the run ends PREVIEWED (ready to confirm) or
    REJECTED (the file or some rows are bad: it can never be committed). Another run working
    at the same time makes this one FAILED with the reason. Safe to call twice."""
    try:
        claimed = _claim(
            run_id, ImportRun.Status.PENDING, ImportRun.Status.PREVIEWING, started_at=timezone.now()
        )
    except RunBusy as exc:
        _fail_unclaimed(run_id, str(exc))
        return ImportRun.objects.get(pk=run_id)
    if not claimed:
        return ImportRun.objects.get(pk=run_id)
    return _preview(run_id)


def _preview(run_id: int) -> ImportRun:
    """The preview of a run this process has claimed (status PREVIEWING, holding the lock)."""
    run = ImportRun.objects.get(pk=run_id)
    stage = None
    try:
        progress_set(run.pk, phase="reading", done=0, total=0)
        stage = UsageStage()
        parsed = read_file(run.file_path, usage_sink=_staging_sink(run.pk, stage))
        file_format = parsed.file_format
        progress_set(run.pk, phase="comparing", done=0, total=parsed.rows_read)
        plan = Planner(
            parsed, is_full=run.is_full, today=timezone.localdate(), usage_stage=stage
        ).build()
        del parsed  # the rows read are not needed any more: free them before writing
        with transaction.atomic():
            _store_changes(run, plan)
            ImportRun.objects.filter(pk=run.pk).update(
                file_format=file_format,
                previewed_at=timezone.now(),
                rows_total=plan.rows_total,
                rows_done=plan.rows_total,
                **_counts(plan),
            )
        status = ImportRun.Status.REJECTED if plan.is_blocked else ImportRun.Status.PREVIEWED
        error = (
            f"{plan.rejected_count} rows are rejected; nothing can be imported from this file."
            if plan.is_blocked
            else ""
        )
        ImportRun.objects.filter(pk=run.pk).update(status=status, lock="", error=error)
    except FileRejected as exc:
        _finish(run.pk, ImportRun.Status.REJECTED, error=str(exc))
    except Exception as exc:
        logger.exception("Preview of import run %s failed", run.pk)
        _finish(run.pk, ImportRun.Status.FAILED, error=f"Unexpected error: {type(exc).__name__}")
        raise
    finally:
        if stage is not None:
            stage.drop()
    return ImportRun.objects.get(pk=run.pk)


def _staging_sink(run_id: int, stage: UsageStage):
    """Stage each chunk of usage rows read, and publish how many have been read."""

    def sink(rows) -> None:
        stage.add(rows)
        progress_set(run_id, phase="reading", done=stage.rows, total=0)

    return sink


@transaction.atomic
def sync_create(*, actor: User | None) -> ImportRun:
    """Record a sync run ("Sync now" or the nightly job) and publish its task after commit."""
    run = ImportRun.objects.create(
        source=ImportRun.Source.SYNC, file_name="inventory API", is_full=True, created_by=actor
    )
    audit_record(actor=actor, verb="inventory_sync_started", target=run)
    from .tasks import run_sync_task

    enqueue_on_commit(run_sync_task, run.pk)
    return run


def run_sync(*, run_id: int) -> ImportRun:
    """Fetch every page from the inventory API into the run's file, then preview it like an
    upload. Another run working makes this one FAILED ("told"); a token or API problem FAILED
    with the reason, and nothing is written to the inventory. Safe to call twice."""
    from . import sync, tokens

    try:
        claimed = _claim(
            run_id, ImportRun.Status.PENDING, ImportRun.Status.PREVIEWING, started_at=timezone.now()
        )
    except RunBusy as exc:
        _fail_unclaimed(run_id, str(exc))
        return ImportRun.objects.get(pk=run_id)
    if not claimed:
        return ImportRun.objects.get(pk=run_id)
    run = ImportRun.objects.get(pk=run_id)

    def token(fresh: bool) -> str:
        return tokens.access_token()

    def on_page(pages: int, rows: int, total) -> None:
        progress_set(run_id, phase="fetching", done=rows, total=total or rows)

    try:
        pages = sync.fetch_pages(token, on_page=on_page)
        folder = file_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{run.uuid}.json"
        sync.write_pages(pages, path)
        ImportRun.objects.filter(pk=run_id).update(file_path=str(path))
    except (sync.SyncError, tokens.TokenError) as exc:
        _finish(run_id, ImportRun.Status.FAILED, error=str(exc))
        return ImportRun.objects.get(pk=run_id)
    run = _preview(run_id)
    if run.status == ImportRun.Status.PREVIEWED and settings.INVENTORY_SYNC_AUTO_CONFIRM:
        run_confirm(run=run, actor=None, enqueue=False)
        run = run_commit(run_id=run_id)
    return run


def _fail_unclaimed(run_id: int, reason: str) -> None:
    ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.PENDING).update(
        status=ImportRun.Status.FAILED, error=reason, finished_at=timezone.now()
    )


def _counts(plan: Plan) -> dict:
    return {
        "new_count": len(plan.new),
        "changed_count": len(plan.changed),
        "retired_count": len(plan.retired),
        "rejected_count": plan.rejected_count,
        "unchanged_count": plan.unchanged,
        "usage_count": plan.usage_count,
    }


def _store_changes(run: ImportRun, plan: Plan) -> None:
    """Replace the run's diff rows with this plan's: streamed in with COPY, then the rejected
    usage lines straight from the staged rows."""
    ImportChange.objects.filter(run=run).delete()
    Action = ImportChange.Action

    def rows():
        for target in plan.new:
            yield (run.pk, Action.NEW, None, target["resource_id"], target["name"], "", {})
        for _pk, target, diff in plan.changed:
            yield (run.pk, Action.CHANGED, None, target["resource_id"], target["name"], "", diff)
        for _pk, target, diff in plan.retired:
            yield (run.pk, Action.RETIRED, None, target["resource_id"], target["name"], "", diff)
        for line, resource_id, name, reason in plan.rejected:
            yield (
                run.pk,
                Action.REJECTED,
                line or None,
                resource_id[:100],
                name[:200],
                reason[:500],
                {},
            )

    copy_rows(
        ImportChange._meta.db_table,
        ["run_id", "action", "line", "resource_id", "name", "reason", "fields"],
        rows(),
    )
    if plan.usage_rejected and plan.usage_stage is not None:
        plan.usage_stage.store_rejections(run.pk)


def run_confirm(*, run: ImportRun, actor: User, enqueue: bool = True) -> ImportRun:
    """A CoE lead confirms a previewed run: it moves to COMMITTING (taking the lock) and its
    commit task is published after commit. Raises RunStateError unless the run is PREVIEWED,
    RunBusy when another run is working."""
    if run.status != ImportRun.Status.PREVIEWED:
        raise RunStateError(_("Only a previewed run without rejected rows can be imported."))
    with transaction.atomic():
        if not _claim(
            run.pk, ImportRun.Status.PREVIEWED, ImportRun.Status.COMMITTING, confirmed_by=actor
        ):
            raise RunStateError(_("This run has already been confirmed."))
        audit_record(actor=actor, verb="inventory_run_confirmed", target=run)
        if enqueue:
            from .tasks import run_commit_task

            enqueue_on_commit(run_commit_task, run.pk)
    run.refresh_from_db()
    return run


def run_cancel(*, run: ImportRun, actor: User) -> ImportRun:
    """Drop a previewed (or rejected) run that nobody will confirm."""
    updated = ImportRun.objects.filter(
        pk=run.pk, status__in=[ImportRun.Status.PREVIEWED, ImportRun.Status.REJECTED]
    ).update(status=ImportRun.Status.CANCELLED, finished_at=timezone.now())
    if updated != 1:
        raise RunStateError(_("Only a run waiting for confirmation can be cancelled."))
    audit_record(actor=actor, verb="inventory_run_cancelled", target=run)
    run.refresh_from_db()
    return run


def run_commit(*, run_id: int) -> ImportRun:
    """Apply a confirmed run: parse and plan again, then create people, environments,
    solutions and usage in one transaction, store the final diff and end DONE. A file that has
    become bad ends REJECTED, an error FAILED; either way nothing is written. Safe to run twice:
    a run no longer COMMITTING is left alone."""
    try:
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().get(pk=run_id)
            if run.status != ImportRun.Status.COMMITTING:
                return run
            started = timezone.now()
            progress_set(run.pk, phase="reading", done=0, total=run.rows_total)
            stage = UsageStage()
            parsed = read_file(run.file_path, usage_sink=_staging_sink(run.pk, stage))
            plan = Planner(
                parsed, is_full=run.is_full, today=timezone.localdate(), usage_stage=stage
            ).build()
            del parsed
            if plan.is_blocked:
                raise FileRejected(
                    f"{plan.rejected_count} rows are rejected now; nothing was imported."
                )
            written = apply_plan(run, plan)
            _store_changes(run, plan)
            stage.drop()
            welcome_queue(user_ids=_first_seen_makers(plan), run=run)
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportRun.Status.DONE,
                lock="",
                started_at=started,
                finished_at=timezone.now(),
                rows_written=written,
                rows_total=plan.rows_total,
                rows_done=plan.rows_total,
                error="",
                **_counts(plan),
            )
    except FileRejected as exc:
        _finish(run_id, ImportRun.Status.REJECTED, error=str(exc))
    except Exception as exc:
        logger.exception("Commit of import run %s failed", run_id)
        _finish(run_id, ImportRun.Status.FAILED, error=f"Unexpected error: {type(exc).__name__}")
        raise
    return ImportRun.objects.get(pk=run_id)


def apply_plan(run: ImportRun, plan: Plan) -> int:
    """Write a plan (inside the caller's transaction); returns the rows written."""
    total = len(plan.new) + len(plan.changed) + len(plan.retired) + plan.usage_count
    counter = Counter(run.pk, "importing", total)
    written = _people(plan)
    if plan.environments:
        Environment.objects.bulk_create(
            plan.environments,
            update_conflicts=True,
            unique_fields=["environment_id"],
            update_fields=["name", "environment_type", "group_name", "group_id"],
        )
        written += len(plan.environments)
    owners = (
        dict(
            User.objects.filter(entra_object_id__in=list(plan.new_makers)).values_list(
                "entra_object_id", "pk"
            )
        )
        if plan.new_makers
        else {}
    )
    unmapped_id = None
    if any(t["business_unit_id"] == UNMAPPED for t in plan.new):
        unmapped_id = mapping.unmapped_unit().pk
    placeholder = new_owner("")

    def resolved(target: dict) -> dict:
        """The target's values with the placeholders of this commit replaced by real ids."""
        owner, unit = target["owner_id"], target["business_unit_id"]
        if isinstance(owner, str) or unit == UNMAPPED:
            target = dict(target)
            if isinstance(owner, str):
                target["owner_id"] = owners[owner.removeprefix(placeholder)]
            if unit == UNMAPPED:
                target["business_unit_id"] = unmapped_id
        return target

    updates = [(pk, resolved(t)) for pk, t, _diff in plan.changed + plan.retired]
    units_before = (
        set(
            Solution.objects.filter(pk__in=[pk for pk, _t in updates]).values_list(
                "business_unit_id", flat=True
            )
        )
        if updates
        else set()
    )
    stage = plan.usage_stage if plan.usage_count else None
    written += solutions_inventory_write(
        create=[resolved(t) for t in plan.new],
        update=updates,
        fields=SOURCE_FIELDS,
        usage_count=plan.usage_count,
        write_usage=stage.write if stage is not None else None,
        units_before=units_before,
        actor=run.confirmed_by or run.created_by,
        audit_target=run,
        progress=counter,
    )
    return written


def _first_seen_makers(plan: Plan) -> set[int]:
    """People this run saw for the first time: those it created or linked, and the owners of
    the solutions it added (welcome_queue skips whoever was welcomed before)."""
    object_ids = list(plan.new_makers) + [oid for _pk, oid in plan.linked_makers]
    people = set(User.objects.filter(entra_object_id__in=object_ids).values_list("pk", flat=True))
    people |= {t["owner_id"] for t in plan.new if isinstance(t["owner_id"], int)}
    return people


def _people(plan: Plan) -> int:
    """Link makers to their Entra object id, and create the people nobody knows yet: inactive
    (they cannot sign in until Entra sign-in or an admin activates them), in the Maker role."""
    for pk, object_id in plan.linked_makers:
        User.objects.filter(pk=pk, entra_object_id="").update(entra_object_id=object_id)
    if not plan.new_makers:
        return len(plan.linked_makers)
    users = []
    for fields in plan.new_makers.values():
        user = User(is_active=False, **fields)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=1000)
    created = User.objects.filter(entra_object_id__in=list(plan.new_makers)).values_list(
        "pk", flat=True
    )
    group, _ = Group.objects.get_or_create(name=ROLE_GROUPS[Role.MAKER])
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=pk, group_id=group.pk) for pk in created],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(plan.linked_makers) + len(users)


def run_delete_file(run: ImportRun) -> None:
    """Forget a finished run's stored file (the diff rows stay)."""
    if run.file_path and os.path.exists(run.file_path):
        os.remove(run.file_path)


@transaction.atomic
def mapping_rule_save(*, rule: MappingRule, unit, actor: User) -> MappingRule:
    """Add or change an environment → business unit rule; records an audit row. Solutions
    waiting in the "unmapped" unit move at the next import."""
    rule.business_unit = unit
    rule.full_clean()
    rule.save()
    audit_record(actor=actor, verb="mapping_rule_saved", target=rule, rule=str(rule))
    return rule


@transaction.atomic
def mapping_rule_delete(*, rule: MappingRule, actor: User) -> None:
    audit_record(actor=actor, verb="mapping_rule_deleted", target=rule, rule=str(rule))
    rule.delete()


def welcome_message_save(*, form, actor: User):
    """Save the CoE's welcome text; records an audit row."""
    message = form.save()
    audit_record(actor=actor, verb="welcome_message_saved", target=message)
    return message
