"""Demo data for the value app: a cost library, solutions in several units owned by the demo
makers, their costs, a year of value records and programme costs. Idempotent."""

import random
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import BusinessUnit, User

from . import rollup
from .figures import month_end, month_start, months_between
from .models import ProgrammeCost, Solution, UnitCost, ValueRecord

D = Decimal

# (unit slug or None, name, measure, amount, is staff hour, note)
UNIT_COSTS = [
    (None, "Staff hour (loaded)", "hour", "45.00", True, "Salary, on-costs and overheads"),
    ("finance", "Finance staff hour", "hour", "52.00", True, "Finance pay grades"),
    ("operations", "Operations staff hour", "hour", "38.00", True, "Shift-based roles"),
    ("accounts-payable", "Invoice processed by hand", "item", "6.40", False, ""),
    (None, "Paper form printed and filed", "item", "1.80", False, "Printing, storage, disposal"),
    ("fleet", "Vehicle off the road for a day", "event", "310.00", False, "Hire cover and delay"),
    (None, "Data-entry error corrected", "event", "24.00", False, "Average rework"),
]

# (name, kind, unit slug, owner, months live before today, build hours, rate, licence, capacity,
#  support, projected monthly value, hours saved per month, other value per month, description)
SOLUTIONS = [
    (
        "Invoice approvals",
        "canvas_app",
        "accounts-payable",
        "maker",
        16,
        120,
        55,
        0,
        40,
        60,
        3800,
        70,
        450,
        "Routes supplier invoices to budget holders and posts approved ones.",
    ),
    (
        "Supplier onboarding",
        "cloud_flow",
        "procurement",
        "maker",
        10,
        40,
        55,
        0,
        0,
        25,
        900,
        18,
        0,
        "Collects supplier documents and checks them before the record is created.",
    ),
    (
        "Receipt capture",
        "canvas_app",
        "accounts-payable",
        "maker",
        5,
        60,
        55,
        90,
        20,
        20,
        1500,
        26,
        120,
        "Staff photograph receipts; amounts are read and matched to card lines.",
    ),
    (
        "Vehicle safety checks",
        "canvas_app",
        "fleet",
        "maker2",
        14,
        90,
        50,
        0,
        30,
        40,
        2400,
        42,
        620,
        "Replaces paper inspection sheets; faults reach the workshop the same day.",
    ),
    (
        "Fuel card reconciliation",
        "cloud_flow",
        "fleet",
        "maker2",
        8,
        30,
        50,
        15,
        0,
        15,
        800,
        20,
        0,
        "Matches fuel card statements against vehicle logs every night.",
    ),
    (
        "Stock count",
        "canvas_app",
        "warehousing",
        "maker2",
        6,
        70,
        50,
        0,
        25,
        30,
        1400,
        30,
        150,
        "Counts bin by bin on a phone; differences go straight to the stock ledger.",
    ),
    (
        "New starter assistant",
        "copilot_agent",
        "people",
        None,
        4,
        110,
        65,
        200,
        40,
        80,
        2000,
        35,
        0,
        "Answers new employees' questions about their first weeks.",
    ),
    (
        "Sales pipeline insights",
        "power_bi_report",
        "sales",
        None,
        12,
        50,
        65,
        100,
        0,
        30,
        1800,
        25,
        300,
        "One view of the pipeline instead of weekly spreadsheet merges.",
    ),
]

PROGRAMME_COSTS = [
    # (unit slug or None, kind, description, months back from this month to start, length, amount)
    (None, "coe_team", "CoE team (share of two roles)", 12, 12, "42000"),
    (None, "training", "Maker training days", 9, 1, "4500"),
    ("operations", "training", "Fleet and warehouse app-in-a-day", 6, 1, "2200"),
    (None, "tooling", "Premium licences for the CoE", 12, 12, "7200"),
]


def _months_ago(today: date, count: int) -> date:
    year, month = today.year, today.month - count
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


# Solutions whose value a published demo story measures, with the days since that story was
# published: stories.demo publishes it then and records the value from its metrics from that
# month on, so the monthly records here stop before that month and each month counts once.
# (Kept here, not read from the stories demo, so that value never imports a higher app.)
MEASURED_BY_STORY_DAYS_AGO = {"Invoice approvals": 70}


