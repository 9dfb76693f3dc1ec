from .views import BadgeRuleViewSet, BadgeViewSet, IdeaViewSet, MakerProfileViewSet

routes = [
    ("ideas", IdeaViewSet, "idea"),
    ("maker-profiles", MakerProfileViewSet, "maker-profile"),
    ("badges", BadgeViewSet, "badge"),
    ("badge-rules", BadgeRuleViewSet, "badge-rule"),
]
