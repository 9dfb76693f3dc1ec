from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.DefinitionListView.as_view(), name="definition_list"),
    path("new/", views.DefinitionCreateView.as_view(), name="definition_create"),
    path("<uuid:uuid>/", views.DefinitionDetailView.as_view(), name="definition_detail"),
    path("<uuid:uuid>/edit/", views.DefinitionUpdateView.as_view(), name="definition_edit"),
    path(
        "<uuid:uuid>/generate/", views.DefinitionGenerateView.as_view(), name="definition_generate"
    ),
    path("snapshots/<uuid:uuid>/", views.SnapshotDetailView.as_view(), name="snapshot_detail"),
    path(
        "snapshots/<uuid:uuid>/<str:fmt>/",
        views.SnapshotDownloadView.as_view(),
        name="snapshot_download",
    ),
]
