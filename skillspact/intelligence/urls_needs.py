"""URLs of the employer-needs pages (included by urls.py under the intelligence namespace)."""

from django.urls import path

from skillspact.intelligence import views_needs

urlpatterns = [
    path("intelligence/needs/", views_needs.needs_list, name="needs_list"),
    path("intelligence/needs/export.csv", views_needs.needs_export, name="needs_export"),
    path(
        "intelligence/needs/<slug:slug>/<int:year>/",
        views_needs.needs_edit,
        name="needs_edit",
    ),
]
