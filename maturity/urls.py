from django.urls import path

from . import views

app_name = "maturity"

urlpatterns = [
    path("", views.ModelMatrixView.as_view(), name="model_matrix"),
    path("areas/<slug:key>/", views.AreaDetailView.as_view(), name="area_detail"),
    path("levels/<int:number>/", views.LevelDetailView.as_view(), name="level_detail"),
]
