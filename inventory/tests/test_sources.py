import codecs
import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command

from inventory.models import Environment, ImportRun
from inventory.sources import FileRejected, read_file
from inventory.sources.values import parse_datetime
from value.models import Solution, SolutionUsage

from .files import AGENT, FLOW, api_json, api_row, csv_bytes, resource, template_csv
from .helpers import import_file, preview


def _read(tmp_path, content: bytes):
    path = tmp_path / "file"
    path.write_bytes(content)
    return read_file(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-15T10:30:00Z", datetime(2026, 1, 15, 10, 30, tzinfo=UTC)),
        ("2026-01-15T10:30:00.1234567+01:00", datetime(2026, 1, 15, 9, 30, tzinfo=UTC)),
        ("2026-01-15 10:30", datetime(2026, 1, 15, 10, 30, tzinfo=UTC)),
        ("2026-01-15", datetime(2026, 1, 15, tzinfo=UTC)),
        ("1/15/2026 10:30 PM", datetime(2026, 1, 15, 22, 30, tzinfo=UTC)),
        ("15.01.2026 10:30", datetime(2026, 1, 15, 10, 30, tzinfo=UTC)),
        ("", None),
    ],
)
def test_dates_in_the_formats_exports_write(text, expected):
    assert parse_datetime(text) == expected


def test_slash_dates_are_day_first_when_the_setting_says_so(settings):
    settings.INVENTORY_DAY_FIRST = True
    assert parse_datetime("1/2/2026") == datetime(2026, 2, 1, tzinfo=UTC)


def test_inventory_api_response_saved_to_a_file(tmp_path):
    rows = [
        api_row("0D5E8F3A-6B1C", "Expense Report App", owner="AAAA"),
        api_row("5f2b", "Notify approvers", kind=FLOW, env="8c1d"),
        api_row("9a8b", "HR Helper", kind=AGENT, env="8c1d"),  # never published: a draft
        {
            "name": "8C1D",
            "type": "microsoft.powerplatform/environments",
            "properties": {"displayName": "Finance Prod", "environmentGroup": "Finance"},
        },
        {"name": "c1", "type": "microsoft.powerplatformconnector/connectors", "properties": {}},
        {"name": "x", "properties": {}},
    ]
    parsed = _read(tmp_path, api_json(rows, skipToken=""))
    assert parsed.file_format == "inventory_json"
    assert [(r.resource_id, r.name, r.state) for r in parsed.resources] == [
        ("0d5e8f3a-6b1c", "Expense Report App", ""),
        ("5f2b", "Notify approvers", ""),
        ("9a8b", "HR Helper", "draft"),
    ]
    assert parsed.resources[0].owner_object_id == "aaaa"
    assert [(e.environment_id, e.name, e.group_name) for e in parsed.environments] == [
        ("8c1d", "Finance Prod", "Finance")
    ]
    assert parsed.rejected == [(6, "x", "the row has no type")]


def test_environment_names_from_the_file_reach_the_solutions(tmp_path, unit):
    rows = [
        api_row("a1", "App", env="8c1d"),
        {
            "name": "8c1d",
            "type": "microsoft.powerplatform/environments",
            "properties": {"displayName": "Finance Prod"},
        },
    ]
    import_file(tmp_path, api_json(rows), name="inventory.json")
    assert Solution.objects.get().environment == "Finance Prod"
    assert Environment.objects.get().name == "Finance Prod"


