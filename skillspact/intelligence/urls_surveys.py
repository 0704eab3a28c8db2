"""URLs of the surveys pages (included by urls.py under the intelligence namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
