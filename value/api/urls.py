from .views import (
    ProgrammeCostViewSet,
    SolutionViewSet,
    UnitCostViewSet,
    ValueFiguresViewSet,
    ValueRecordViewSet,
)

routes = [
    ("solutions", SolutionViewSet, "solution"),
    ("value-records", ValueRecordViewSet, "value-record"),
    ("unit-costs", UnitCostViewSet, "unit-cost"),
    ("programme-costs", ProgrammeCostViewSet, "programme-cost"),
    ("value-figures", ValueFiguresViewSet, "value-figures"),
]
