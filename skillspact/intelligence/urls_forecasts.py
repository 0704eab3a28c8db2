"""URLs of the forecasts pages (included by urls.py under the intelligence namespace)."""

from django.urls import URLPattern, path

from skillspact.intelligence import views_forecasts

urlpatterns: list[URLPattern] = [
    path("intelligence/forecasts/", views_forecasts.forecast_index, name="forecasts"),
    path(
        "intelligence/forecasts/runs/<uuid:public_id>/",
        views_forecasts.forecast_run_progress,
        name="forecast_run",
    ),
    path(
        "intelligence/forecasts/<str:kind>/",
        views_forecasts.forecast_series,
        name="forecast_series",
    ),
]
