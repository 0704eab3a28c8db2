"""E-mails rendered from templates and sent by the task worker after the transaction commits."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from skillspact.core import tasks


def send_templated(template: str, *, to: list[str], context: dict[str, Any]) -> None:
    """Render `template` (first line: subject) and enqueue it once the transaction commits."""
    if not to:
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(template, {"site_url": settings.SITE_URL, **context})
    subject, _, body = text.strip().partition("\n")
    transaction.on_commit(
        lambda: tasks.send_email.enqueue(to=list(to), subject=subject.strip(), body=body.strip())
    )
