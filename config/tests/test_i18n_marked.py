"""Every piece of interface text in the templates is marked for translation."""

from pathlib import Path

import pytest
from django.conf import settings

from config.i18n_scan import unmarked_strings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Folders (and single root templates) still being marked; remove one once it is done.
NOT_YET: set[str] = set()


def _templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        folder = path.relative_to(TEMPLATES).parts[0] if len(path.parts) > 1 else "."
        folder = "." if path.parent == TEMPLATES else folder
        if (
            folder not in NOT_YET
            and str(path.relative_to(TEMPLATES)) not in NOT_YET
            and folder not in {"bootstrap5", "django"}
        ):
            yield path


@pytest.mark.parametrize("path", list(_templates()), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_text_is_marked_for_translation(path):
    assert unmarked_strings(path) == []


def test_the_scan_finds_unmarked_text_and_passes_marked_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "{% load i18n %}<h1>{% translate 'Plans' %}</h1>\n"
        "<p>Key results</p>\n"
        '<input placeholder="Search people" aria-label="{% translate \'Search\' %}">\n'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}\n"
        "<script>const label = 'not read';</script><span>{{ count }} %</span><b>CoE Hub</b>"
    )
    assert unmarked_strings(page) == [(2, "Key results"), (3, "Search people")]
