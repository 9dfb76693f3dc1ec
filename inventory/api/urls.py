from .views import ImportRunViewSet, MappingRuleViewSet

routes = [
    ("inventory-runs", ImportRunViewSet, "inventory-run"),
    ("inventory-mapping-rules", MappingRuleViewSet, "inventory-mapping-rule"),
]
