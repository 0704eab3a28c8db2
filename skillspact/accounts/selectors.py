"""Reads for people."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from skillspact.accounts.models import ApiToken, User


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The API tokens a person created, newest first."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def api_token_get_for_owner(*, user: User, public_id: str) -> ApiToken:
    """One of the person's own tokens; 404 for anybody else's."""
    token = ApiToken.objects.filter(user=user, public_id=public_id).first()
    if token is None:
        raise Http404
    return token


def secretariat_emails() -> list[str]:
    """The addresses of the active secretariat officers, for notifications."""
    return list(
        User.objects.filter(is_secretariat=True, is_active=True).values_list("email", flat=True)
    )
