"""The front page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from skillspact.organisations import selectors as organisation_selectors


def home(request: HttpRequest) -> HttpResponse:
    members = organisation_selectors.directory_members()
    return render(
        request,
        "core/home.html",
        {
            "member_count": members.count(),
            "country_count": members.order_by().values("country").distinct().count(),
            "newest": members.order_by("-joined_at")[:5],
        },
    )
