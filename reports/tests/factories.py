import factory

from reports.models import ReportDefinition


class ReportDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportDefinition

    name = factory.Sequence(lambda n: f"Report {n}")
    kind = ReportDefinition.Kind.ROI
    cadence = ReportDefinition.Cadence.QUARTERLY
    period_length = ReportDefinition.PeriodLength.QUARTER
    recipients = "sponsor@example.org\ncfo@example.org"
