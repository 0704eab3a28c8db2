"""Values every page needs: the partnership's name and the current person's roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    is_signed_in = bool(user and user.is_authenticated)

    answer: list[bool] = []

    def is_contact() -> bool:
        # Called by the template only when it needs it, and asked once however often the
        # template calls it: one query on pages for signed-in people.
        if not answer:
            answer.append(
                is_signed_in and user.affiliations.filter(role="contact").exists()  # type: ignore[union-attr]
            )
        return answer[0]

    return {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "is_secretariat": is_signed_in and bool(user.is_secretariat),  # type: ignore[union-attr]
        "is_contact": is_contact,
    }
