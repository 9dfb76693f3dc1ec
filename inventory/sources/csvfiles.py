"""CSV exports: the CoE Starter Kit's tables (admin_app, admin_flow, admin_environment,
admin_maker, admin_auditlog), with logical (`admin_appid`), Web API (`_admin_appowner_value`) or
display (`App ID`) headers, and our own templates (inventory and monthly usage).

Rows are streamed: only the normalised rows are kept, never the file's text."""

import csv
import itertools
import re
import sys
from collections import defaultdict

from .rows import EnvironmentRow, FileRejected, MakerRow, ParsedFile, ResourceRow, UsageRow
from .values import is_true, parse_datetime, parse_month, resource_key, whole

CANVAS = "microsoft.powerapps/canvasapps"
MODEL_DRIVEN = "microsoft.powerapps/modeldrivenapps"
CLOUD_FLOW = "microsoft.powerautomate/cloudflows"

# Our templates' columns, in the order the downloadable template writes them.
TEMPLATE_COLUMNS = [
    "resource_id",
    "type",
    "name",
    "environment_id",
    "environment_name",
    "owner_object_id",
    "owner_upn",
    "created",
    "modified",
    "published",
    "state",
]
USAGE_TEMPLATE_COLUMNS = ["resource_id", "month", "runs", "launches", "active_users"]
STATES = {"", "draft", "suspended", "stopped", "started", "quarantined", "deleted", "active"}

# For each table: field -> accepted headers, compared after `header_key()`.
TABLES: dict[str, dict[str, list[str]]] = {
    "admin_app": {
        "id": ["appid"],
        "name": ["displayname", "appdisplayname", "appname", "name"],
        "environment": ["appenvironment", "environment", "environmentid"],
        "owner": ["appowner", "owner", "ownerid"],
        "created": ["appcreatedon", "createdon"],
        "modified": ["appmodifiedon", "modifiedon"],
        "deleted": ["appdeleted", "deleted"],
        "app_type": ["apptype", "type"],
    },
    "admin_flow": {
        "id": ["flowid"],
        "name": ["displayname", "flowdisplayname", "flowname", "name"],
        "environment": ["flowenvironment", "environment", "environmentid"],
        "owner": ["derivedowner", "flowcreator", "owner", "ownerid"],
        "created": ["flowcreatedon", "createdon"],
        "modified": ["flowmodifiedon", "modifiedon"],
        "state": ["flowstate", "state"],
        "deleted": ["flowdeleted", "deleted"],
    },
    "admin_environment": {
        "id": ["environmentid"],
        "name": ["displayname", "environmentdisplayname", "environmentname"],
        "sku": ["environmentsku", "sku", "environmenttype"],
        "group": ["environmentgroup", "businessarea"],
        "deleted": ["environmentdeleted", "deleted"],
    },
    "admin_maker": {
        "id": ["makerid"],
        "name": ["displayname", "makerdisplayname", "name"],
        "upn": ["userprincipalname", "upn"],
        "email": ["useremail", "email", "mail"],
        "department": ["department"],
    },
    "admin_auditlog": {
        "app": ["appid", "applookup"],
        "operation": ["operation"],
        "user": ["userupn", "userid", "user"],
        "time": ["creationtime", "createdon"],
    },
    "usage_template": {
        "id": ["resourceid"],
        "month": ["month"],
        "runs": ["runs"],
        "launches": ["launches"],
        "active_users": ["activeusers"],
    },
    "template": {
        "id": ["resourceid"],
        "type": ["type", "resourcetype"],
        "name": ["name", "displayname"],
        "environment": ["environmentid"],
        "environment_name": ["environmentname"],
        "owner": ["ownerobjectid"],
        "owner_upn": ["ownerupn", "owneremail"],
        "created": ["created", "createdat"],
        "modified": ["modified", "modifiedat"],
        "published": ["published", "publishedat"],
        "state": ["state"],
    },
}
# Which table a header is, by the columns only that table has; first match wins.
SIGNATURES = [
    ("usage_template", {"resourceid", "month"}),
    ("template", {"resourceid"}),
    ("admin_auditlog", {"operation", "creationtime"}),
    ("admin_app", {"appid"}),
    ("admin_flow", {"flowid"}),
    ("admin_maker", {"makerid"}),
    ("admin_environment", {"environmentid"}),
]
REQUIRED = {
    "admin_app": ["id", "name"],
    "admin_flow": ["id", "name"],
    "admin_environment": ["id"],
    "admin_maker": ["id"],
    "admin_auditlog": ["app", "operation", "time"],
    "usage_template": ["id", "month"],
    "template": ["id", "type", "name"],
}


