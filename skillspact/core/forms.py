"""Helpers that bring domain errors back onto the form the person filled in."""

from __future__ import annotations

from django import forms

from skillspact.core.errors import DomainError, InvalidInput


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a domain error on the form, beside the fields it names, else at the top."""
    if not (isinstance(error, InvalidInput) and error.fields):
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return
    shown: list[str] = []
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
            shown.append(problem)
    if error.message not in shown:
        form.add_error(None, error.message)
