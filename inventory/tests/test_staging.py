"""Imports at scale: usage streamed in chunks and compared in SQL, solutions and the diff written
with COPY (inventory.staging). Expectations are computed by hand from the files below."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.sources import read_file
from inventory.sources.rows import ParsedFile
from value.models import Solution, SolutionUsage

from .files import FLOW, csv_bytes, resource, template_csv
from .helpers import import_file, preview

USAGE_HEADER = ["resource_id", "month", "runs", "launches", "active_users"]


def test_usage_is_handed_on_in_chunks_never_held_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(ParsedFile, "USAGE_CHUNK", 4)
    path = tmp_path / "usage.csv"
    path.write_bytes(
        csv_bytes(USAGE_HEADER, [["f1", f"2025-{m:02d}", m, 0, 0] for m in range(1, 11)])
    )
    chunks = []
    parsed = read_file(path, usage_sink=lambda rows: chunks.append([r.line for r in rows]))
    # 10 rows in chunks of 4: 4, 4 and the last 2 when the file ends; none kept in the result.
    assert chunks == [[2, 3, 4, 5], [6, 7, 8, 9], [10, 11]]
    assert (parsed.usage, parsed.usage_rows, parsed.rows_read) == ([], 10, 10)


def test_changed_usage_figures_are_the_only_rows_written_again(tmp_path, unit):
    import_file(tmp_path, template_csv([resource("f1", "Flow", kind=FLOW), resource("a1", "App")]))
    first = csv_bytes(
        USAGE_HEADER,
        [
            ["f1", "2026-01", "100", "", ""],
            ["f1", "2026-02", "200", "", ""],
            ["a1", "2026-01", "", "30", "7"],
        ],
    )
    run = import_file(tmp_path, first, name="u1.csv", is_full=False)
    assert (run.usage_count, run.rows_written) == (3, 3)
    # February's runs change, March is new, the rest is as stored.
    second = csv_bytes(
        USAGE_HEADER,
        [
            ["f1", "2026-01", "100", "0", "0"],
            ["f1", "2026-02", "250", "", ""],
            ["f1", "2026-03", "300", "", ""],
            ["a1", "2026-01", "", "30", "7"],
        ],
    )
    run = import_file(tmp_path, second, name="u2.csv", is_full=False)
    assert (run.usage_count, run.rows_written, run.rejected_count) == (2, 2, 0)
    assert set(
        SolutionUsage.objects.values_list("solution__resource_id", "month", "runs", "launches")
    ) == {
        ("f1", date(2026, 1, 1), 100, 0),
        ("f1", date(2026, 2, 1), 250, 0),
        ("f1", date(2026, 3, 1), 300, 0),
        ("a1", date(2026, 1, 1), 0, 30),
    }


def test_every_rejected_usage_line_is_listed_in_line_order(tmp_path, unit, monkeypatch):
    monkeypatch.setattr(ParsedFile, "USAGE_CHUNK", 2)  # rejections span several chunks
    import_file(tmp_path, template_csv([resource("f1", "Flow", kind=FLOW)]))
    usage = csv_bytes(
        USAGE_HEADER,
        [
            ["x1", "2026-01", "1", "", ""],  # line 2: unknown
            ["f1", "2026-01", "1", "", ""],
            ["x1", "2026-01", "1", "", ""],  # line 4: repeats line 2
            ["f1", "2026-02", "99999999999", "", ""],  # line 5: too large for the database
            ["x2", "2026-03", "1", "", ""],  # line 6: unknown
            ["f1", "2026-01", "5", "", ""],  # line 7: repeats line 3
        ],
    )
    run = preview(tmp_path, usage, name="usage.csv", is_full=False)
    assert (run.status, run.rejected_count) == ("rejected", 5)
    assert list(run.changes.values_list("line", "resource_id", "reason")) == [
        (5, "f1", "runs “99999999999” is too large"),
        (2, "x1", "no solution has this resource id"),
        (4, "x1", "2026-01 of x1 is already on line 2"),
        (6, "x2", "no solution has this resource id"),
        (7, "f1", "2026-01 of f1 is already on line 3"),
    ]
    assert run.error == "5 rows are rejected; nothing can be imported from this file."
    assert not SolutionUsage.objects.exists()


def test_names_with_tabs_newlines_and_backslashes_survive_copy(tmp_path, unit):
    names = ["Tab\there", "Two\nlines", "Back\\slash \\N", 'Quote " and ; comma,']
    run = import_file(
        tmp_path, template_csv([resource(f"r{n}", name) for n, name in enumerate(names)])
    )
    assert run.new_count == 4
    stored = dict(Solution.objects.values_list("resource_id", "name"))
    assert stored == {f"r{n}": name for n, name in enumerate(names)}
    changes = dict(run.changes.values_list("resource_id", "name"))
    assert changes == stored
    # Every new solution got its own uuid and a creation time from the database defaults.
    uuids = set(Solution.objects.values_list("uuid", flat=True))
    assert len(uuids) == 4
    assert not Solution.objects.filter(created_at__isnull=True).exists()


def _queries(tmp_path, content, name):
    with CaptureQueriesContext(connection) as captured:
        run = import_file(tmp_path, content, name=name, is_full=False)
    assert run.status == "done"
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_file(tmp_path, unit):
    """Preview and commit of 3 or 300 new solutions, then of 1 or 600 usage rows (partial
    imports, so that the second file retires nothing the first added)."""
    # A first import creates the "unmapped" unit and the like once: not counted.
    _queries(tmp_path, template_csv([resource("w0", "Warm-up", env="env-w")]), "w.csv")
    small = template_csv([resource(f"s{n}", f"Small {n}", env="env-a") for n in range(3)])
    large = template_csv([resource(f"l{n}", f"Large {n}", env="env-b") for n in range(300)])
    assert _queries(tmp_path, small, "small.csv") == _queries(tmp_path, large, "large.csv")
    usage_small = csv_bytes(USAGE_HEADER, [["s0", "2026-01", "1", "", ""]])
    usage_large = csv_bytes(
        USAGE_HEADER, [[f"l{n}", f"2026-{m:02d}", n, "", ""] for n in range(300) for m in (1, 2)]
    )
    assert _queries(tmp_path, usage_small, "us.csv") == _queries(tmp_path, usage_large, "ul.csv")
