"""CSV export of a report's frozen numbers, safe to open in a spreadsheet."""

import csv
import io
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
FIGURE_COLUMNS = [
    "value",
    "hours",
    "cost",
    "build_cost",
    "running_cost",
    "programme_cost",
    "net",
    "roi_pct",
    "payback_months",
    "projected_value",
    "variance",
]


# A KPI report: one row per key result, then one per KPI (which has no target or progress).
KPI_COLUMNS = [
    "section",
    "plan",
    "objective",
    "name",
    "kind",
    "unit",
    "currency",
    "baseline",
    "target",
    "value",
    "as_of",
    "progress",
    "status",
    "previous_value",
    "change",
    "progress_change",
]


def neutralise(cell) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers we wrote
    ourselves (e.g. -2600.00) stay numbers."""
    text = "" if cell is None else str(cell)
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def report_csv(data: dict) -> bytes:
    """The CSV of a report of either kind."""
    if data.get("kind") == "kpi":
        return kpi_csv(data)
    return roi_csv(data)


def kpi_csv(data: dict) -> bytes:
    """One row per key result (section "key_result") and per KPI (section "kpi"), with the value
    as of the period's end and the change since the last report."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(KPI_COLUMNS)
    for kr in data["key_results"]:
        cells = {
            **kr,
            "section": "key_result",
            "name": kr["title"],
            "as_of": kr["checked_in_on"],
        }
        writer.writerow([neutralise(cells.get(column)) for column in KPI_COLUMNS])
    for kpi in data["kpis"]:
        cells = {**kpi, "section": "kpi", "kind": kpi["direction"], "as_of": kpi["measured_on"]}
        writer.writerow([neutralise(cells.get(column)) for column in KPI_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode()


def roi_csv(data: dict) -> bytes:
    """One row per figure set: the totals, each month, each unit and each top solution."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "name", *FIGURE_COLUMNS])

    def row(section, name, figures):
        writer.writerow(
            [neutralise(section), neutralise(name)]
            + [neutralise(figures.get(column)) for column in FIGURE_COLUMNS]
        )

    row("total", data.get("scope", ""), data["totals"])
    for month in data.get("by_month", []):
        row("month", month["month"], month)
    for unit in data.get("by_unit", []):
        # "Finance (own solutions only)" beside "Finance (with the units below)": never twice
        # the same name for two different figures (reports frozen before labels keep the name).
        row("unit", unit.get("label", unit["unit"]), unit)
    for solution in data.get("top_solutions", []):
        row("solution", solution["solution"], solution)
    return ("\ufeff" + out.getvalue()).encode()  # BOM: spreadsheets then read it as UTF-8
