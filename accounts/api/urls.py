from .views import BusinessUnitViewSet, UserViewSet

routes = [
    ("business-units", BusinessUnitViewSet, "business-unit"),
    ("users", UserViewSet, "user"),
]
