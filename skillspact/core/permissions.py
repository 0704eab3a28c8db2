"""Central access checks that every domain's selectors and services call."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase


def is_secretariat(user: Any) -> bool:
    """Whether `user` is a signed-in, active member of the secretariat."""
    return bool(user and user.is_authenticated and user.is_active and user.is_secretariat)


def ensure_secretariat(user: Any) -> None:
    """Raise PermissionDenied unless `user` is in the secretariat."""
    if not is_secretariat(user):
        raise PermissionDenied


def secretariat_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Send anonymous people to sign in; refuse everyone but the secretariat with 403."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ensure_secretariat(request.user)
        return view(request, *args, **kwargs)

    return wrapped
