"""The API's error plumbing."""

from __future__ import annotations

import pytest

from skillspact.core.api import _field_name


@pytest.mark.parametrize(
    ("location", "name"),
    [
        (["body", "payload", "body"], "body"),
        (["body", "payload", "targets", 0, "year"], "targets.0.year"),
        (["query", "filters", "limit"], "limit"),
        (["path", "slug"], "slug"),
        (["body"], "__all__"),
    ],
)
def test_a_validation_error_names_the_field_even_when_it_is_called_body(location, name):
    assert _field_name(location) == name
