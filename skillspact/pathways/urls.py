from django.urls import path  # noqa: F401

from skillspact.pathways import views  # noqa: F401

app_name = "pathways"

urlpatterns: list = []
