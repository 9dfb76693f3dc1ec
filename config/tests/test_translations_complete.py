"""The German catalogue is complete: makemessages, run over the code as it is now, finds no
message that locale/de/LC_MESSAGES/django.po leaves untranslated or marks fuzzy.

It runs makemessages (GNU gettext's xgettext and msgmerge: Debian's `gettext`) into a copy of the
catalogue, so the working tree is not touched."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from config.translations import compile_catalogues

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
# Source folders whose messages are still being translated by their owners; remove a folder once
# its entries are translated. A message counts as theirs only if ALL its occurrences are there.
NOT_YET: set[str] = set()


def _not_yet(entry: polib.POEntry) -> bool:
    return bool(entry.occurrences) and all(
        path.startswith(tuple(NOT_YET)) for path, _line in entry.occurrences
    )


def problems(catalogue: polib.POFile) -> list[str]:
    """The untranslated and fuzzy entries (outside NOT_YET), as readable lines."""
    found = []
    for entry in catalogue:
        if entry.obsolete or _not_yet(entry):
            continue
        where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
        if entry.fuzzy:
            found.append(f"fuzzy: {entry.msgid!r} ({where})")
        elif not entry.translated():
            found.append(f"untranslated: {entry.msgid!r} ({where})")
    return found


# What the scan leaves out: tools, installed packages, generated files and the catalogue itself.
NOT_SCANNED = {".git", ".venv", "node_modules", "var", "locale"}


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory):
    """The catalogue as makemessages makes it from today's code, in a temporary folder.

    makemessages writes to the `locale` folder of the directory it runs in whatever the
    settings say, so it runs in a scratch tree: links to the code's folders and files beside a
    copy of the catalogue (a run in the project itself rewrites the committed catalogue and
    leaves the copy as it was, so that a missing message could never fail these tests)."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        pytest.fail("makemessages needs GNU gettext (Debian package `gettext`).")
    tree = tmp_path_factory.mktemp("tree")
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in NOT_SCANNED:
            (tree / entry.name).symlink_to(entry)
    catalogue = tree / "locale" / "de" / "LC_MESSAGES" / "django.po"
    catalogue.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, catalogue)
    before = CATALOGUE.read_bytes()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tree)
        patch.setattr(settings, "LOCALE_PATHS", [tree / "locale"])
        call_command("makemessages", locale=["de"], symlinks=True, verbosity=0)
    assert CATALOGUE.read_bytes() == before, "makemessages wrote to the committed catalogue"
    return polib.pofile(str(catalogue))


def test_every_message_has_a_german_translation(fresh_catalogue):
    # The scan saw the whole code base (Python and templates), not an empty folder.
    msgids = {entry.msgid for entry in fresh_catalogue}
    assert {"Save language", "Check-in due: %s", "Sign-in rules"} <= msgids
    assert problems(fresh_catalogue) == []


def test_the_committed_catalogue_lists_every_message_of_the_code(fresh_catalogue):
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    fresh = {(e.msgctxt, e.msgid) for e in fresh_catalogue if not e.obsolete and not _not_yet(e)}
    assert sorted(fresh - committed, key=str) == []


def test_the_check_finds_untranslated_and_fuzzy_entries(tmp_path):
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Plans", msgstr="Pläne", occurrences=[("a.py", "1")]))
    catalogue.append(polib.POEntry(msgid="Key results", msgstr="", occurrences=[("a.py", "2")]))
    fuzzy = polib.POEntry(msgid="Value", msgstr="Wert", occurrences=[("a.py", "3")])
    fuzzy.flags.append("fuzzy")
    catalogue.append(fuzzy)
    later = polib.POEntry(msgid="Story", msgstr="", occurrences=[("stories/models.py", "4")])
    catalogue.append(later)
    assert problems(catalogue) == [
        "untranslated: 'Key results' (a.py:2)",
        "fuzzy: 'Value' (a.py:3)",
        "untranslated: 'Story' (stories/models.py:4)",
    ]


def test_the_compiled_catalogue_is_what_django_reads(tmp_path):
    po_dir = tmp_path / "de" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalogue.append(polib.POEntry(msgid="Plans", msgstr="Pläne"))
    fuzzy = polib.POEntry(msgid="Value", msgstr="Falsch")
    fuzzy.flags.append("fuzzy")
    catalogue.append(fuzzy)
    catalogue.save(str(po_dir / "django.po"))
    assert compile_catalogues(tmp_path) == [po_dir / "django.mo"]
    assert compile_catalogues(tmp_path) == []  # up to date: nothing written
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(po_dir / "django.mo"))}
    assert compiled.get("Plans") == "Pläne" and "Value" not in compiled
