from .views import NotificationPreferenceViewSet, NotificationViewSet, TeamsChannelViewSet

routes = [
    ("notifications", NotificationViewSet, "notification"),
    ("notification-preferences", NotificationPreferenceViewSet, "notification-preference"),
    ("teams-channels", TeamsChannelViewSet, "teams-channel"),
]
