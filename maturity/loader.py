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
    levels = upsert(
        Level,
        (
            {
                "number": item["number"],
                "name": item["name"],
                "summary": item["summary"],
                "description": item["description"],
                "characteristics": "\n".join(item["characteristics"]),
            }
            for item in data["levels"]
        ),
        key=lambda row: row["number"],
        fields=["name", "summary", "description", "characteristics"],
    )
    areas = upsert(
        Area,
        (
            {
                "key": item["key"],
                "name": item["name"],
                "section": item["section"],
                "description": item["description"],
                "order": order,
            }
            for order, item in enumerate(data["areas"], start=1)
        ),
        key=lambda row: row["key"],
        fields=["name", "section", "description", "order"],
    )
    upsert(
        AreaLevel,
        (
            {
                "area_id": areas[item["key"]].pk,
                "level_id": levels[int(number)].pk,
                "characteristics": "\n".join(lines),
            }
            for item in data["areas"]
            for number, lines in item["levels"].items()
        ),
        key=lambda row: (row["area_id"], row["level_id"]),
        fields=["characteristics"],
    )
    upsert(
        Opportunity,
        (
            {
                "key": item["key"],
                "level_id": levels[item["level"]].pk,
                "area_id": areas[item["area"]].pk,
                "text": item["text"],
                "order": order,
            }
            for order, item in enumerate(data["opportunities"], start=1)
        ),
        key=lambda row: row["key"],
        fields=["level_id", "area_id", "text", "order"],
    )
    return (
        f"model {version.key}: {len(levels)} levels, {len(areas)} areas, "
        f"{len(data['opportunities'])} opportunities"
    )
