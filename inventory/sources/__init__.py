"""Reading tenant inventory files: each source turns its format into the same normalised rows
(inventory.sources.rows). `read_file(path)` detects the format from the content."""

from .reading import read_file
from .rows import FileRejected, ParsedFile

__all__ = ["FileRejected", "ParsedFile", "read_file"]
