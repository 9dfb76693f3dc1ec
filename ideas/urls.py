from django.urls import path

from . import views

app_name = "ideas"

urlpatterns = [
    path("", views.IdeaListView.as_view(), name="idea_list"),
    path("board/", views.IdeaBoardView.as_view(), name="idea_board"),
    path("new/", views.IdeaFormView.as_view(), name="idea_create"),
    path("similar/", views.IdeaSimilarView.as_view(), name="idea_similar"),
    path("weights/", views.WeightsView.as_view(), name="weights_edit"),
    path("makers/me/", views.MyProfileView.as_view(), name="profile_edit"),
    path("makers/p/<uuid:uuid>/", views.ProfileDetailView.as_view(), name="profile_detail"),
    path("makers/<str:username>/", views.MakerProfileByNameView.as_view(), name="profile_by_name"),
    path("champions/", views.ChampionListView.as_view(), name="champion_list"),
    path("badges/", views.BadgeListView.as_view(), name="badge_list"),
    path("badges/rules/new/", views.BadgeRuleFormView.as_view(), name="badge_rule_create"),
    path("badges/rules/<uuid:uuid>/", views.BadgeRuleFormView.as_view(), name="badge_rule_edit"),
    path("<uuid:uuid>/", views.IdeaDetailView.as_view(), name="idea_detail"),
    path("<uuid:uuid>/edit/", views.IdeaFormView.as_view(), name="idea_edit"),
    path("<uuid:uuid>/vote/", views.IdeaVoteView.as_view(), name="idea_vote"),
    path("<uuid:uuid>/comment/", views.IdeaCommentView.as_view(), name="idea_comment"),
    path(
        "<uuid:uuid>/<slug:action>/",
        views.IdeaReviewActionView.as_view(),
        name="idea_review_action",
    ),
]
