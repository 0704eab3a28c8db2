"""The skills-intelligence pages: each part has its own URL module, all in one namespace."""

from django.urls import include, path

app_name = "intelligence"

urlpatterns = [
    path("", include("skillspact.intelligence.urls_surveys")),
    path("", include("skillspact.intelligence.urls_respond")),
    path("", include("skillspact.intelligence.urls_results")),
    path("", include("skillspact.intelligence.urls_needs")),
    path("", include("skillspact.intelligence.urls_jobads")),
    path("", include("skillspact.intelligence.urls_gaps")),
    path("", include("skillspact.intelligence.urls_forecasts")),
]