@pytest.mark.parametrize(
    "header",
    [
        [
            "admin_appid",
            "admin_displayname",
            "admin_appenvironment",
            "admin_appowner",
            "admin_appcreatedon",
            "admin_appmodifiedon",
            "admin_appdeleted",
        ],
        [
            "App ID",
            "Display Name",
            "App Environment",
            "App Owner",
            "App Created On",
            "App Modified On",
            "App Deleted",
        ],
        [
            "admin_appid",
            "admin_displayname",
            "_admin_appenvironment_value",
            "_admin_appowner_value",
            "admin_appcreatedon",
            "admin_appmodifiedon",
            "admin_appdeleted",
        ],
    ],
)
def test_starter_kit_app_export_with_any_header_names(tmp_path, header):
    rows = [
        ["{A1}", "Expenses", "ENV-1", "OWNER-1", "6/1/2025 8:00 AM", "1/15/2026 10:30 AM", "No"],
        ["a2", "Old app", "env-1", "owner-1", "2025-06-01", "2025-07-01", "Yes"],
    ]
    parsed = _read(tmp_path, csv_bytes(header, rows))
    assert parsed.file_format == "admin_app"
    first, second = parsed.resources
    assert (first.resource_id, first.environment_id, first.owner_object_id) == (
        "a1",
        "env-1",
        "owner-1",
    )
    assert first.created_at == datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
    assert second.state == "deleted"


def test_starter_kit_flow_environment_and_maker_exports(tmp_path, maker):
    flows = _read(
        tmp_path,
        csv_bytes(
            [
                "admin_flowid",
                "admin_displayname",
                "admin_flowenvironment",
                "admin_derivedowner",
                "admin_flowstate",
            ],
            [["f1", "Notify", "e1", "o1", "Suspended"], ["f2", "Daily", "e1", "o1", "Started"]],
        ),
    )
    assert [(r.resource_type, r.state) for r in flows.resources] == [
        (FLOW, "suspended"),
        (FLOW, ""),
    ]
    envs = _read(
        tmp_path,
        csv_bytes(
            ["admin_environmentid", "admin_displayname", "admin_environmentsku"],
            [["E1", "Finance Prod", "Production"]],
        ),
    )
    assert (envs.file_format, envs.environments[0].name) == ("admin_environment", "Finance Prod")
    makers = csv_bytes(
        ["admin_makerid", "admin_displayname", "admin_userprincipalname"],
        [["O1", "Mia Maker", maker.email.upper()], ["O2", "New Person", "new@contoso.com"]],
    )
    import_file(tmp_path, makers)
    maker.refresh_from_db()
    assert maker.entra_object_id == "o1"  # linked by UPN, not duplicated
    newcomer = Solution.objects.none().model.owner.field.related_model.objects.get(
        entra_object_id="o2"
    )
    assert (newcomer.email, newcomer.first_name, newcomer.is_active) == (
        "new@contoso.com",
        "New",
        False,
    )


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("utf-16", "\t"), ("utf-16-le", ";")],
)
def test_encodings_and_separators_excel_writes(tmp_path, encoding, delimiter):
    content = template_csv([resource("r1", "Café Ünïcode")], encoding=encoding, delimiter=delimiter)
    if encoding == "utf-16":
        assert content.startswith(codecs.BOM_UTF16_LE)
    parsed = _read(tmp_path, content)
    assert [r.name for r in parsed.resources] == ["Café Ünïcode"]


def test_a_file_in_another_encoding_is_refused_with_the_reason(tmp_path):
    content = template_csv([resource("r1", "Café")], encoding="cp1252")
    with pytest.raises(FileRejected, match="not UTF-8 or UTF-16"):
        _read(tmp_path, content)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"name,colour\nx,y\n", "match no format"),
        (b'{"data": [', "not valid JSON"),
        (b"<html><body>Sign in</body></html>", "HTML or XML"),
        (b"", "empty"),
        (b"resource_id,name\nr1,x\n", "no column for: type"),
    ],
)
def test_files_we_cannot_read_say_why(tmp_path, content, reason):
    with pytest.raises(FileRejected, match=reason):
        _read(tmp_path, content)


