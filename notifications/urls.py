from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notification_list"),
    path("unread/", views.UnreadCountView.as_view(), name="unread_count"),
    path("read-all/", views.NotificationsMarkAllReadView.as_view(), name="mark_all_read"),
    path("settings/", views.NotificationSettingsView.as_view(), name="settings"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("channels/", views.ChannelListView.as_view(), name="channel_list"),
    path("channels/new/", views.ChannelCreateView.as_view(), name="channel_create"),
    path("channels/<uuid:uuid>/edit/", views.ChannelUpdateView.as_view(), name="channel_update"),
    path("channels/<uuid:uuid>/test/", views.ChannelTestView.as_view(), name="channel_test"),
    path("failures/", views.FailureListView.as_view(), name="failure_list"),
    path("failures/<uuid:uuid>/retry/", views.FailureRetryView.as_view(), name="failure_retry"),
    path("<uuid:uuid>/", views.NotificationOpenView.as_view(), name="notification_open"),
]
