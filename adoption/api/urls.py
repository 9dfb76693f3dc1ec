from .views import AssessmentViewSet

routes = [
    ("assessments", AssessmentViewSet, "assessment"),
]
