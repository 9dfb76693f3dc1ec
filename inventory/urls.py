from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("catalog/", views.CatalogView.as_view(), name="catalog"),
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
    path("mapping/", views.MappingRuleListView.as_view(), name="mapping_rules"),
    path(
        "mapping/<uuid:uuid>/edit/", views.MappingRuleEditView.as_view(), name="mapping_rule_edit"
    ),
    path(
        "mapping/<uuid:uuid>/delete/",
        views.MappingRuleDeleteView.as_view(),
        name="mapping_rule_delete",
    ),
    path("api/", views.ApiConnectionView.as_view(), name="api_connection"),
    path("api/connect/", views.ApiConnectStartView.as_view(), name="api_connect"),
    path("api/callback/", views.ApiConnectCallbackView.as_view(), name="api_callback"),
    path("api/revoke/", views.ApiRevokeView.as_view(), name="api_revoke"),
    path("api/sync/", views.SyncNowView.as_view(), name="sync_now"),
    path("welcome/", views.WelcomeView.as_view(), name="welcome"),
    path("template.csv", views.TemplateDownloadView.as_view(), name="template_download"),
]
