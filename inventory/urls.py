from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("runs/", views.RunListView.as_view(), name="run_list"),
    path("runs/new/", views.RunUploadView.as_view(), name="run_upload"),
    path("runs/<uuid:uuid>/", views.RunDetailView.as_view(), name="run_detail"),
    path("runs/<uuid:uuid>/progress/", views.RunProgressView.as_view(), name="run_progress"),
    path(
        "runs/<uuid:uuid>/confirm/",
        views.RunActionView.as_view(action="confirm"),
        name="run_confirm",
    ),
    path(
        "runs/<uuid:uuid>/cancel/", views.RunActionView.as_view(action="cancel"), name="run_cancel"
    ),
    path("template.csv", views.TemplateDownloadView.as_view(), name="template_download"),
]
