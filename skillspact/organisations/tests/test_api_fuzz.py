"""Whatever a client sends to the public directory API, it answers 200 or a typed 422."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillspact.organisations.factories import OrganisationFactory

PARAMETERS = ["q", "country", "region", "stakeholder_type", "interest", "sort", "limit", "offset"]
text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(["a\x00b", "%", "_", "' OR 1=1 --", "BE10", "education", "-name"]),
)
numbers = st.integers(min_value=-5, max_value=10**12).map(str)


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.dictionaries(st.sampled_from(PARAMETERS), st.one_of(text, numbers), max_size=6))
def test_directory_api_never_fails_on_odd_queries(query: dict[str, str]) -> None:
    OrganisationFactory.reset_sequence(0)
    response = Client().get("/api/v1/organisations", query)

    assert response.status_code in {200, 422}, (query, response.content[:300])
    body = response.json()
    if response.status_code == 200:
        assert set(body) == {"items", "count"}
    else:
        assert body["error"]["code"] == "invalid_input"
        assert body["error"]["fields"]