def header_key(header: str) -> str:
    """`admin_appid`, `_admin_appowner_value`, `App ID` and `appid` all become `appid`."""
    text = (header or "").strip().lstrip("\ufeff").lower()
    web_api_lookup = text.startswith("_") and text.endswith("_value")
    key = re.sub(r"[^a-z0-9]", "", text)
    if key.startswith("admin"):
        key = key[len("admin") :]
    if web_api_lookup and key.endswith("value"):
        key = key[: -len("value")]
    return key


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=counts.get)


def parse(first_char: str, text, *, usage_sink=None) -> ParsedFile:
    header_line = first_char + text.readline()
    lines = itertools.chain([header_line], text)
    reader = csv.reader(lines, delimiter=_delimiter(header_line))
    header = next(reader)
    keys = [header_key(name) for name in header]
    present = set(keys)
    table = next((name for name, signature in SIGNATURES if signature <= present), None)
    if table is None:
        raise FileRejected(
            "The columns match no format we read: expected our template (resource_id, type, "
            "name, …), a CoE Starter Kit export (admin_app, admin_flow, admin_environment, "
            "admin_maker, admin_auditlog) or the usage template (resource_id, month, …)."
        )
    columns = {}
    for field_name, aliases in TABLES[table].items():
        columns[field_name] = next((keys.index(a) for a in aliases if a in present), None)
    missing = [name for name in REQUIRED[table] if columns[name] is None]
    if missing:
        raise FileRejected(f"The {table} file has no column for: {', '.join(missing)}.")
    parsed = ParsedFile(file_format=table, usage_sink=usage_sink)
    handler = HANDLERS[table]
    aggregate: dict = defaultdict(lambda: [0, set()])
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        parsed.rows_read += 1

        def cell(field_name, row=row) -> str:
            index = columns[field_name]
            return row[index].strip() if index is not None and index < len(row) else ""

        try:
            handler(parsed, reader.line_num, cell, aggregate)
        except ValueError as exc:
            parsed.rejected.append(
                (reader.line_num, resource_key(cell(REQUIRED[table][0]))[:100], str(exc))
            )
    if table == "admin_auditlog":
        _finish_audit_log(parsed, aggregate)
    if table == "admin_app":
        parsed.covered_types |= {CANVAS, MODEL_DRIVEN}
    if table == "admin_flow":
        parsed.covered_types.add(CLOUD_FLOW)
    return parsed


def _id(cell, field_name: str = "id") -> str:
    key = resource_key(cell(field_name))
    if not key:
        raise ValueError("the id is empty")
    if len(key) > 100:
        raise ValueError("the id is longer than 100 characters")
    return key


def _name(cell) -> str:
    name = cell("name")
    if not name:
        raise ValueError("the name is empty")
    if len(name) > 200:
        raise ValueError("the name is longer than 200 characters")
    return name


def _moment(cell, field_name: str):
    try:
        return parse_datetime(cell(field_name))
    except ValueError as exc:
        raise ValueError(f"{field_name}: {exc}") from None


def _app(parsed: ParsedFile, line: int, cell, _aggregate) -> None:
    kind = MODEL_DRIVEN if "model" in cell("app_type").lower() else CANVAS
    parsed.resources.append(
        ResourceRow(
            line=line,
            resource_id=_id(cell),
            resource_type=kind,
            name=_name(cell),
            environment_id=resource_key(cell("environment")),
            owner_object_id=resource_key(cell("owner")),
            created_at=_moment(cell, "created"),
            modified_at=_moment(cell, "modified"),
            state="deleted" if is_true(cell("deleted")) else "",
        )
    )


