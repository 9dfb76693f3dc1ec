"""Demo data for reports: a quarterly ROI report for the sponsors with last quarter generated,
and a monthly KPI report for the organisation with its last two months generated (so that the
newer one shows the change since the older)."""

from django.utils import timezone

from accounts.models import User

from . import services
from .models import ReportDefinition, ReportSnapshot


def _definition(coe, name: str, kind: str, cadence: str) -> ReportDefinition:
    definition = ReportDefinition.objects.filter(name=name).first()
    if definition is None:
        definition = services.definition_save(
            definition=ReportDefinition(),
            actor=coe,
            data={"name": name, "kind": kind, "cadence": cadence, "recipients": "exec@example.org"},
        )
    return definition


def _generate(definition, coe, start, end) -> None:
    snapshot, _ = ReportSnapshot.objects.get_or_create(
        definition=definition, period_start=start, period_end=end, defaults={"requested_by": coe}
    )
    if snapshot.status == ReportSnapshot.Status.PENDING:
        # Generated here rather than by a worker, so that the demo shows a report at once.
        services.snapshot_generate(snapshot.pk)


def seed() -> str:
    coe = User.objects.filter(username="coe").first()
    today = timezone.localdate()
    roi = _definition(
        coe,
        "Quarterly ROI for sponsors",
        ReportDefinition.Kind.ROI,
        ReportDefinition.Cadence.QUARTERLY,
    )
    _generate(roi, coe, *services.last_complete_period(roi, today))
    kpis = _definition(
        coe,
        "Monthly KPIs and key results",
        ReportDefinition.Kind.KPI,
        ReportDefinition.Cadence.MONTHLY,
    )
    # Oldest first: each KPI report measures its changes against the one before.
    for start, end in reversed(services.past_periods(kpis, today, count=2)):
        _generate(kpis, coe, start, end)
    return (
        f"report “{roi}” with {roi.snapshots.count()} snapshot(s), "
        f"report “{kpis}” with {kpis.snapshots.count()} snapshot(s)"
    )
