"""The value calculator: turns a before/after metric, or a saving per run, into hours and money.

Pure arithmetic, no database: the calculator page previews with it, and value_record_create()
stores what it returns."""

from dataclasses import dataclass
from decimal import Decimal

MINUTES_PER_HOUR = Decimal(60)


@dataclass(frozen=True)
class Calculation:
    hours_saved: Decimal
    cost_avoided: Decimal
    hourly_rate: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.hours_saved * self.hourly_rate + self.cost_avoided).quantize(Decimal("0.01"))


def time_saved(
    *, before_minutes: Decimal, after_minutes: Decimal, volume: Decimal, hourly_rate: Decimal
) -> Calculation:
    """Minutes per item before and after, times items per month: hours saved, valued at the
    loaded hourly rate. E.g. 12 → 2 minutes per invoice x 3,000 invoices = 500 hours."""
    hours = (before_minutes - after_minutes) * volume / MINUTES_PER_HOUR
    return Calculation(hours.quantize(Decimal("0.1")), Decimal("0.00"), hourly_rate)


def cost_reduced(
    *, before: Decimal, after: Decimal, volume: Decimal, unit_cost: Decimal, hourly_rate: Decimal
) -> Calculation:
    """A count per item before and after (errors, paper forms, call-backs), times items per
    month, times the average cost of one such thing: cost avoided."""
    avoided = (before - after) * volume * unit_cost
    return Calculation(Decimal("0.0"), avoided.quantize(Decimal("0.01")), hourly_rate)


def usage_weighted(*, minutes_per_run: Decimal, runs: int, hourly_rate: Decimal) -> Calculation:
    """Saving per run times the runs actually counted in the month: value follows real use."""
    hours = minutes_per_run * Decimal(runs) / MINUTES_PER_HOUR
    return Calculation(hours.quantize(Decimal("0.1")), Decimal("0.00"), hourly_rate)
