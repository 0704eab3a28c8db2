"""URLs of the landing page and the gaps pages (included by urls.py under the intelligence
namespace)."""

from django.urls import URLPattern, path

from skillspact.intelligence import views_gaps

urlpatterns: list[URLPattern] = [
    path("intelligence/", views_gaps.index, name="index"),
    path("intelligence/gaps/", views_gaps.gap_list, name="gaps"),
    path("intelligence/gaps/skill/", views_gaps.gap_skill, name="gap_skill"),
    path("intelligence/gaps/export/", views_gaps.gap_export, name="gaps_export"),
]
