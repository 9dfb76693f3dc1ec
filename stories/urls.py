from django.urls import path

from . import views

app_name = "stories"

urlpatterns = [
    path("", views.StoryListView.as_view(), name="story_list"),
    path("mine/", views.MyStoriesView.as_view(), name="story_mine"),
    path("review/", views.ReviewQueueView.as_view(), name="story_review_queue"),
    path("new/", views.StoryFormView.as_view(), name="story_create"),
    path("sessions/", views.SessionListView.as_view(), name="session_list"),
    path("sessions/new/", views.SessionFormView.as_view(), name="session_create"),
    path("sessions/<uuid:uuid>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("sessions/<uuid:uuid>/edit/", views.SessionFormView.as_view(), name="session_update"),
    path("sessions/<uuid:uuid>/slots/", views.SessionSlotAddView.as_view(), name="slot_add"),
    path(
        "sessions/<uuid:uuid>/slots/<uuid:story_uuid>/remove/",
        views.SessionSlotRemoveView.as_view(),
        name="slot_remove",
    ),
    path("newsletters/", views.NewsletterListView.as_view(), name="newsletter_list"),
    path("newsletters/new/", views.NewsletterFormView.as_view(), name="newsletter_create"),
    path(
        "newsletters/subscription/",
        views.NewsletterSubscriptionView.as_view(),
        name="newsletter_subscription",
    ),
    path(
        "newsletters/unsubscribe/<uuid:token>/",
        views.NewsletterUnsubscribeView.as_view(),
        name="newsletter_unsubscribe",
    ),
    path(
        "newsletters/<uuid:uuid>/", views.NewsletterDetailView.as_view(), name="newsletter_detail"
    ),
    path(
        "newsletters/<uuid:uuid>/edit/",
        views.NewsletterFormView.as_view(),
        name="newsletter_update",
    ),
    path(
        "newsletters/<uuid:uuid>/preview/",
        views.NewsletterPreviewView.as_view(),
        name="newsletter_preview",
    ),
    path(
        "newsletters/<uuid:uuid>/send/", views.NewsletterSendView.as_view(), name="newsletter_send"
    ),
    path("<uuid:uuid>/", views.StoryDetailView.as_view(), name="story_detail"),
    path("<uuid:uuid>/edit/", views.StoryFormView.as_view(), name="story_update"),
    path("<uuid:uuid>/submit/", views.StorySubmitView.as_view(), name="story_submit"),
    path("<uuid:uuid>/review/", views.StoryReviewView.as_view(), name="story_review"),
    path("<uuid:uuid>/score/", views.StoryScoreView.as_view(), name="story_score"),
    path(
        "<uuid:uuid>/record-value/", views.StoryRecordValueView.as_view(), name="story_record_value"
    ),
    path("<uuid:uuid>/like/", views.StoryLikeView.as_view(), name="story_like"),
    path("<uuid:uuid>/outline.md", views.StoryOutlineView.as_view(), name="story_outline"),
]
