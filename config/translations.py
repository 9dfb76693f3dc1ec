"""The interface translations (locale/<language>/LC_MESSAGES/django.po) compiled to the .mo files
Django reads, in pure Python (polib): `make run` and `make test` need no gettext tools. The .mo
files are build output and not committed; they are rebuilt when their .po is newer.

Changing the catalogue itself (`makemessages`) needs GNU gettext (Debian's `gettext` package)."""

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(locale_dir: Path = LOCALE_DIR, *, force: bool = False) -> list[Path]:
    """Write the .mo beside every .po that is newer than it (or every one with `force`);
    returns the .mo files written. Fuzzy entries are left out, as msgfmt does."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = polib.pofile(str(po_path))
        for entry in catalogue.fuzzy_entries():
            catalogue.remove(entry)
        catalogue.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written
