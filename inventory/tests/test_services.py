from decimal import Decimal

import pytest

from accounts.models import AuditEvent, User
from accounts.policy import Role
from accounts.tests.factories import BusinessUnitFactory, UserFactory
from inventory.models import ImportRun, MappingRule
from inventory.services import RunBusy, RunStateError, run_confirm
from value.models import Solution, UnitMonthCost
from value.tests.factories import SolutionFactory

from .files import AGENT, FLOW, resource, template_csv
from .helpers import import_file, preview

MAKER_OID = "aaaa0000-bb11-2222-33cc-444444dddddd"
UNKNOWN_OID = "bbbb1111-cc22-3333-44dd-555555eeeeee"

FILE_A = template_csv(
    [
        resource("r3", "Old name"),
        resource("r4", "Stable"),
        resource("r5", "Gone app"),
        resource("r6", "Gone flow", kind=FLOW),
        resource("r7", "Bot", kind=AGENT, published="2026-01-20T11:00:00Z"),
    ]
)
FILE_B = template_csv(
    [
        resource("r1", "Expense App", owner=MAKER_OID),
        resource("r2", "Notify approvers", kind=FLOW, env="env-x", owner=UNKNOWN_OID),
        resource("r3", "New name"),
        resource("r4", "Stable"),
    ]
)


@pytest.fixture
def finance_rule(unit):
    return MappingRule.objects.create(
        match_on=MappingRule.MatchOn.ENVIRONMENT_ID, value="env-fin", business_unit=unit
    )


@pytest.fixture
def maker_with_oid(maker):
    maker.entra_object_id = MAKER_OID
    maker.save()
    return maker


def test_first_import_creates_solutions_in_the_mapped_unit(tmp_path, finance_rule, coe_lead):
    run = import_file(tmp_path, FILE_A, actor=coe_lead)
    assert (run.status, run.new_count, run.rows_written) == ("done", 5, 5)
    app = Solution.objects.get(resource_id="r3")
    assert (app.name, app.kind, app.business_unit, app.status) == (
        "Old name",
        Solution.Kind.CANVAS_APP,
        finance_rule.business_unit,
        Solution.Status.LIVE,
    )
    assert app.go_live_on.isoformat() == "2025-06-01"  # created, as nothing was published
    bot = Solution.objects.get(resource_id="r7")
    assert (bot.kind, bot.go_live_on.isoformat()) == (Solution.Kind.COPILOT_AGENT, "2026-01-20")


def test_preview_gives_the_hand_computed_diff_and_writes_nothing(
    tmp_path, finance_rule, maker_with_oid, coe_lead
):
    import_file(tmp_path, FILE_A, actor=coe_lead)
    before = list(Solution.objects.order_by("pk").values_list("name", "status"))
    run = preview(tmp_path, FILE_B, name="b.csv", actor=coe_lead)
    assert run.status == ImportRun.Status.PREVIEWED
    # r1, r2 new; r3 renamed; r4 the same; r5 (canvas) and r6 (flow) left out of a full import
    # that covers canvas apps and flows: retired; r7 is an agent, which this file says nothing of.
    counts = (run.new_count, run.changed_count, run.unchanged_count, run.retired_count)
    assert counts == (2, 1, 1, 2)
    changes = {c.resource_id: (c.action, c.fields) for c in run.changes.all()}
    assert changes["r3"] == ("changed", {"name": ["Old name", "New name"]})
    assert changes["r1"][0] == changes["r2"][0] == "new"
    assert changes["r5"][0] == changes["r6"][0] == "retired"
    assert changes["r5"][1]["status"] == ["live", "retired"]
    assert "r7" not in changes and "r4" not in changes
    assert list(Solution.objects.order_by("pk").values_list("name", "status")) == before
    assert not User.objects.filter(entra_object_id=UNKNOWN_OID).exists()


