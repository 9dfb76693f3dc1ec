"""CSV files for people (report exports), written in the active language so that a spreadsheet
opens them as they are: English with "," between fields and "." as the decimal point; German
with ";" between fields and "," as the decimal point (German Excel reads a "," as part of a
number, so it expects ";"). Column headers are translated by the caller (gettext). Numbers are
written without thousands separators, so that every spreadsheet reads them as numbers.

The API's CSV (config.api) is for programs and stays "," and "." in every language."""

import csv
import io
import re

from django.utils import translation
from django.utils.formats import get_format

# Languages whose spreadsheets expect ";" between fields (the decimal separator is ",").
SEMICOLON_LANGUAGES = {"de"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def csv_delimiter() -> str:
    language = (translation.get_language() or "").split("-")[0]
    return ";" if language in SEMICOLON_LANGUAGES else ","


def csv_writer(out: io.StringIO):
    """A csv.writer with the active language's field separator."""
    return csv.writer(out, delimiter=csv_delimiter())


def csv_number(text: str) -> str:
    """A number we wrote ourselves ("-2600.00", JSON figures) with the active language's
    decimal separator ("-2600,00" in German); anything else unchanged."""
    if PLAIN_NUMBER.match(text) and "." in text:
        return text.replace(".", get_format("DECIMAL_SEPARATOR"))
    return text


def csv_cell(cell) -> str:
    """One cell: numbers in the active language's format; text that a spreadsheet would run as a
    formula gets a leading apostrophe (numbers, negative ones too, stay numbers)."""
    text = "" if cell is None else str(cell)
    if PLAIN_NUMBER.match(text):
        return csv_number(text)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def csv_bytes(out: io.StringIO) -> bytes:
    """UTF-8 with a byte-order mark: spreadsheets then read it as UTF-8 (umlauts intact)."""
    return ("\ufeff" + out.getvalue()).encode()
