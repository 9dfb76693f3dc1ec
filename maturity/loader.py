"""Load the built-in maturity model from maturity/content/model.json, with its translations from
model.<language>.json beside it (same keys, only the text translated; see config.content_languages).

Rows are matched by their stable keys (level number, area key, opportunity key), so re-running
never duplicates. The file's hash is stored on its ModelVersion: re-running with an unchanged file
writes nothing, so texts that an admin edited in the admin survive `make run`; a changed file
(a new release of the content) updates every row by key."""

from pathlib import Path

from django.db import transaction
from django.utils import translation

from config.content_languages import SOURCE_LANGUAGE, column_names, columns, read_content

from .models import Area, AreaLevel, Level, ModelVersion, Opportunity
from .upsert import upsert

CONTENT_FILE = Path(__file__).resolve().parent / "content" / "model.json"


class ContentError(ValueError):
    """The content file is not a valid model description."""


def _check(data: dict) -> None:
    levels = {level["number"] for level in data["levels"]}
    if levels != {100, 200, 300, 400, 500}:
        raise ContentError("The model needs exactly the levels 100 to 500.")
    areas = {area["key"] for area in data["areas"]}
    for area in data["areas"]:
        if {int(n) for n in area["levels"]} != levels:
            raise ContentError(f"Area {area['key']} must describe every level.")
    for opportunity in data["opportunities"]:
        if opportunity["level"] not in levels or opportunity.get("area") not in areas:
            raise ContentError(f"Opportunity {opportunity['key']} names an unknown level or area.")


def _by_key(translations: dict, section: str, key: str) -> dict[str, dict]:
    """{language: item} of one list section of the translated files, matched by `key`."""
    return {
        language: {str(item.get(key)): item for item in data.get(section, [])}
        for language, data in translations.items()
    }


def _lines(value) -> str | None:
    return "\n".join(value) if isinstance(value, list) else value


@transaction.atomic
def load_maturity_model(path: Path = CONTENT_FILE, *, force: bool = False) -> str:
    """Create or update levels, areas, area-level cells and opportunities from `path` (and its
    translations beside it), and make its edition the current ModelVersion. Returns a one-line
    summary. Raises ContentError for an inconsistent file (and writes nothing)."""
    with translation.override(SOURCE_LANGUAGE):  # the original columns hold the English text
        return _load(Path(path), force=force)


def _load(path: Path, *, force: bool) -> str:
    data, translations, digest = read_content(path)
    _check(data)
    levels_t = _by_key(translations, "levels", "number")
    areas_t = _by_key(translations, "areas", "key")
    opportunities_t = _by_key(translations, "opportunities", "key")

    def text(found: dict[str, dict], key, field: str) -> dict:
        return {lang: _lines(items.get(str(key), {}).get(field)) for lang, items in found.items()}

    meta = data["version"]
    version = ModelVersion.objects.filter(key=meta["key"]).first()
    if version and version.content_hash == digest and version.is_current and not force:
        return f"model {version.key} unchanged"

    ModelVersion.objects.exclude(key=meta["key"]).filter(is_current=True).update(is_current=False)
    title_t = {lang: data.get("version", {}).get("title") for lang, data in translations.items()}
    version, _ = ModelVersion.objects.update_or_create(
        key=meta["key"],
        defaults={
            **columns("title", meta["title"], title_t),
            "is_current": True,
            "content_hash": digest,
        },
    )
    levels = upsert(
        Level,
        (
            {
                "number": item["number"],
                **columns("name", item["name"], text(levels_t, item["number"], "name")),
                **columns("summary", item["summary"], text(levels_t, item["number"], "summary")),
                **columns(
                    "description",
                    item["description"],
                    text(levels_t, item["number"], "description"),
                ),
                **columns(
                    "characteristics",
                    "\n".join(item["characteristics"]),
                    text(levels_t, item["number"], "characteristics"),
                ),
            }
            for item in data["levels"]
        ),
        key=lambda row: row["number"],
        fields=column_names("name", "summary", "description", "characteristics"),
    )
    areas = upsert(
        Area,
        (
            {
                "key": item["key"],
                **columns("name", item["name"], text(areas_t, item["key"], "name")),
                "section": item["section"],
                **columns(
                    "description", item["description"], text(areas_t, item["key"], "description")
                ),
                "order": order,
            }
            for order, item in enumerate(data["areas"], start=1)
        ),
        key=lambda row: row["key"],
        fields=[*column_names("name", "description"), "section", "order"],
    )
    upsert(
        AreaLevel,
        (
            {
                "area_id": areas[item["key"]].pk,
                "level_id": levels[int(number)].pk,
                **columns(
                    "characteristics",
                    "\n".join(lines),
                    {
                        lang: _lines(found.get(item["key"], {}).get("levels", {}).get(number))
                        for lang, found in areas_t.items()
                    },
                ),
            }
            for item in data["areas"]
            for number, lines in item["levels"].items()
        ),
        key=lambda row: (row["area_id"], row["level_id"]),
        fields=column_names("characteristics"),
    )
    upsert(
        Opportunity,
        (
            {
                "key": item["key"],
                "level_id": levels[item["level"]].pk,
                "area_id": areas[item["area"]].pk,
                **columns("text", item["text"], text(opportunities_t, item["key"], "text")),
                "order": order,
            }
            for order, item in enumerate(data["opportunities"], start=1)
        ),
        key=lambda row: row["key"],
        fields=["level_id", "area_id", *column_names("text"), "order"],
    )
    return (
        f"model {version.key}: {len(levels)} levels, {len(areas)} areas, "
        f"{len(data['opportunities'])} opportunities"
    )