def test_commit_keeps_hand_entered_fields_and_retires_without_deleting(
    tmp_path, finance_rule, maker_with_oid, coe_lead
):
    import_file(tmp_path, FILE_A, actor=coe_lead)
    Solution.objects.filter(resource_id="r3").update(
        description="Written by the CoE", projected_monthly_value=Decimal("500.00")
    )
    run = import_file(tmp_path, FILE_B, name="b.csv", actor=coe_lead)
    assert run.status == ImportRun.Status.DONE
    renamed = Solution.objects.get(resource_id="r3")
    assert (renamed.name, renamed.description, renamed.projected_monthly_value) == (
        "New name",
        "Written by the CoE",
        Decimal("500.00"),
    )
    gone = Solution.objects.get(resource_id="r5")
    assert (gone.status, gone.source_state) == (Solution.Status.RETIRED, "missing")
    assert gone.retired_on is not None
    assert Solution.objects.get(resource_id="r7").status == Solution.Status.LIVE
    assert Solution.objects.count() == 7
    assert Solution.objects.get(resource_id="r1").owner == maker_with_oid
    # The unknown owner is created, inactive, as a maker with that object id; the flow from an
    # environment no rule maps waits in the "unmapped" unit.
    newcomer = User.objects.get(entra_object_id=UNKNOWN_OID)
    assert not newcomer.is_active and not newcomer.has_usable_password()
    assert newcomer.groups.filter(name="Maker").exists()
    flow = Solution.objects.get(resource_id="r2")
    assert (flow.owner, flow.business_unit.slug) == (newcomer, "inventory-unmapped")
    # One audit row for the write, naming the run; the run's diff is the per-solution record.
    event = AuditEvent.objects.get(verb="solutions_synced", target_id=str(run.pk))
    assert event.detail == {"created": 2, "changed": 3, "usage": 0}
    assert run.changes.filter(action="retired").count() == 2


def test_reimport_of_the_same_file_writes_nothing(tmp_path, finance_rule, maker_with_oid):
    import_file(tmp_path, FILE_B)
    users = User.objects.count()
    again = import_file(tmp_path, FILE_B, name="again.csv")
    assert (again.new_count, again.changed_count, again.retired_count) == (0, 0, 0)
    assert (again.unchanged_count, again.rows_written) == (4, 0)
    assert User.objects.count() == users
    assert again.changes.count() == 0


def test_retired_resource_that_returns_comes_back_live(tmp_path, finance_rule):
    import_file(tmp_path, FILE_A)
    import_file(tmp_path, template_csv([resource("r4", "Stable")]), name="only.csv")
    assert Solution.objects.get(resource_id="r3").status == Solution.Status.RETIRED
    run = import_file(tmp_path, FILE_A, name="back.csv")
    # only.csv covers canvas apps only: r3 and r5 were retired, r6 (flow) and r7 (agent) not.
    assert run.changed_count == 2
    back = Solution.objects.get(resource_id="r3")
    assert (back.status, back.retired_on, back.source_state) == (Solution.Status.LIVE, None, "")


def test_solution_retired_by_the_coe_stays_retired(tmp_path, finance_rule):
    import_file(tmp_path, FILE_A)
    Solution.objects.filter(resource_id="r4").update(status=Solution.Status.RETIRED)
    run = import_file(tmp_path, FILE_A, name="again.csv")
    assert run.changed_count == 0
    assert Solution.objects.get(resource_id="r4").status == Solution.Status.RETIRED


def test_partial_import_retires_nothing(tmp_path, finance_rule):
    import_file(tmp_path, FILE_A)
    run = import_file(tmp_path, template_csv([resource("r4", "Stable")]), is_full=False)
    assert run.retired_count == 0
    assert not Solution.objects.filter(status=Solution.Status.RETIRED).exists()


def test_hand_entered_solution_with_the_resource_id_is_adopted(tmp_path, unit):
    typed = SolutionFactory(name="Expenses", external_id="R1", business_unit=unit)
    run = import_file(tmp_path, template_csv([resource("r1", "Expense App")]))
    assert (run.new_count, run.changed_count) == (0, 1)
    typed.refresh_from_db()
    assert (typed.resource_id, typed.name, typed.business_unit) == ("r1", "Expense App", unit)


def test_commit_refreshes_the_value_rollup(tmp_path, finance_rule, unit):
    import_file(tmp_path, FILE_A)
    # Four went live when created (2025-06), the agent when published (2026-01).
    live = dict(
        UnitMonthCost.objects.filter(business_unit=unit).values_list("month", "live_change")
    )
    assert {month.isoformat(): count for month, count in live.items()} == {
        "2025-06-01": 4,
        "2026-01-01": 1,
    }


