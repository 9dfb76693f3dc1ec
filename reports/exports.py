"""CSV export of a report's frozen numbers, safe to open in a spreadsheet, in the language the
report is written in (config.csv_files: German files use ";" and decimal commas)."""

import io

from django.utils.translation import pgettext_lazy

from config.csv_files import csv_bytes, csv_cell, csv_writer

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


# Column headers: the English ones are the keys of the frozen data (what scripts read); other
# languages translate them ("CSV column" context in the catalogue).
HEADERS = {
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


SECTIONS = {
    "total": pgettext_lazy("CSV section", "total"),
    "month": pgettext_lazy("CSV section", "month"),
    "unit": pgettext_lazy("CSV section", "unit"),
    "solution": pgettext_lazy("CSV section", "solution"),
    "key_result": pgettext_lazy("CSV section", "key_result"),
    "kpi": pgettext_lazy("CSV section", "kpi"),
}


def headers(columns: list[str]) -> list[str]:
    return [str(HEADERS[column]) for column in columns]


def neutralise(cell) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers we wrote
    ourselves (e.g. -2600.00) stay numbers, with the language's decimal separator."""
    return csv_cell(cell)


def report_csv(data: dict) -> bytes:
    """The CSV of a report of either kind."""
    if data.get("kind") == "kpi":
        return kpi_csv(data)
    return roi_csv(data)


def kpi_csv(data: dict) -> bytes:
    """One row per key result (section "key_result") and per KPI (section "kpi"), with the value
    as of the period's end and the change since the last report."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(headers(KPI_COLUMNS))
    for kr in data["key_results"]:
        cells = {
            **kr,
            "section": SECTIONS["key_result"],
            "name": kr["title"],
            "as_of": kr["checked_in_on"],
        }
        writer.writerow([neutralise(cells.get(column)) for column in KPI_COLUMNS])
    for kpi in data["kpis"]:
        cells = {
            **kpi,
            "section": SECTIONS["kpi"],
            "kind": kpi["direction"],
            "as_of": kpi["measured_on"],
        }
        writer.writerow([neutralise(cells.get(column)) for column in KPI_COLUMNS])
    return csv_bytes(out)


def roi_csv(data: dict) -> bytes:
    """One row per figure set: the totals, each month, each unit and each top solution."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(headers(["section", "name", *FIGURE_COLUMNS]))

    def row(section, name, figures):
        writer.writerow(
            [neutralise(SECTIONS[section]), neutralise(name)]
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
    return csv_bytes(out)
