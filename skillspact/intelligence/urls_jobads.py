"""URLs of the jobads pages (included by urls.py under the intelligence namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
