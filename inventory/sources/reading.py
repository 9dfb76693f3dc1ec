"""Open an inventory file, check it, decode it and hand it to the parser its content calls for.

Nothing here trusts the file name: the first bytes decide. ZIP archives (and Excel workbooks,
which are ZIP archives) are refused outright, so no archive is ever expanded (no zip bombs)."""

import codecs
import io
import os

from django.conf import settings

from . import csvfiles, ppac
from .rows import FileRejected, ParsedFile

DEFAULT_MAX_BYTES = 200 * 1024 * 1024


def max_bytes() -> int:
    return getattr(settings, "INVENTORY_MAX_FILE_BYTES", DEFAULT_MAX_BYTES)


def _encoding(head: bytes) -> str:
    """UTF-8 with or without a byte-order mark, or UTF-16 (Excel's "Unicode text")."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:200]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"  # no mark, but every other byte is zero: ASCII text in UTF-16
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    return "utf-8"


def read_file(path: str | os.PathLike, *, usage_sink=None) -> ParsedFile:
    """Read and check one inventory file. Raises FileRejected for a file that cannot be read
    as a whole; row-level problems are listed in ParsedFile.rejected instead. Usage rows go to
    `usage_sink` in chunks as they are read (see ParsedFile.usage_sink)."""
    size = os.path.getsize(path)
    limit = max_bytes()
    if size > limit:
        raise FileRejected(
            f"The file is {size / 1048576:.0f} MB; the limit is {limit / 1048576:.0f} MB. "
            "Split it, or import it with the command line after raising the limit."
        )
    if size == 0:
        raise FileRejected("The file is empty.")
    with open(path, "rb") as raw:
        head = raw.read(4096)
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")):
            raise FileRejected(
                "This is an archive or an Excel workbook. Save the sheet as CSV (or the API "
                "response as JSON) and upload that file."
            )
        encoding = _encoding(head)
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        try:
            parsed = _parse(text, usage_sink)
        except UnicodeDecodeError:
            raise FileRejected(
                "The file is not UTF-8 or UTF-16 text. Save it as “CSV UTF-8” or "
                "“Unicode text” and try again."
            ) from None
    parsed.flush_usage()
    return parsed


def _parse(text: io.TextIOWrapper, usage_sink=None) -> ParsedFile:
    start = text.read(1)
    while start and start.isspace():
        start = text.read(1)
    if start in ("{", "["):
        return ppac.parse(start + text.read())
    if not start:
        raise FileRejected("The file is empty.")
    if start == "<":
        raise FileRejected("This looks like an HTML or XML page, not an inventory export.")
    return csvfiles.parse(start, text, usage_sink=usage_sink)
