"""Demo data for strategy: an active value plan from the ROI template with months of weekly
check-ins, KPIs with measurements and a roadmap on all three horizons (idempotent)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import BusinessUnit, User

from . import services
from .models import Initiative, KeyResult, Kpi, Objective, Plan, PlanStep, PlanTemplate

PLAN_TITLE = "Harbourline value plan"

# The figures chosen for the template's blanks.
BLANKS = {
    "roi-knowledge": 60,
    "roi-artifacts": 50,
    "roi-accuracy": 80,
    "critical-apps-roi": 75,
    "enterprise-roi": 90,
    "cost-reduction": 15,
    "time-to-value": 30,
    "validated-headlines": 85,
    "stories-with-metrics": 70,
    "perception": 20,
    # Not checked in yet: the demo shows key results awaiting a first check-in.
    "pilot-cases": 3,
    "toolkit-solutions": 20,
}

# How far along each key result is compared with a straight line (1.0 = on schedule).
PACE = {
    "roi-knowledge": 1.05,
    "roi-accuracy": 0.95,
    "critical-apps-roi": 0.7,  # lagging: at risk
    "enterprise-roi": 1.1,
    "time-to-value": 0.45,  # well behind: off track
    "stories-with-metrics": 0.9,
    "roi-artifacts": 0.85,
    "cost-reduction": 0.8,
    "validated-headlines": 1.0,
    "perception": 0.3,  # far behind: off track
}


def _weekly(start, today):
    day = start + timedelta(days=7)
    while day <= today:
        yield day
        day += timedelta(days=7)


def _at(day):
    return timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time())
    ).replace(hour=10)


def seed() -> None:
    """Create the demo plan once; a second run finds it by title and changes nothing."""
    if not PlanTemplate.objects.filter(key="realize-value").exists():
        services.load_plan_templates()
    if Plan.objects.filter(title=PLAN_TITLE).exists():
        return
    coe = User.objects.get(username="coe")
    executive = User.objects.get(username="exec")
    maker = User.objects.get(username="maker")
    maker2 = User.objects.get(username="maker2")
    today = timezone.localdate()
    starts_on = today - timedelta(days=126)
    ends_on = starts_on + timedelta(days=365)

    plan = services.plan_create_from_template(
        template=PlanTemplate.objects.get(key="realize-value"),
        actor=coe,
        title=PLAN_TITLE,
        starts_on=starts_on,
        ends_on=ends_on,
        blanks={key: Decimal(value) for key, value in BLANKS.items()},
        sponsor=executive,
        status=Plan.Status.ACTIVE,
    )
    for step, days_ago in (
        (PlanStep.Step.ASSESSMENT, 140),
        (PlanStep.Step.VISION, 130),
        (PlanStep.Step.SPONSOR, 128),
    ):
        plan.steps.filter(step=step).update(done_by=coe, done_on=today - timedelta(days=days_ago))

    key_results = {kr.title: kr for kr in KeyResult.objects.filter(objective__plan=plan)}
    by_blank = {}
    for objective_data in plan.template.objectives:
        for kr_data in objective_data["key_results"]:
            if kr_data["key"] in BLANKS:
                title = services.fill_blank(kr_data["title"], Decimal(BLANKS[kr_data["key"]]))
                by_blank[kr_data["key"]] = key_results[title]
    KeyResult.objects.filter(pk__in=[kr.pk for kr in key_results.values()]).update(
        check_in_frequency="weekly"
    )
    by_blank["critical-apps-roi"].owner = maker
    by_blank["critical-apps-roi"].save(update_fields=["owner"])
    by_blank["stories-with-metrics"].owner = maker2
    by_blank["stories-with-metrics"].save(update_fields=["owner"])

    span = (ends_on - starts_on).days
    for key, pace in PACE.items():
        kr = by_blank[key]
        kr.refresh_from_db()
        # The maker's key result has gone quiet for ten days, so it shows as due for a check-in.
        last_day = today - timedelta(days=10 if key == "critical-apps-roi" else 3)
        weeks = list(_weekly(starts_on, last_day))
        for number, day in enumerate(weeks, start=1):
            share = min(pace * (day - starts_on).days / span, 1)
            value = (kr.target * Decimal(str(share))).quantize(Decimal("0.1"))
            services.key_result_check_in(
                key_result=kr,
                value=value,
                author=kr.owner,
                confidence=8 if pace >= 0.9 else 5 if pace >= 0.6 else 3,
                comment="Steady week." if number % 4 else "Reviewed with the sponsor.",
                at=_at(day),
            )

    # A key result of each other kind, on a new objective.
    objective = Objective.objects.create(
        plan=plan,
        title="Run the platform at a sensible cost",
        why="Cheaper, faster approvals and a calm platform keep makers productive.",
        owner=coe,
        order=plan.objectives.count(),
    )
    hours = KeyResult.objects.create(
        objective=objective,
        title="Bring the average approval time for a new app down to 10 hours",
        kind=KeyResult.Kind.DECREASE,
        unit="hours",
        baseline=40,
        target=10,
        starts_on=starts_on,
        due_on=ends_on,
        owner=coe,
        check_in_frequency="weekly",
    )
    for day in _weekly(starts_on, today - timedelta(days=2)):
        value = Decimal(40) - Decimal(30) * Decimal((day - starts_on).days) / Decimal(span) * 1
        services.key_result_check_in(
            key_result=hours,
            value=value.quantize(Decimal("0.1")),
            author=coe,
            confidence=7,
            at=_at(day),
        )
    licences = KeyResult.objects.create(
        objective=objective,
        title="Keep monthly licence spend below EUR 12,000",
        kind=KeyResult.Kind.STAY_BELOW,
        unit="currency",
        currency="EUR",
        baseline=11500,
        target=12000,
        starts_on=starts_on,
        due_on=ends_on,
        owner=coe,
        check_in_frequency="monthly",
    )
    incidents = KeyResult.objects.create(
        objective=objective,
        title="Keep at least 40 people in the active maker community",
        kind=KeyResult.Kind.STAY_ABOVE,
        unit="people",
        baseline=35,
        target=40,
        starts_on=starts_on,
        due_on=ends_on,
        owner=maker2,
        check_in_frequency="monthly",
    )
    services.key_result_check_in(
        key_result=incidents,
        value=Decimal(37),
        author=maker2,
        confidence=4,
        comment="Two teams paused their projects.",
        at=_at(today - timedelta(days=20)),
    )
    milestone = KeyResult.objects.create(
        objective=objective,
        title="Chargeback model agreed with Finance",
        kind=KeyResult.Kind.MILESTONE,
        unit="number",
        baseline=0,
        target=1,
        starts_on=starts_on,
        due_on=starts_on + timedelta(days=120),
        owner=coe,
        check_in_frequency="monthly",
    )
    services.key_result_check_in(
        key_result=milestone,
        value=Decimal(1),
        author=coe,
        confidence=10,
        comment="Signed off by the CFO.",
        at=_at(starts_on + timedelta(days=100)),
    )

    # KPIs with monthly measurements; the licence key result follows the licence KPI.
    it = BusinessUnit.objects.filter(slug="it").first()
    spend, _ = Kpi.objects.get_or_create(
        name="Monthly Power Platform licence spend",
        defaults={
            "description": "Invoice total for platform licences and capacity add-ons.",
            "unit": "currency",
            "currency": "EUR",
            "direction": Kpi.Direction.LOWER,
            "target": Decimal("12000"),  # at most EUR 12,000 a month
            "frequency": "monthly",
            "owner": coe,
            "business_unit": it,
        },
    )
    makers, _ = Kpi.objects.get_or_create(
        name="Active makers",
        defaults={
            "description": "People who changed an app or flow in the last 30 days.",
            "unit": "people",
            "direction": Kpi.Direction.HIGHER,
            "target": Decimal("40"),  # at least 40 active makers
            "frequency": "monthly",
            "owner": coe,
        },
    )
    licences.kpi = spend
    licences.save(update_fields=["kpi"])
    for month, (euros, people) in enumerate([(11400, 31), (11650, 34), (11800, 38), (11750, 37)]):
        day = starts_on + timedelta(days=30 * month + 5)
        for kpi, value in ((spend, euros), (makers, people)):
            if not kpi.measurements.filter(measured_on=day).exists():
                services.kpi_record_measurement(
                    kpi=kpi, measured_on=day, value=Decimal(value), actor=coe
                )

    statuses = [
        Initiative.Status.DONE,
        Initiative.Status.IN_PROGRESS,
        Initiative.Status.IN_PROGRESS,
    ]
    for initiative, status in zip(plan.initiatives.order_by("order"), statuses, strict=False):
        initiative.status = status
        initiative.target_on = today + timedelta(days=30)
        initiative.save(update_fields=["status", "target_on"])
