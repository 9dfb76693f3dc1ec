"""Rounding for display, in one place: figures are computed from exact values and rounded once,
half-up (31.25 → 31.3), when they are shown or written out. A result that rounds to zero is
plain zero, never "-0.0"."""

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")
FOUR_DECIMALS = Decimal("0.0001")


def round_half_up(value, places: Decimal = ONE_DECIMAL) -> Decimal | None:
    """`value` (Decimal, int, float or numeric text) rounded half-up to `places`; None stays
    None. Floats go through their shortest text form, so 31.25 stays 31.25 before rounding."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = number.quantize(places, rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # no negative zero


def display_float(value, places: Decimal = ONE_DECIMAL) -> float | None:
    """The rounded figure as a JSON number (API answers, chart data, frozen report data)."""
    rounded = round_half_up(value, places)
    return None if rounded is None else float(rounded)


def percent_text(value, places: Decimal = ONE_DECIMAL) -> str:
    """ "31.3 %" for pages, CSV and PDF; "—" when there is no figure."""
    rounded = round_half_up(value, places)
    return "—" if rounded is None else f"{rounded} %"
