from .views import AreaViewSet, LevelViewSet

routes = [
    ("maturity/levels", LevelViewSet, "maturity-level"),
    ("maturity/areas", AreaViewSet, "maturity-area"),
]
