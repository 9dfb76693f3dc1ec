"""Inventory files written the way the exports write them, for tests and the benchmark."""

import csv
import io
import json

from inventory.sources.csvfiles import TEMPLATE_COLUMNS

CANVAS = "microsoft.powerapps/canvasapps"
FLOW = "microsoft.powerautomate/cloudflows"
AGENT = "microsoft.copilotstudio/agents"


def template_csv(rows: list[dict], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=TEMPLATE_COLUMNS, delimiter=delimiter, lineterminator="\r\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in TEMPLATE_COLUMNS})
    return out.getvalue().encode(encoding)


def csv_bytes(header: list[str], rows: list[list], *, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def resource(resource_id, name, kind=CANVAS, env="env-fin", owner="", **extra) -> dict:
    return {
        "resource_id": resource_id,
        "type": kind,
        "name": name,
        "environment_id": env,
        "owner_object_id": owner,
        "created": "2025-06-01T08:00:00Z",
        "modified": "2026-01-15T10:30:00Z",
        **extra,
    }


def api_json(rows: list[dict], **page) -> bytes:
    return json.dumps(
        {"totalRecords": len(rows), "count": len(rows), "data": rows, **page}
    ).encode()


def api_row(resource_id, name, kind=CANVAS, env="env-fin", owner="", **properties) -> dict:
    return {
        "id": f"/providers/{kind}/{resource_id}",
        "name": resource_id,
        "type": kind,
        "tenantId": "tenant-1",
        "location": "europe",
        "properties": {
            "displayName": name,
            "environmentId": env,
            "createdAt": "2025-06-01T08:00:00Z",
            "createdBy": owner,
            "ownerId": owner,
            "lastModifiedAt": "2026-01-15T10:30:00Z",
            **properties,
        },
    }
