from .views import ReportDefinitionViewSet, ReportSnapshotViewSet

routes = [
    ("report-definitions", ReportDefinitionViewSet, "report-definition"),
    ("report-snapshots", ReportSnapshotViewSet, "report-snapshot"),
]
