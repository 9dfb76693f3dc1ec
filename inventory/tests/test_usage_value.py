from datetime import date
from decimal import Decimal

from value import calculator
from value.models import Solution
from value.services import usage_runs

from .files import FLOW, csv_bytes, resource, template_csv
from .helpers import import_file


def test_usage_weighted_value_uses_the_months_imported_runs(tmp_path, unit):
    import_file(tmp_path, template_csv([resource("f1", "Invoice flow", kind=FLOW)]))
    flow = Solution.objects.get()
    Solution.objects.filter(pk=flow.pk).update(monthly_runs=100)  # typed in long ago
    flow.refresh_from_db()
    usage = csv_bytes(
        ["resource_id", "month", "runs"], [["f1", "2026-01", "1250"], ["f1", "2026-02", "900"]]
    )
    import_file(tmp_path, usage, name="usage.csv", is_full=False)
    january = usage_runs(solution=flow, month=date(2026, 1, 20))
    february = usage_runs(solution=flow, month=date(2026, 2, 1))
    march = usage_runs(solution=flow, month=date(2026, 3, 1))  # no usage: the typed-in figure
    assert (january, february, march) == (1250, 900, 100)
    # 30 minutes saved per run at 40.00 an hour: 1,250 runs = 625 h = 25,000.00;
    # 900 runs = 450 h = 18,000.00.
    rate = Decimal("40.00")
    jan = calculator.usage_weighted(minutes_per_run=Decimal(30), runs=january, hourly_rate=rate)
    feb = calculator.usage_weighted(minutes_per_run=Decimal(30), runs=february, hourly_rate=rate)
    assert (jan.hours_saved, jan.amount) == (Decimal("625.0"), Decimal("25000.00"))
    assert (feb.hours_saved, feb.amount) == (Decimal("450.0"), Decimal("18000.00"))
