"""Values every page needs: the partnership's name and the current person's roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "is_secretariat": bool(user and user.is_authenticated and user.is_secretariat),
    }
