"""GET /api/v1/intelligence/gaps: who may call it, its schema and its typed errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from skillspact.accounts import services as account_services
from skillspact.intelligence.tests.test_gaps import GapData, build_gap_data
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import S_DATA, S_PYTHON, S_RISK

URL = "/api/v1/intelligence/gaps"


@pytest.fixture
def gap_data(esco_v1: Any) -> GapData:  # noqa: F811  # noqa: F811
    return build_gap_data()


def _bearer(user: Any) -> dict[str, str]:
    _token, secret = account_services.api_token_create(user=user, name="analysis")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_gaps_api_gives_typed_rows_with_every_signal(
    client: Client, gap_data: GapData, secretariat_officer: Any
) -> None:
    response = client.get(URL, **_bearer(secretariat_officer))

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("count", "limit", "offset", "ratings", "job_ads")} == {
        "count": 3, "limit": 50, "offset": 0, "ratings": 5, "job_ads": 300,
    }  # fmt: skip
    assert (body["window_start"], body["window_end"]) == ("2025-10-01", "2026-09-01")
    assert body["is_synthetic"] is False
    assert [row["skill_uri"] for row in body["rows"]] == [S_PYTHON, S_DATA, S_RISK]
    data = body["rows"][1]
    assert data == {
        "rank": 2,
        "skill_uri": S_DATA,
        "label": "data protection",
        "is_digital": True,
        "is_green": False,
        "score": 0.4,
        "band_low": 0.2145,
        "band_high": 0.5855,
        "demand": 0.75,
        "supply": 0.35,
        "signals": ["importance", "difficulty", "job_ads", "proficiency", "courses", "pledged"],
        "n_ratings": 4,
        "n_employers": 2,
        "is_small_sample": True,
        "small_sample_reasons": ["ratings", "employers"],
        "importance": {"mean": 4.0, "n": 4, "se": 0.5774},
        "proficiency": {"mean": 2.0, "n": 4, "se": 0.0},
        "difficulty": {"mean": 3.0, "n": 2, "se": 1.0},
        "volume": 30,
        "job_ad_share": 0.3,
        "job_ads": 300,
        "job_ad_trend": 1.2,
        "courses": 5,
        "pledged": 500,
    }


def test_gaps_api_pages_with_limit_and_offset(
    client: Client, gap_data: GapData, secretariat_officer: Any
) -> None:
    client.force_login(secretariat_officer)

    body = client.get(URL, {"limit": 1, "offset": 2}).json()

    assert (body["count"], [row["rank"] for row in body["rows"]]) == (3, [3])
    assert body["rows"][0]["skill_uri"] == S_RISK


def test_gaps_api_filters_the_slice(
    client: Client, gap_data: GapData, organisation_contact: Any
) -> None:
    client.force_login(organisation_contact)

    body = client.get(URL, {"country": "FR", "collection": "digital"}).json()

    assert [row["skill_uri"] for row in body["rows"]] == [S_PYTHON]


def test_unknown_filter_values_are_a_typed_422(
    client: Client, gap_data: GapData, secretariat_officer: Any
) -> None:
    client.force_login(secretariat_officer)

    response = client.get(URL, {"country": "XX", "collection": "purple", "wave": "9"})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert sorted(error["fields"]) == ["collection", "country", "wave"]


def test_a_limit_out_of_range_is_a_typed_422(client: Client, secretariat_officer: Any) -> None:
    client.force_login(secretariat_officer)

    response = client.get(URL, {"limit": 0})

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["limit"]


def test_outsiders_are_refused(client: Client, gap_data: GapData, outsider: Any) -> None:
    response = client.get(URL, **_bearer(outsider))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_permitted"


def test_anonymous_callers_must_authenticate(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
