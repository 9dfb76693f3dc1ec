from django.urls import path

from . import dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path("pdf/", dashboard_views.DashboardPdfView.as_view(), name="dashboard_pdf"),
]
