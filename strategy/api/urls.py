from .views import (
    CheckInViewSet,
    InitiativeViewSet,
    KeyResultViewSet,
    KpiViewSet,
    ObjectiveViewSet,
    PlanViewSet,
)

routes = [
    ("plans", PlanViewSet, "plan"),
    ("objectives", ObjectiveViewSet, "objective"),
    ("key-results", KeyResultViewSet, "key-result"),
    ("check-ins", CheckInViewSet, "check-in"),
    ("initiatives", InitiativeViewSet, "initiative"),
    ("kpis", KpiViewSet, "kpi"),
]
