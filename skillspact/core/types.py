"""Request types for views and endpoints that only signed-in people reach."""

from __future__ import annotations

from django.http import HttpRequest

from skillspact.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request whose `user` is a signed-in person (after login_required or API auth)."""

    user: User  # type: ignore[assignment]
