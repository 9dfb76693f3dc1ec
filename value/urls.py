from django.urls import path

from . import views

app_name = "value"

urlpatterns = [
    path("", views.ValueOverviewView.as_view(), name="overview"),
    path("solutions/", views.SolutionListView.as_view(), name="solution_list"),
    path("solutions/new/", views.SolutionCreateView.as_view(), name="solution_create"),
    path("solutions/import/", views.SolutionImportView.as_view(), name="solution_import"),
    path("solutions/<uuid:uuid>/", views.SolutionDetailView.as_view(), name="solution_detail"),
    path("solutions/<uuid:uuid>/edit/", views.SolutionUpdateView.as_view(), name="solution_edit"),
    path("records/new/", views.ValueRecordCreateView.as_view(), name="record_create"),
    path(
        "records/<uuid:uuid>/verify/", views.ValueRecordVerifyView.as_view(), name="record_verify"
    ),
    path("calculator/", views.CalculatorView.as_view(), name="calculator"),
    path("unit-costs/", views.UnitCostListView.as_view(), name="unit_cost_list"),
    path("programme-costs/", views.ProgrammeCostListView.as_view(), name="programme_cost_list"),
]
