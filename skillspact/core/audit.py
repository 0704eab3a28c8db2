"""Writing the audit log. Services call `record()` inside their transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from skillspact.core.models import AuditEntry

if TYPE_CHECKING:
    from skillspact.accounts.models import User


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """Return the named fields of `instance` as JSON-safe values, for before/after."""
    data: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = str(value.pk)
        elif isinstance(value, list | tuple):
            value = [str(item) for item in value]
        elif value is not None and not isinstance(value, bool | int | float | str):
            value = str(value)
        data[name] = value
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose values differ between `before` and `after`."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def record(
    instance: models.Model,
    code: str,
    *,
    actor: User | None,
    organisation: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
) -> AuditEntry:
    """Write one audit entry for `instance` with the dotted `code`."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.email if is_person and actor is not None else "",
        code=code,
        object_type=instance._meta.label_lower,
        object_id=str(getattr(instance, "public_id", instance.pk)),
        object_label=str(instance)[:300],
        organisation=organisation,
        before=before or {},
        after=after or {},
        message=message,
    )
