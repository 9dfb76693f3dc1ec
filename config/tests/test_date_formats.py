"""One date and time style across pages: templates use only the named formats of the active
language (config/formats: |date:"DATE_FORMAT", |date:"SHORT_DATE_FORMAT", |time:"TIME_FORMAT"...),
never a literal one such as |date:"j M Y" or |date:"Y-m-d H:i"."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NAMED = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
    "TIME_FORMAT",
}
# Machine-readable values, not shown as text: <time datetime="..."> and <input type="date">.
MACHINE = {"c", "Y-m-d", "Y-m", "U", "Y-m-d\\TH:i"}
FORMAT_ARGUMENT = re.compile(r"\|\s*(date|time)\s*:\s*(\"[^\"]*\"|'[^']*')")
MACHINE_CONTEXT = re.compile(r"(datetime|value|data-[\w-]+)=\"[^\"]*$")
# Folders whose templates are still being converted; remove a folder once it is done.
NOT_YET: set[str] = set()


def literal_formats(source: str) -> list[tuple[int, str]]:
    """(line, filter) of each date/time filter with a literal format shown to people."""
    found = []
    for match in FORMAT_ARGUMENT.finditer(source):
        fmt = match.group(2)[1:-1]
        if fmt in NAMED:
            continue
        before = source[: match.start()]
        if fmt in MACHINE and MACHINE_CONTEXT.search(before.rsplit("<", 1)[-1]):
            continue  # an attribute a program reads, e.g. <time datetime="{{ d|date:'c' }}">
        found.append((before.count("\n") + 1, match.group(0)))
    return found


def _templates():
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        parts = path.relative_to(TEMPLATES).parts
        if len(parts) > 1 and parts[0] in NOT_YET:
            continue
        yield path


@pytest.mark.parametrize("path", list(_templates()), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_use_only_named_date_formats(path):
    assert literal_formats(path.read_text(encoding="utf-8")) == []


def test_the_scan_finds_literal_formats_and_passes_named_and_machine_ones():
    source = (
        '<p>{{ a|date:"DATE_FORMAT" }} {{ b|time:"TIME_FORMAT" }} {{ c|date }}</p>\n'
        "<p>{{ d|date:'j M Y' }}</p>\n"
        '<time datetime="{{ e|date:"c" }}">{{ e|date:"SHORT_DATE_FORMAT" }}</time>\n'
        '<input type="date" value="{{ f|date:"Y-m-d" }}"> {{ g|date:"Y-m-d H:i" }}'
    )
    assert literal_formats(source) == [(2, "|date:'j M Y'"), (4, '|date:"Y-m-d H:i"')]
