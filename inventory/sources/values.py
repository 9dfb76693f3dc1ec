"""Cell values as exports write them: ids, booleans, whole numbers and dates in several formats."""

import functools
import re
from datetime import UTC, date, datetime

from django.conf import settings

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SLASH_DATE = re.compile(
    r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
TRUE = {"true", "yes", "1", "y"}
MAX_COUNT = 2_147_483_647  # the database's integer columns


def resource_key(value: str) -> str:
    """A resource or object id as we store it: trimmed, lower case (the tenant compares ids case
    insensitively, as PPAC joins on tolower()). ARM-style ids keep only their last segment."""
    value = (value or "").strip().strip("{}").lower()
    if "/" in value:
        value = value.rstrip("/").rsplit("/", 1)[-1]
    return value


def is_true(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in TRUE


def whole(value, label: str) -> int:
    """A count of zero or more; "1,234" and "12.0" are accepted. Raises ValueError."""
    if type(value) is str and value.isascii() and value.isdigit():  # the usual cell, fast
        number = int(value)
        if number > MAX_COUNT:
            raise ValueError(f"{label} “{value}” is too large")
        return number
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value or "").strip().replace(",", "").replace(" ", "")
        if not text:
            return 0
        try:
            as_float = float(text)
        except ValueError:
            raise ValueError(f"{label} “{value}” is not a number") from None
        if as_float != int(as_float):
            raise ValueError(f"{label} “{value}” is not a whole number")
        number = int(as_float)
    if number < 0:
        raise ValueError(f"{label} is negative")
    if number > MAX_COUNT:
        raise ValueError(f"{label} “{value}” is too large")
    return number


def parse_datetime(value) -> datetime | None:
    """A date or date-time in ISO 8601 (with Z, an offset or none), `YYYY-MM-DD HH:MM[:SS]`, or
    with slashes or dots (`6/1/2025 8:00 AM`, `01.06.2025`). Slash dates are read month first
    unless settings.INVENTORY_DAY_FIRST is set (the export's locale decides; dotted dates are
    always day first). Times without a zone are UTC. Raises ValueError with the reason."""
    text = str(value or "").strip()
    if not text:
        return None
    iso = text.replace("Z", "+00:00").replace("z", "+00:00")
    # Python before 3.11 was strict about fractions; exports write 1 to 7 digits.
    iso = re.sub(r"(\.\d{6})\d+", r"\1", iso)
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        moment = _slash_datetime(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _slash_datetime(text: str) -> datetime:
    match = SLASH_DATE.match(text)
    if not match:
        raise ValueError(f"date “{text}” is in no format we read")
    first, second, year, hour, minute, second_part, meridiem = match.groups()
    day_first = "." in text or getattr(settings, "INVENTORY_DAY_FIRST", False)
    day, month = (int(first), int(second)) if day_first else (int(second), int(first))
    hours = int(hour or 0)
    if meridiem:
        if hours > 12:
            raise ValueError(f"date “{text}” has a 24-hour time with AM/PM")
        hours = hours % 12 + (12 if meridiem.lower() == "pm" else 0)
    try:
        return datetime(int(year), month, day, hours, int(minute or 0), int(second_part or 0))
    except ValueError:
        raise ValueError(f"date “{text}” does not exist") from None


@functools.lru_cache(maxsize=4096)
def parse_month(value) -> date:
    """A month as `YYYY-MM`, `YYYY-MM-DD` (any day) or a date in another format we read.
    Cached: a usage file repeats a few dozen months over hundreds of thousands of rows, and
    every row of one month then shares one date object."""
    text = str(value or "").strip()
    if len(text) in (7, 10) and text[4] == "-" and text[:4].isdigit() and text[5:7].isdigit():
        try:
            return date(int(text[:4]), int(text[5:7]), 1)
        except ValueError:
            raise ValueError(f"month “{text}” does not exist") from None
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    moment = parse_datetime(text)
    if moment is None:
        raise ValueError("month is empty")
    return moment.date().replace(day=1)