def _value_from_stories(today: date) -> dict[str, date]:
    """The first month of each solution whose value comes from a story."""
    return {
        name: month_start(today - timedelta(days=days_ago))
        for name, days_ago in MEASURED_BY_STORY_DAYS_AGO.items()
    }


def seed() -> str:
    today = date.today()
    story_months = _value_from_stories(today)
    units = {unit.slug: unit for unit in BusinessUnit.objects.all()}
    users = {user.username: user for user in User.objects.filter(username__in=["maker", "maker2"])}
    coe = User.objects.filter(username="coe").first()

    for slug, name, measure, amount, is_staff_hour, note in UNIT_COSTS:
        UnitCost.objects.update_or_create(
            business_unit=units.get(slug) if slug else None,
            name=name,
            defaults={
                "measure": measure,
                "amount": D(amount),
                "is_staff_hour": is_staff_hour,
                "note": note,
            },
        )

    first_month = _months_ago(today, 12)
    last_month = _months_ago(today, 1)
    created_records = 0
    for (name, kind, slug, owner, live_months, build_hours, rate, licence, capacity, support,
         projected, hours, other, description) in SOLUTIONS:  # fmt: skip
        unit = units[slug]
        solution, _ = Solution.objects.get_or_create(
            name=name,
            business_unit=unit,
            defaults={
                "kind": kind,
                "owner": users.get(owner) if owner else None,
                "description": description,
                "environment": "Production",
                "status": Solution.Status.LIVE,
                "go_live_on": _months_ago(today, live_months).replace(day=12),
                "monthly_users": random.Random(name).randint(8, 220),
                "monthly_runs": random.Random(name + "runs").randint(300, 4000),
                "build_hours": D(build_hours),
                "build_hourly_rate": D(rate),
                "licence_cost_monthly": D(licence),
                "capacity_cost_monthly": D(capacity),
                "support_cost_monthly": D(support),
                "projected_monthly_value": D(projected),
                "projected_monthly_hours": D(hours),
            },
        )
        if solution.value_records.exists():
            continue
        rate_per_hour = D("52.00") if slug in ("accounts-payable", "procurement") else D("45.00")
        if slug in ("fleet", "warehousing"):
            rate_per_hour = D("38.00")
        noise = random.Random(f"value-{name}")
        records = []
        for index, month in enumerate(months_between(first_month, month_end(last_month))):
            if month < solution.go_live_on.replace(day=1):
                continue
            if name in story_months and month >= story_months[name]:
                break  # from here on, recorded from the story's measured figures
            ramp = min(D(1), D(index + 1) / D(3)) if live_months <= 12 else D(1)
            month_hours = (D(hours) * ramp * D(noise.uniform(0.8, 1.2))).quantize(D("0.1"))
            month_other = (D(other) * ramp * D(noise.uniform(0.7, 1.3))).quantize(D("0.01"))
            source = ValueRecord.Source.MAKER_ESTIMATE
            if index >= 4:
                source = ValueRecord.Source.MEASURED
            if index >= 4 and index % 3 == 0:
                source = ValueRecord.Source.COE_VERIFIED
            records.append(
                ValueRecord(
                    solution=solution,
                    month=month,
                    hours_saved=month_hours,
                    hourly_rate=rate_per_hour,
                    cost_avoided=month_other,
                    amount=(month_hours * rate_per_hour + month_other).quantize(D("0.01")),
                    source=source,
                    note="Monthly figure" if source != "maker_estimate" else "Maker's estimate",
                    recorded_by=solution.owner or coe,
                )
            )
        ValueRecord.objects.bulk_create(records)
        rollup.refresh_units([solution.business_unit_id])
        created_records += len(records)

    for slug, kind, description, back, length, amount in PROGRAMME_COSTS:
        starts = _months_ago(today, back)
        ends = month_end(_months_ago(today, back - length + 1))
        ProgrammeCost.objects.get_or_create(
            business_unit=units.get(slug) if slug else None,
            kind=kind,
            starts_on=starts,
            defaults={"description": description, "ends_on": ends, "amount": D(amount)},
        )
    return f"{Solution.objects.count()} solutions, {created_records} new value records"
