from django.urls import path

from . import views

app_name = "adoption"

urlpatterns = [
    path("", views.AssessmentListView.as_view(), name="assessment_list"),
    path("new/", views.AssessmentStartView.as_view(), name="assessment_start"),
    path("import/", views.AssessmentImportView.as_view(), name="assessment_import"),
    path("<uuid:uuid>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path(
        "<uuid:uuid>/areas/<slug:area>/",
        views.AssessmentAreaView.as_view(),
        name="assessment_area",
    ),
    path("<uuid:uuid>/submit/", views.AssessmentSubmitView.as_view(), name="assessment_submit"),
    path("<uuid:uuid>/discard/", views.AssessmentDiscardView.as_view(), name="assessment_discard"),
    path(
        "<uuid:uuid>/export.<str:fmt>",
        views.AssessmentExportView.as_view(),
        name="assessment_export",
    ),
    path("units/<slug:slug>/", views.SubjectDetailView.as_view(), name="subject_detail"),
    path("units/<slug:slug>/targets/", views.SubjectTargetsView.as_view(), name="subject_targets"),
    path("units/<slug:slug>/cadence/", views.SubjectCadenceView.as_view(), name="subject_cadence"),
    path(
        "units/<slug:slug>/export.<str:fmt>",
        views.SubjectExportView.as_view(),
        name="subject_export",
    ),
]
