"""Model validation turned into the domain's error, for every service."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from skillspact.core.errors import InvalidInput


def full_clean(instance: models.Model, **kwargs: Any) -> None:
    """`instance.full_clean()`, raising InvalidInput with per-field messages.

    A TextField's max_length only limits forms in Django; here it holds for the API, bulk
    uploads and every other caller too.
    """
    fields: dict[str, list[str]] = {}
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for model_field in instance._meta.concrete_fields:
        value = getattr(instance, model_field.attname)
        if (
            isinstance(model_field, models.TextField)
            and model_field.max_length
            and len(value or "") > model_field.max_length
        ):
            fields.setdefault(model_field.name, []).append(
                _("Ensure this value has at most %(limit)s characters (it has %(count)s).")
                % {"limit": model_field.max_length, "count": len(value)}
            )
    if fields:
        first = next(iter(fields.values()))[0]
        raise InvalidInput(first, fields=fields)
