from django.urls import path  # noqa: F401

from skillspact.intelligence import views  # noqa: F401

app_name = "intelligence"

urlpatterns: list = []
