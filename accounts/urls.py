from django.contrib.auth import views as auth_views
from django.urls import path

from entra.views import SignOutView

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/token/", views.TokenCreateView.as_view(), name="token_create"),
    path("profile/token/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
    path("units/", views.BusinessUnitListView.as_view(), name="business_unit_list"),
    path("units/<slug:slug>/", views.BusinessUnitDetailView.as_view(), name="business_unit_detail"),
]

# Django's sign-in views keep their usual names ("login", "password_reset", ...) outside the
# namespace, so that the admin and the password-reset e-mail find them.
auth_urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
