"""Domain errors: each says what happened in words a person can act on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule said no. `code` is stable for API clients; `message` is for people."""

    code = "error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = str(message or self.default_message)
        self.field = field
        super().__init__(self.message)


class NotPermitted(DomainError):
    code = "not_permitted"
    status = 403
    default_message = _("You are not allowed to do this.")


class InvalidState(DomainError):
    code = "invalid_state"
    status = 409
    default_message = _("This cannot be done in the current state.")


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    default_message = _("Some of the data is not valid.")

    def __init__(
        self, message: str | None = None, *, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.fields = fields or {}
