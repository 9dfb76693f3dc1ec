from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from accounts.urls import auth_urlpatterns

from . import pickers, views

urlpatterns = [
    path("", account_views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("media/<path:path>", views.media, name="media"),
    path("pickers/<slug:name>/", pickers.search, name="picker_search"),
    path("accounts/", include(auth_urlpatterns)),
    # The language switcher: Django's set_language, which also saves a signed-in person's choice.
    path("i18n/setlang/", account_views.LanguageSetView.as_view(), name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("accounts/entra/", include("entra.urls")),
    path("maturity/", include("maturity.urls")),
    path("assessments/", include("adoption.urls")),
    path("strategy/", include("strategy.urls")),
    path("value/", include("value.urls")),
    path("stories/", include("stories.urls")),
    path("ideas/", include("ideas.urls")),
    path("reports/", include("reports.urls")),
    path("inventory/", include("inventory.urls")),
    path("dashboard/", include("reports.dashboard_urls")),
    path("notifications/", include("notifications.urls")),
    path("api/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

admin.site.site_header = "CoE Hub administration"
admin.site.site_title = "CoE Hub"
