"""Built-in content in every language: the English file is the source (its structure and keys),
each other language has a file beside it with the same keys and only the text translated
(`model.json` → `model.de.json`; a folder of files → `de/<same name>.json`). A missing file, or a
missing text in it, leaves that language's column empty: readers then get the English text
(django-modeltranslation's fallback), as for anything an organisation adds itself."""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

SOURCE_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def other_languages() -> list[str]:
    """The languages besides English (e.g. ["de"])."""
    return [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def file_code(language: str) -> str:
    """The language as it appears in file names: "de", "pt-br"."""
    return language.lower()


def translated_file(english: Path, language: str) -> Path:
    """`model.json` → `model.de.json`."""
    return english.with_name(f"{english.stem}.{file_code(language)}{english.suffix}")


def translated_file_in_folder(english: Path, language: str) -> Path:
    """`templates/x.json` → `templates/de/x.json`."""
    return english.parent / file_code(language) / english.name


def read_translations(english: Path, locate=translated_file) -> tuple[dict, bytes]:
    """{language: parsed file} for each other language whose file exists, and the bytes of
    those files (for the content hash: a changed translation is a changed content)."""
    found, raw = {}, b""
    for language in other_languages():
        path = locate(english, language)
        if path.exists():
            data = path.read_bytes()
            found[language] = json.loads(data)
            raw += data
    return found, raw


def read_content(english: Path) -> tuple[dict, dict, str]:
    """The English file parsed, its translations ({language: parsed file}) and one content hash
    over all of them (a changed translation is changed content)."""
    raw = english.read_bytes()
    translations, translated_raw = read_translations(english)
    return json.loads(raw), translations, hashlib.sha256(raw + translated_raw).hexdigest()


def columns(field: str, english, translations: dict[str, object]) -> dict:
    """The values of one translated field for every column: the original field and the English
    column get the English text; each other language its translation, or None (falls back to
    English) when missing or empty."""
    values = {field: english, build_localized_fieldname(field, SOURCE_LANGUAGE): english}
    for language in other_languages():
        value = translations.get(language)
        missing = value is None or value == ""
        values[build_localized_fieldname(field, language)] = None if missing else value
    return values


def column_names(*fields: str) -> list[str]:
    """The original and every language's column of each field, for bulk updates."""
    names = []
    for field in fields:
        names.append(field)
        names.extend(build_localized_fieldname(field, code) for code, _name in settings.LANGUAGES)
    return names


def overlay(english, translated):
    """The English structure with the translated texts laid over it: dictionaries by key, lists
    of items by their "key" (else by position), texts replaced where the translation has one.
    Figures, keys and anything the translation lacks stay as in English, so a partial
    translation never loses an item."""
    if isinstance(english, dict) and isinstance(translated, dict):
        return {
            name: overlay(value, translated[name]) if name in translated else value
            for name, value in english.items()
        }
    if isinstance(english, list) and isinstance(translated, list):
        if all(isinstance(item, dict) and "key" in item for item in english):
            by_key = {item.get("key"): item for item in translated if isinstance(item, dict)}
            return [
                overlay(item, by_key[item["key"]]) if item["key"] in by_key else item
                for item in english
            ]
        return [
            overlay(item, translated[index]) if index < len(translated) else item
            for index, item in enumerate(english)
        ]
    if isinstance(english, str) and isinstance(translated, str) and translated:
        return translated
    return english
