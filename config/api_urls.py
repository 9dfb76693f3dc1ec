"""/api/v1/: every app's routes on one router, plus the OpenAPI schema and its docs."""

from django.urls import include, path
from django.utils.module_loading import import_string
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

# Each app lists its endpoints in <app>/api/urls.py as `routes`.
API_ROUTE_MODULES = [
    "accounts.api.urls.routes",
    "maturity.api.urls.routes",
    "adoption.api.urls.routes",
    "strategy.api.urls.routes",
    "stories.api.urls.routes",
    "value.api.urls.routes",
    "ideas.api.urls.routes",
    "reports.api.urls.routes",
    "reports.api.dashboard.routes",
    "inventory.api.urls.routes",
    "notifications.api.urls.routes",
]

router = DefaultRouter()
for module in API_ROUTE_MODULES:
    for prefix, viewset, basename in import_string(module):
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
