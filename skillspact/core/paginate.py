"""Page numbers for list pages, with sane bounds."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def paginate(queryset: QuerySet[Any], page: str | int | None, *, per_page: int = 20) -> Page:
    """Return the requested page of `queryset`, falling back to the nearest valid page."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(page)
