from django.urls import path

from . import views

app_name = "entra"

urlpatterns = [
    path("sign-in/", views.EntraSignInView.as_view(), name="sign_in"),
    path("callback/", views.EntraCallbackView.as_view(), name="callback"),
    path("no-access/", views.no_access, name="no_access"),
]
