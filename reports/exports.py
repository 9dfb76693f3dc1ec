"""CSV export of a report's frozen numbers, safe to open in a spreadsheet."""

import csv
import io
import re

from django.utils.translation import pgettext_lazy

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


# Header names a spreadsheet shows; "CSV column" tells translators they are column titles.
COLUMN_NAMES = {
    "section": pgettext_lazy("CSV column", "section"),
    "name": pgettext_lazy("CSV column", "name"),
    "value": pgettext_lazy("CSV column", "value"),
    "hours": pgettext_lazy("CSV column", "hours"),
    "cost": pgettext_lazy("CSV column", "cost"),
    "build_cost": pgettext_lazy("CSV column", "build_cost"),
    "running_cost": pgettext_lazy("CSV column", "running_cost"),
    "programme_cost": pgettext_lazy("CSV column", "programme_cost"),
    "net": pgettext_lazy("CSV column", "net"),
    "roi_pct": pgettext_lazy("CSV column", "roi_pct"),
    "payback_months": pgettext_lazy("CSV column", "payback_months"),
    "projected_value": pgettext_lazy("CSV column", "projected_value"),
    "variance": pgettext_lazy("CSV column", "variance"),
    "plan": pgettext_lazy("CSV column", "plan"),
    "objective": pgettext_lazy("CSV column", "objective"),
    "kind": pgettext_lazy("CSV column", "kind"),
    "unit": pgettext_lazy("CSV column", "unit"),
    "currency": pgettext_lazy("CSV column", "currency"),
    "baseline": pgettext_lazy("CSV column", "baseline"),
    "target": pgettext_lazy("CSV column", "target"),
    "as_of": pgettext_lazy("CSV column", "as_of"),
    "progress": pgettext_lazy("CSV column", "progress"),
    "status": pgettext_lazy("CSV column", "status"),
    "previous_value": pgettext_lazy("CSV column", "previous_value"),
    "change": pgettext_lazy("CSV column", "change"),
    "progress_change": pgettext_lazy("CSV column", "progress_change"),
}


def header(columns) -> list[str]:
    """The column names in the reader's language (in English the keys themselves, which the API
    and the frozen data use too)."""
    return [str(COLUMN_NAMES.get(column, column)) for column in columns]


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
    writer.writerow(header(KPI_COLUMNS))
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
    writer.writerow(header(["section", "name", *FIGURE_COLUMNS]))

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