def test_rejected_rows_block_the_whole_file(tmp_path, finance_rule):
    content = template_csv(
        [
            resource("r1", "Fine"),
            resource("r2", "", created="2025-06-01"),
            resource("r3", "Bad date", created="31/31/2025"),
            resource("r1", "Twice"),
        ]
    )
    run = preview(tmp_path, content)
    assert run.status == ImportRun.Status.REJECTED
    rejected = list(run.changes.filter(action="rejected").values_list("line", "reason"))
    assert rejected == [
        (3, "the name is empty"),
        (4, "created: date “31/31/2025” does not exist"),
        (5, "the id r1 is already on line 2 of this file"),
    ]
    with pytest.raises(RunStateError):
        run_confirm(run=run, actor=None, enqueue=False)
    assert not Solution.objects.exists()


def test_second_run_is_told_while_one_is_working(tmp_path, finance_rule):
    first = preview(tmp_path, FILE_A)
    run_confirm(run=first, actor=None, enqueue=False)  # committing: holds the lock
    second = preview(tmp_path, FILE_B, name="b.csv")
    assert second.status == ImportRun.Status.FAILED
    assert "Another import is running" in second.error
    third = preview(tmp_path, FILE_A, name="c.csv")
    ImportRun.objects.filter(pk=third.pk).update(status=ImportRun.Status.PREVIEWED)
    third.refresh_from_db()
    with pytest.raises(RunBusy):
        run_confirm(run=third, actor=None, enqueue=False)


def test_unknown_owner_is_matched_by_upn_before_creating_anyone(tmp_path, unit):
    person = UserFactory(username="jane", email="jane@contoso.com", role=Role.MAKER)
    row = resource("r1", "App", owner=UNKNOWN_OID, owner_upn="Jane@Contoso.com")
    import_file(tmp_path, template_csv([row]))
    assert Solution.objects.get(resource_id="r1").owner == person


def test_kinds_follow_the_resource_type_and_settings_override(tmp_path, settings, unit):
    settings.INVENTORY_KIND_MAP = {"microsoft.powerapps/codeapps": Solution.Kind.OTHER}
    rows = [
        resource("a", "Code", kind="microsoft.powerapps/codeapps"),
        resource("b", "Model", kind="microsoft.powerapps/modeldrivenapps"),
        resource("c", "Site", kind="microsoft.powerpages/sites"),
        resource("d", "New thing", kind="microsoft.example/things"),
    ]
    import_file(tmp_path, template_csv(rows))
    kinds = dict(Solution.objects.values_list("resource_id", "kind"))
    assert kinds == {"a": "other", "b": "model_driven_app", "c": "power_pages_site", "d": "other"}


def test_business_unit_stays_once_mapped_but_unmapped_ones_follow_new_rules(tmp_path, unit):
    import_file(tmp_path, template_csv([resource("r1", "App", env="env-x")]))
    assert Solution.objects.get().business_unit.slug == "inventory-unmapped"
    MappingRule.objects.create(
        match_on=MappingRule.MatchOn.NAME_PATTERN, value="env-*", business_unit=unit
    )
    run = import_file(tmp_path, template_csv([resource("r1", "App", env="env-x")]), name="2.csv")
    assert run.changed_count == 1
    assert Solution.objects.get().business_unit == unit
    other = BusinessUnitFactory(slug="other")
    Solution.objects.update(business_unit=other)  # the CoE moved it by hand
    import_file(tmp_path, template_csv([resource("r1", "App", env="env-x")]), name="3.csv")
    assert Solution.objects.get().business_unit == other


def test_sweep_frees_the_lock_of_a_lost_preview_and_republishes_waiting_runs(
    tmp_path, finance_rule
):
    from datetime import timedelta

    from django.utils import timezone

    from inventory.tasks import runs_sweep_task

    lost = preview(tmp_path, FILE_A)
    long_ago = timezone.now() - timedelta(hours=3)
    ImportRun.objects.filter(pk=lost.pk).update(
        status="previewing", lock="busy", started_at=long_ago
    )
    waiting = preview(tmp_path, FILE_B, name="b.csv")
    ImportRun.objects.filter(pk=waiting.pk).update(status="pending", created_at=long_ago)
    assert runs_sweep_task() == 1  # the waiting run's preview published again
    lost.refresh_from_db()
    assert (lost.status, lost.lock) == ("failed", "")
    assert ImportRun.objects.get(pk=waiting.pk).status == "pending"  # for the worker to take