def test_archives_are_refused_without_being_opened(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inventory.csv", b"0" * 10_000_000)  # 10 MB of zeros, ~10 KB zipped
    with pytest.raises(FileRejected, match="archive or an Excel workbook"):
        _read(tmp_path, buffer.getvalue())


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, settings, db):
    settings.INVENTORY_MAX_FILE_BYTES = 1000
    with pytest.raises(FileRejected, match="larger than the limit"):
        preview(tmp_path, template_csv([resource(f"r{i}", "App") for i in range(40)]))
    assert not ImportRun.objects.exists()


def test_usage_template_is_stored_per_solution_and_month(tmp_path, unit):
    import_file(tmp_path, template_csv([resource("r1", "App"), resource("f1", "Flow", kind=FLOW)]))
    usage = csv_bytes(
        ["resource_id", "month", "runs", "launches", "active_users"],
        [
            ["r1", "2026-01", "", "120", "14"],
            ["f1", "2026-01-31", "1,250", "", ""],
            ["f1", "2026-02", "900", "0", "0"],
        ],
    )
    run = import_file(tmp_path, usage, name="usage.csv", is_full=False)
    assert (run.usage_count, run.rows_written) == (3, 3)
    rows = set(
        SolutionUsage.objects.values_list(
            "solution__resource_id", "month", "runs", "launches", "active_users"
        )
    )
    assert rows == {
        ("r1", date(2026, 1, 1), 0, 120, 14),
        ("f1", date(2026, 1, 1), 1250, 0, 0),
        ("f1", date(2026, 2, 1), 900, 0, 0),
    }
    again = import_file(tmp_path, usage, name="usage2.csv", is_full=False)
    assert (again.usage_count, again.rows_written) == (0, 0)


def test_usage_for_unknown_resources_and_twice_the_same_month_is_rejected(tmp_path, unit):
    import_file(tmp_path, template_csv([resource("f1", "Flow", kind=FLOW)]))
    usage = csv_bytes(
        ["resource_id", "month", "runs"],
        [
            ["f1", "2026-01", "10"],
            ["zz", "2026-01", "5"],
            ["f1", "2026-01-15", "3"],
            ["f1", "2026-02", "-4"],
        ],
    )
    run = preview(tmp_path, usage, name="usage.csv")
    assert list(run.changes.values_list("line", "reason")) == [
        (5, "runs is negative"),
        (3, "no solution has this resource id"),
        (4, "2026-01 of f1 is already on line 2"),
    ]


def test_audit_log_launches_are_summed_per_app_and_month(tmp_path):
    parsed = _read(
        tmp_path,
        csv_bytes(
            ["admin_appid", "admin_operation", "admin_userupn", "admin_creationtime"],
            [
                ["a1", "LaunchPowerApp", "x@c.com", "2026-01-03T10:00:00Z"],
                ["a1", "LaunchPowerApp", "X@c.com", "2026-01-09T10:00:00Z"],
                ["a1", "LaunchPowerApp", "y@c.com", "2026-02-01T10:00:00Z"],
                ["a1", "DeletePowerApp", "y@c.com", "2026-02-02T10:00:00Z"],
            ],
        ),
    )
    assert [(u.resource_id, u.month, u.launches, u.active_users) for u in parsed.usage] == [
        ("a1", date(2026, 1, 1), 2, 1),
        ("a1", date(2026, 2, 1), 1, 1),
    ]


def test_command_dry_run_writes_nothing_then_imports(tmp_path, unit, capsys):
    path = tmp_path / "inventory.csv"
    path.write_bytes(template_csv([resource("r1", "App"), resource("r2", "Other")]))
    call_command("import_inventory", str(path), "--dry-run")
    assert "new 2" in capsys.readouterr().out
    assert not Solution.objects.exists()
    call_command("import_inventory", str(path))
    assert Solution.objects.count() == 2


def test_command_reports_rejected_rows(tmp_path, unit):
    path = tmp_path / "bad.csv"
    path.write_bytes(template_csv([resource("r1", "")]))
    with pytest.raises(CommandError, match="1 rows are rejected"):
        call_command("import_inventory", str(path))
