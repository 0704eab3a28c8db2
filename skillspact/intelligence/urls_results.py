"""URLs of the survey results (included by urls.py under the intelligence namespace)."""

from django.urls import path

from skillspact.intelligence import views_results as views

urlpatterns = [
    path("intelligence/surveys/<slug:slug>/results/", views.results_page, name="survey_results"),
    path(
        "intelligence/surveys/<slug:slug>/results/export.csv",
        views.export_csv,
        name="survey_results_csv",
    ),
    path(
        "intelligence/surveys/<slug:slug>/results/export.xlsx",
        views.export_xlsx,
        name="survey_results_xlsx",
    ),
]
