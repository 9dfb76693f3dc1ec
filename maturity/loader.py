"""Load the built-in maturity model from maturity/content/model.json.

Rows are matched by their stable keys (level number, area key, opportunity key), so re-running
never duplicates. The file's hash is stored on its ModelVersion: re-running with an unchanged file
writes nothing, so texts that an admin edited in the admin survive `make run`; a changed file
(a new release of the content) updates every row by key."""

import hashlib
import json
from pathlib import Path

from django.db import transaction

from .models import Area, AreaLevel, Level, ModelVersion, Opportunity

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


@transaction.atomic
def load_maturity_model(path: Path = CONTENT_FILE, *, force: bool = False) -> str:
    """Create or update levels, areas, area-level cells and opportunities from `path`, and
    make its edition the current ModelVersion. Returns a one-line summary. Raises ContentError
    for an inconsistent file (and writes nothing)."""
    raw = Path(path).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    data = json.loads(raw)
    _check(data)
    meta = data["version"]
    version = ModelVersion.objects.filter(key=meta["key"]).first()
    if version and version.content_hash == digest and version.is_current and not force:
        return f"model {version.key} unchanged"

    ModelVersion.objects.exclude(key=meta["key"]).filter(is_current=True).update(is_current=False)
    version, _ = ModelVersion.objects.update_or_create(
        key=meta["key"],
        defaults={"title": meta["title"], "is_current": True, "content_hash": digest},
    )
    levels = {}
    for item in data["levels"]:
        levels[item["number"]], _ = Level.objects.update_or_create(
            number=item["number"],
            defaults={
                "name": item["name"],
                "summary": item["summary"],
                "description": item["description"],
                "characteristics": "\n".join(item["characteristics"]),
            },
        )
    areas = {}
    for order, item in enumerate(data["areas"], start=1):
        area, _ = Area.objects.update_or_create(
            key=item["key"],
            defaults={
                "name": item["name"],
                "section": item["section"],
                "description": item["description"],
                "order": order,
            },
        )
        areas[area.key] = area
        for number, lines in item["levels"].items():
            AreaLevel.objects.update_or_create(
                area=area,
                level=levels[int(number)],
                defaults={"characteristics": "\n".join(lines)},
            )
    for order, item in enumerate(data["opportunities"], start=1):
        Opportunity.objects.update_or_create(
            key=item["key"],
            defaults={
                "level": levels[item["level"]],
                "area": areas[item["area"]],
                "text": item["text"],
                "order": order,
            },
        )
    return (
        f"model {version.key}: {len(levels)} levels, {len(areas)} areas, "
        f"{len(data['opportunities'])} opportunities"
    )