def _flow(parsed: ParsedFile, line: int, cell, _aggregate) -> None:
    state = cell("state").lower()
    if is_true(cell("deleted")):
        state = "deleted"
    elif state in ("started", "on", "active"):
        state = ""
    parsed.resources.append(
        ResourceRow(
            line=line,
            resource_id=_id(cell),
            resource_type=CLOUD_FLOW,
            name=_name(cell),
            environment_id=resource_key(cell("environment")),
            owner_object_id=resource_key(cell("owner")),
            created_at=_moment(cell, "created"),
            modified_at=_moment(cell, "modified"),
            state=state[:40],
        )
    )


def _environment(parsed: ParsedFile, line: int, cell, _aggregate) -> None:
    if is_true(cell("deleted")):
        return
    parsed.environments.append(
        EnvironmentRow(
            line=line,
            environment_id=_id(cell),
            name=cell("name")[:200],
            environment_type=cell("sku")[:40],
            group_name=cell("group")[:200],
        )
    )


def _maker(parsed: ParsedFile, line: int, cell, _aggregate) -> None:
    parsed.makers.append(
        MakerRow(
            line=line,
            object_id=_id(cell),
            display_name=cell("name")[:150],
            upn=cell("upn")[:150],
            email=cell("email")[:254],
            department=cell("department")[:150],
        )
    )


def _template(parsed: ParsedFile, line: int, cell, _aggregate) -> None:
    kind = cell("type").strip().lower()
    if "/" not in kind:
        raise ValueError(f"type “{cell('type')}” is not a resource type such as {CANVAS}")
    state = cell("state").lower()
    if state not in STATES:
        raise ValueError(f"state “{cell('state')}” is not one of: draft, suspended, deleted, …")
    environment_id = resource_key(cell("environment"))
    if environment_id and cell("environment_name"):
        parsed.environments.append(
            EnvironmentRow(
                line=line, environment_id=environment_id, name=cell("environment_name")[:200]
            )
        )
    parsed.covered_types.add(kind)
    parsed.resources.append(
        ResourceRow(
            line=line,
            resource_id=_id(cell),
            resource_type=kind[:80],
            name=_name(cell),
            environment_id=environment_id,
            owner_object_id=resource_key(cell("owner")),
            owner_upn=cell("owner_upn")[:150],
            created_at=_moment(cell, "created"),
            modified_at=_moment(cell, "modified"),
            published_at=_moment(cell, "published"),
            state="" if state in ("started", "active") else state,
        )
    )


def _usage(parsed: ParsedFile, line: int, cell, _aggregate) -> None:
    parsed.add_usage(
        UsageRow(
            line=line,
            # Interned: a resource's dozen monthly rows then share one string (memory).
            resource_id=sys.intern(_id(cell)),
            month=parse_month(cell("month")),
            runs=whole(cell("runs"), "runs"),
            launches=whole(cell("launches"), "launches"),
            active_users=whole(cell("active_users"), "active users"),
        )
    )


def _audit(parsed: ParsedFile, line: int, cell, aggregate) -> None:
    """One audit-log event; app launches are summed per app and month at the end."""
    if cell("operation").lower() != "launchpowerapp":
        return
    moment = _moment(cell, "time")
    if moment is None:
        raise ValueError("the event has no time")
    entry = aggregate[(_id(cell, "app"), moment.date().replace(day=1))]
    entry[0] += 1
    if cell("user"):
        entry[1].add(cell("user").lower())


def _finish_audit_log(parsed: ParsedFile, aggregate) -> None:
    for (resource_id, month), (launches, users) in sorted(aggregate.items()):
        parsed.add_usage(
            UsageRow(
                line=0,
                resource_id=resource_id,
                month=month,
                launches=launches,
                active_users=len(users),
            )
        )


HANDLERS = {
    "admin_app": _app,
    "admin_flow": _flow,
    "admin_environment": _environment,
    "admin_maker": _maker,
    "admin_auditlog": _audit,
    "usage_template": _usage,
    "template": _template,
}
