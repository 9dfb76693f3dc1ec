"""Demo data for reports: a quarterly ROI report for the sponsors with last quarter generated."""

from django.utils import timezone

from accounts.models import User

from . import services
from .models import ReportDefinition, ReportSnapshot


def seed() -> str:
    coe = User.objects.filter(username="coe").first()
    definition = ReportDefinition.objects.filter(name="Quarterly ROI for sponsors").first()
    if definition is None:
        definition = services.definition_save(
            definition=ReportDefinition(),
            actor=coe,
            data={
                "name": "Quarterly ROI for sponsors",
                "kind": ReportDefinition.Kind.ROI,
                "cadence": ReportDefinition.Cadence.QUARTERLY,
                "recipients": "exec@example.org",
            },
        )
    start, end = services.last_complete_period(definition, timezone.localdate())
    snapshot, _ = ReportSnapshot.objects.get_or_create(
        definition=definition, period_start=start, period_end=end, defaults={"requested_by": coe}
    )
    if snapshot.status == ReportSnapshot.Status.PENDING:
        # Generated here rather than by a worker, so that the demo shows a report at once.
        services.snapshot_generate(snapshot.pk)
    return f"report “{definition}” with {definition.snapshots.count()} snapshot(s)"
