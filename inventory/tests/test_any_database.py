"""The import on whatever database the suite runs on: PostgreSQL takes inventory.staging's COPY
path, SQLite (the embedded set-up) its portable one. Both must give the same, hand-computed
results: counts, rejected lines with their numbers, hand-entered fields kept, re-imports idle."""

from datetime import date
from decimal import Decimal

from django.db import connection

from inventory.models import ImportRun
from inventory.staging import copy_lines, copy_rows, temp_table_like
from value.models import Solution, SolutionUsage

from .files import FLOW, csv_bytes, resource, template_csv
from .helpers import import_file, preview

USAGE_HEADER = ["resource_id", "month", "runs", "launches", "active_users"]


def test_preview_and_commit_of_solutions_and_usage(tmp_path, unit):
    solutions = template_csv([resource("a1", "Expenses\tApp"), resource("f1", "Notify", kind=FLOW)])
    first = preview(tmp_path, solutions, name="s1.csv", is_full=False)
    assert (first.status, first.new_count, first.changed_count) == ("previewed", 2, 0)
    assert not Solution.objects.exists()  # a preview writes nothing
    import_file(tmp_path, solutions, name="s1b.csv", is_full=False)
    assert dict(Solution.objects.values_list("resource_id", "name")) == {
        "a1": "Expenses\tApp",
        "f1": "Notify",
    }
    assert len(set(Solution.objects.values_list("uuid", flat=True))) == 2
    Solution.objects.filter(resource_id="a1").update(
        description="Typed by the CoE", projected_monthly_value=Decimal("120.50")
    )

    # A rename: one change; the hand-entered fields stay.
    renamed = template_csv([resource("a1", "Expense claims"), resource("f1", "Notify", kind=FLOW)])
    run = import_file(tmp_path, renamed, name="s2.csv", is_full=False)
    assert (run.new_count, run.changed_count, run.unchanged_count, run.rows_written) == (0, 1, 1, 1)
    app = Solution.objects.get(resource_id="a1")
    assert (app.name, app.description, app.projected_monthly_value) == (
        "Expense claims",
        "Typed by the CoE",
        Decimal("120.50"),
    )

    # Usage with a repeated month (line 4 repeats line 2) and an unknown resource (line 5).
    bad = csv_bytes(
        USAGE_HEADER,
        [
            ["f1", "2026-01", "10", "", ""],
            ["a1", "2026-01", "", "40", "9"],
            ["f1", "2026-01", "11", "", ""],
            ["zz", "2026-01", "1", "", ""],
        ],
    )
    run = preview(tmp_path, bad, name="u0.csv", is_full=False)
    assert (run.status, run.rejected_count) == ("rejected", 2)
    assert list(run.changes.values_list("action", "line", "resource_id", "reason")) == [
        ("rejected", 4, "f1", "2026-01 of f1 is already on line 2"),
        ("rejected", 5, "zz", "no solution has this resource id"),
    ]
    assert not SolutionUsage.objects.exists()

    usage = csv_bytes(
        USAGE_HEADER,
        [
            ["f1", "2026-01", "10", "", ""],
            ["f1", "2026-02", "20", "", ""],
            ["a1", "2026-01", "", "40", "9"],
        ],
    )
    run = import_file(tmp_path, usage, name="u1.csv", is_full=False)
    assert (run.status, run.usage_count, run.rows_written, run.rejected_count) == ("done", 3, 3, 0)
    # The same file again writes nothing; then only February's changed runs are written.
    run = import_file(tmp_path, usage, name="u2.csv", is_full=False)
    assert (run.usage_count, run.rows_written) == (0, 0)
    changed = csv_bytes(
        USAGE_HEADER,
        [
            ["f1", "2026-01", "10", "0", "0"],
            ["f1", "2026-02", "25", "", ""],
            ["a1", "2026-01", "", "40", "9"],
        ],
    )
    run = import_file(tmp_path, changed, name="u3.csv", is_full=False)
    assert (run.usage_count, run.rows_written) == (1, 1)
    assert set(
        SolutionUsage.objects.values_list(
            "solution__resource_id", "month", "runs", "launches", "active_users"
        )
    ) == {
        ("f1", date(2026, 1, 1), 10, 0, 0),
        ("f1", date(2026, 2, 1), 25, 0, 0),
        ("a1", date(2026, 1, 1), 0, 40, 9),
    }
    assert ImportRun.objects.filter(status="done").count() == 5


def test_copy_lines_and_copy_rows_read_nulls_and_escapes_alike(db):
    temp_table_like("inventory_copy_check", "inventory_importchange", ["line", "name", "reason"])
    copy_lines(
        "inventory_copy_check",
        ["line", "name", "reason"],
        ["1\tTab\\there\t\\N", "2\tBack\\\\slash \\\\N\tTwo\\nlines"],
    )
    copy_rows("inventory_copy_check", ["line", "name", "reason"], [(3, "Plain", None)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT line, name, reason FROM inventory_copy_check ORDER BY line")
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE inventory_copy_check")
    assert rows == [
        (1, "Tab\there", None),
        (2, "Back\\slash \\N", "Two\nlines"),
        (3, "Plain", None),
    ]
