"""The planner's API: authentication, the plan's shape (checked against the schema), typed errors
for an unknown target, the rate limit, and the committed schema."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from skillspact.accounts import services as account_services
from skillspact.accounts.models import User
from skillspact.pathways import api as pathways_api
from skillspact.pathways.schemas import PathwayPlanOut
from skillspact.taxonomy import services as taxonomy_services
from skillspact.taxonomy.models import EscoVersion
from skillspact.taxonomy.tests import conftest as taxonomy_fixtures
from skillspact.taxonomy.tests.esco_files import (
    O_DEVELOPER,
    O_SPECIALIST,
    S_DATA,
    S_INFORMATICS,
    S_PYTHON,
    S_RISK,
)
from skillspact.training.factories import course_teaching
from skillspact.training.models import Course

esco_folder = taxonomy_fixtures.esco_folder
esco_v1 = taxonomy_fixtures.esco_v1

pytestmark = pytest.mark.django_db
URL = "/api/v1/pathways/plan"
ROLE_URI = "urn:skillspact:occupation:clinical-informatics-specialist"


def _course(provider: Any, *, slug: str, skills: list[str], **fields: Any) -> Course:
    return course_teaching(provider=provider, slug=slug, skills=skills, **fields)


@pytest.fixture
def catalogue(esco_v1: EscoVersion, secretariat_officer: User, member_organisation: Any) -> Any:
    taxonomy_services.local_role_create(
        actor=secretariat_officer,
        slug="clinical-informatics-specialist",
        preferred_label="clinical informatics specialist",
        description="Bridges clinical practice and health information systems.",
        source="The partnership's role definitions.",
        skills={S_INFORMATICS: "essential", S_DATA: "essential", S_PYTHON: "optional"},
    )
    return [
        _course(
            member_organisation,
            slug="informatics",
            title="Health informatics",
            skills=[S_INFORMATICS],
            hours=30,
            price_eur=Decimal("300"),
        ),
        _course(
            member_organisation,
            slug="informatics-and-data",
            title="Health informatics and data protection",
            skills=[S_INFORMATICS, S_DATA],
            hours=50,
            price_eur=Decimal("100"),
        ),
        _course(
            member_organisation,
            slug="data-protection",
            title="Data protection",
            skills=[S_DATA],
            hours=10,
            price_eur=Decimal("250"),
        ),
    ]


@pytest.fixture
def token(health_worker: User) -> dict[str, str]:
    _token, secret = account_services.api_token_create(user=health_worker, name="guidance tool")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(client: Client, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_a_plan_needs_a_token_or_a_session(client: Client, catalogue: Any) -> None:
    response = _post(client, {"target": ROLE_URI}, {})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_plan_has_the_least_hours_with_courses_covered_and_the_schemas_shape(
    client: Client, catalogue: Any, token: dict[str, str]
) -> None:
    response = _post(client, {"held": [S_RISK], "target": ROLE_URI}, token)

    body = response.json()
    assert response.status_code == 200
    PathwayPlanOut.model_validate(body)
    assert sorted(c["slug"] for c in body["courses"]) == ["data-protection", "informatics"]
    assert (body["objective_kind"], body["objective"], body["optimal"]) == ("hours", 40.0, True)
    assert body["bound"] <= body["objective"]
    assert (body["total_hours"], body["total_cost"]) == (40.0, 550.0)
    assert sorted(s["uri"] for s in body["covered"]) == sorted([S_INFORMATICS, S_DATA])
    assert [s["label"] for s in body["uncovered"]] == ["Python (computer programming)"]
    assert {c["url"] for c in body["courses"]} == {
        "/training/courses/informatics/",
        "/training/courses/data-protection/",
    }
    assert body["target"] == {"uri": ROLE_URI, "label": "clinical informatics specialist"}


def test_the_cost_objective_and_a_budget_change_the_plan(
    client: Client, catalogue: Any, token: dict[str, str]
) -> None:
    cheapest = _post(client, {"target": ROLE_URI, "objective": "cost"}, token).json()
    tight = _post(client, {"target": ROLE_URI, "objective": "cost", "max_cost": 50}, token).json()

    assert [c["slug"] for c in cheapest["courses"]] == ["informatics-and-data"]
    assert cheapest["objective"] == 100.0
    assert tight["courses"] == []
    assert tight["infeasible_reasons"] != []
    assert sorted(s["uri"] for s in tight["uncovered"]) == sorted([S_INFORMATICS, S_DATA, S_PYTHON])


def test_the_current_occupations_essential_skills_count_as_held(
    client: Client, catalogue: Any, token: dict[str, str]
) -> None:
    response = _post(client, {"occupation": O_SPECIALIST, "target": ROLE_URI}, token)

    body = response.json()
    assert [c["slug"] for c in body["courses"]] == ["data-protection"]
    assert [s["uri"] for s in body["held"]] == [S_INFORMATICS]


def test_an_unknown_target_is_a_typed_error(
    client: Client, catalogue: Any, token: dict[str, str]
) -> None:
    response = _post(client, {"target": "urn:skillspact:occupation:nothing"}, token)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_target"


def test_an_esco_occupation_is_a_target_too(
    client: Client, catalogue: Any, token: dict[str, str]
) -> None:
    response = _post(client, {"target": O_DEVELOPER}, token)

    body = response.json()
    assert response.status_code == 200
    assert body["target"]["label"] == "software developer"
    assert S_PYTHON in [s["uri"] for s in body["uncovered"]]


def test_invalid_constraints_are_typed_errors(
    client: Client, catalogue: Any, token: dict[str, str]
) -> None:
    response = _post(
        client, {"target": ROLE_URI, "modes": ["by_pigeon"], "start_eqf_level": 9}, token
    )

    body = response.json()
    assert response.status_code == 422
    assert body["error"]["code"] == "invalid_input"
    assert set(body["error"]["fields"]) >= {"modes.0", "start_eqf_level"}


def test_plans_are_rate_limited_per_person(
    client: Client, catalogue: Any, token: dict[str, str], monkeypatch: Any
) -> None:
    monkeypatch.setattr(pathways_api, "RATE_LIMIT", 2)

    answers = [_post(client, {"target": ROLE_URI}, token).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_the_schema_describes_the_plan_endpoint(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) == {"200", "401", "404", "422", "429"}
    assert "PathwayPlanIn" in schema["components"]["schemas"]
    assert "PathwayPlanOut" in schema["components"]["schemas"]
