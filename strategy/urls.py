from django.urls import path

from . import views

app_name = "strategy"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("templates/<slug:key>/", views.PlanFromTemplateView.as_view(), name="plan_from_template"),
    path("plans/<uuid:uuid>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<uuid:uuid>/edit/", views.PlanUpdateView.as_view(), name="plan_update"),
    path(
        "plans/<uuid:uuid>/steps/<slug:step>/",
        views.PlanStepToggleView.as_view(),
        name="plan_step_toggle",
    ),
    path(
        "plans/<uuid:uuid>/objectives/new/",
        views.ObjectiveCreateView.as_view(),
        name="objective_create",
    ),
    path(
        "plans/<uuid:uuid>/initiatives/new/",
        views.InitiativeCreateView.as_view(),
        name="initiative_create",
    ),
    path(
        "objectives/<uuid:uuid>/edit/", views.ObjectiveUpdateView.as_view(), name="objective_update"
    ),
    path(
        "objectives/<uuid:uuid>/key-results/new/",
        views.KeyResultCreateView.as_view(),
        name="key_result_create",
    ),
    path("key-results/<uuid:uuid>/", views.KeyResultDetailView.as_view(), name="key_result_detail"),
    path(
        "key-results/<uuid:uuid>/edit/",
        views.KeyResultUpdateView.as_view(),
        name="key_result_update",
    ),
    path(
        "key-results/<uuid:uuid>/check-in/",
        views.CheckInCreateView.as_view(),
        name="check_in_create",
    ),
    path(
        "key-results/<uuid:uuid>/delete/",
        views.KeyResultDeleteView.as_view(),
        name="key_result_delete",
    ),
    path(
        "key-results/<uuid:uuid>/restore/",
        views.KeyResultRestoreView.as_view(),
        name="key_result_restore",
    ),
    path("check-ins/due/", views.CheckInDueListView.as_view(), name="check_in_due"),
    path(
        "initiatives/<uuid:uuid>/edit/",
        views.InitiativeUpdateView.as_view(),
        name="initiative_update",
    ),
    path("kpis/", views.KpiListView.as_view(), name="kpi_list"),
    path("kpis/new/", views.KpiFormView.as_view(), name="kpi_create"),
    path("kpis/<uuid:uuid>/", views.KpiDetailView.as_view(), name="kpi_detail"),
    path("kpis/<uuid:uuid>/edit/", views.KpiFormView.as_view(), name="kpi_update"),
    path(
        "kpis/<uuid:uuid>/measurements/",
        views.MeasurementCreateView.as_view(),
        name="measurement_create",
    ),
]
