from .views import ImportRunViewSet, MappingRuleViewSet, SolutionUsageViewSet

routes = [
    ("inventory-runs", ImportRunViewSet, "inventory-run"),
    ("inventory-mapping-rules", MappingRuleViewSet, "inventory-mapping-rule"),
    ("solution-usage", SolutionUsageViewSet, "solution-usage"),
]
