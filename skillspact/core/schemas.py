"""Base shapes for API input."""

from typing import Any

from ninja import Schema
from pydantic import field_validator


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class InputSchema(Schema):
    """API input: refuses NUL characters, which no text field can store (PostgreSQL says no)."""

    @field_validator("*", mode="before")
    @classmethod
    def no_nul_characters(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("null characters are not allowed")
        return value
