"""The normalised rows every source produces, whatever file or API they came from."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar


class FileRejected(Exception):
    """The file as a whole cannot be read (wrong format, encoding, size); nothing is imported."""


@dataclass(slots=True)
class ResourceRow:
    """An app, flow, agent or site as the tenant reports it."""

    line: int
    resource_id: str  # the resource's stable GUID, lower case
    resource_type: str  # e.g. microsoft.powerapps/canvasapps
    name: str
    environment_id: str = ""
    owner_object_id: str = ""
    owner_upn: str = ""
    tenant_id: str = ""
    created_at: datetime | None = None
    modified_at: datetime | None = None
    published_at: datetime | None = None
    state: str = ""  # "", "draft", "suspended", "stopped", "quarantined", "deleted"


@dataclass(slots=True)
class EnvironmentRow:
    line: int
    environment_id: str
    name: str = ""
    environment_type: str = ""
    group_name: str = ""
    group_id: str = ""


@dataclass(slots=True)
class MakerRow:
    """A person from the CoE Starter Kit's maker table: their object id and sign-in name."""

    line: int
    object_id: str
    display_name: str = ""
    upn: str = ""
    email: str = ""
    department: str = ""


@dataclass(slots=True)
class UsageRow:
    """Use of one resource in one month (already summed per month)."""

    line: int
    resource_id: str
    month: date
    runs: int = 0
    launches: int = 0
    active_users: int = 0


@dataclass
class ParsedFile:
    """Everything read from one file. `rejected` holds (line, resource id, reason)."""

    file_format: str
    resources: list[ResourceRow] = field(default_factory=list)
    environments: list[EnvironmentRow] = field(default_factory=list)
    makers: list[MakerRow] = field(default_factory=list)
    usage: list[UsageRow] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    # Resource types the file speaks for: in a full import, only solutions of these types that
    # the file leaves out are retired (an app export says nothing about flows).
    covered_types: set[str] = field(default_factory=set)
    rows_read: int = 0
    # Where usage rows go as they are read, in chunks (inventory.staging.UsageStage.add), so
    # that a file of 600,000 monthly rows is never held in memory; without one they are kept
    # in `usage`. `usage_rows` counts them either way.
    usage_sink: Callable[[list[UsageRow]], None] | None = None
    usage_rows: int = 0
    USAGE_CHUNK: ClassVar[int] = 20_000

    def add_usage(self, row: UsageRow) -> None:
        self.usage.append(row)
        self.usage_rows += 1
        if self.usage_sink is not None and len(self.usage) >= self.USAGE_CHUNK:
            self.flush_usage()

    def flush_usage(self) -> None:
        if self.usage_sink is not None and self.usage:
            self.usage_sink(self.usage)
            self.usage = []
