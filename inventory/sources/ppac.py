"""The inventory API's JSON, saved to a file or received from a sync: the Resource Query
response (`{"totalRecords", "count", "skipToken", "data": [...]}`), a list of such pages, or a
bare list of rows. Rows follow the PowerPlatformResources schema (type, name, properties.*)."""

import json

from .rows import EnvironmentRow, FileRejected, ParsedFile, ResourceRow
from .values import is_true, parse_datetime, resource_key

ENVIRONMENT_TYPE = "microsoft.powerplatform/environments"
# Rows of these types are not solutions: the tenant's catalogue and plumbing.
IGNORED_TYPES = {
    "microsoft.powerplatform/environmentgroups",
    "microsoft.powerplatformconnector/connectors",
    "microsoft.powerplatformusage/usagerecords",
}


def parse(content: str) -> ParsedFile:
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        raise FileRejected(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    parsed = ParsedFile(file_format="inventory_json")
    add_rows(parsed, _rows_of(document))
    return parsed


def _rows_of(document) -> list:
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        return document["data"]
    if isinstance(document, list):
        if document and all(
            isinstance(p, dict) and isinstance(p.get("data"), list) for p in document
        ):
            return [row for page in document for row in page["data"]]
        return document
    raise FileRejected("The JSON holds no inventory rows (expected a “data” list).")


def add_rows(parsed: ParsedFile, rows: list, first_line: int = 1) -> None:
    """Normalise inventory rows into `parsed`; each row's "line" is its position (1-based) in
    the response, which is what a person finds in the file."""
    for position, row in enumerate(rows, start=first_line):
        parsed.rows_read += 1
        try:
            _add_row(parsed, position, row)
        except ValueError as exc:
            resource_id = row.get("name", "") if isinstance(row, dict) else ""
            parsed.rejected.append((position, str(resource_id)[:100], str(exc)))


def _add_row(parsed: ParsedFile, position: int, row) -> None:
    if not isinstance(row, dict):
        raise ValueError("the row is not a JSON object")
    kind = str(row.get("type") or "").strip().lower()
    key = resource_key(str(row.get("name") or row.get("id") or ""))
    properties = row.get("properties") or {}
    if not isinstance(properties, dict):
        raise ValueError("“properties” is not an object")
    if not kind:
        raise ValueError("the row has no type")
    if not key:
        raise ValueError("the row has no name (resource id)")
    if len(key) > 100:
        raise ValueError("the resource id is longer than 100 characters")
    name = str(properties.get("displayName") or "").strip()
    if kind == ENVIRONMENT_TYPE:
        parsed.environments.append(
            EnvironmentRow(
                line=position,
                environment_id=key,
                name=name[:200],
                environment_type=str(properties.get("environmentType") or "")[:40],
                group_name=str(properties.get("environmentGroup") or "")[:200],
                group_id=resource_key(str(properties.get("environmentGroupId") or "")),
            )
        )
        return
    if kind in IGNORED_TYPES:
        return
    if not name:
        raise ValueError("the row has no display name")
    state = ""
    published = _moment(properties, "lastPublishedAt")
    if kind == "microsoft.copilotstudio/agents" and published is None:
        state = "draft"
    if is_true(properties.get("isQuarantined")):
        state = "quarantined"
    parsed.covered_types.add(kind)
    parsed.resources.append(
        ResourceRow(
            line=position,
            resource_id=key,
            resource_type=kind,
            name=name[:200],
            environment_id=resource_key(str(properties.get("environmentId") or "")),
            owner_object_id=resource_key(
                str(properties.get("ownerId") or properties.get("createdBy") or "")
            ),
            tenant_id=resource_key(str(row.get("tenantId") or "")),
            created_at=_moment(properties, "createdAt"),
            modified_at=_moment(properties, "lastModifiedAt"),
            published_at=published,
            state=state,
        )
    )


def _moment(properties: dict, name: str):
    try:
        return parse_datetime(properties.get(name))
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
