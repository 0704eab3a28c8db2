"""The catalogue's API: the search with its filters and typed errors, one course, the schema."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from skillspact.organisations.models import Organisation
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import S_DATA
from skillspact.training.factories import CourseFactory, CourseSkillFactory, LearningOutcomeFactory
from skillspact.training.models import Course

pytestmark = pytest.mark.django_db


def test_the_search_answers_items_and_count_with_limit_and_offset(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for number in range(5):
        CourseFactory(
            title=f"Telehealth {number}",
            starts_on=timezone.localdate() + datetime.timedelta(days=10 + number),
        )
    CourseFactory(title="Wound care")

    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/courses", {"q": "telehealth", "limit": 2, "offset": 1})

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 5
    assert [item["title"] for item in body["items"]] == ["Telehealth 1", "Telehealth 2"]
    item = body["items"][0]
    assert item["provider"]["name"].startswith("Example Hospital")
    assert item["url"] == f"/training/courses/{item['slug']}/"
    assert set(item) >= {"id", "languages", "eqf_level", "price_eur", "skill_uris", "mode"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"skill": S_DATA}, ["Match"]),
        ({"mode": "blended"}, ["Match"]),
        ({"language": "de"}, ["Match"]),
        ({"country": "AT"}, ["Match"]),
        ({"eqf_level": 7}, ["Match"]),
        ({"max_price": "50"}, ["Match"]),
        ({"digital": "true"}, ["Match"]),
        ({"self_paced": "false"}, ["Other"]),
    ],
)
def test_each_filter_of_the_api(client: Client, query: dict[str, Any], expected: list[str]) -> None:
    match = CourseFactory(
        title="Match", mode="blended", place="Wien", languages=["de"], country="AT", eqf_level=7,
        price_eur=50, is_digital=True, is_self_paced=True,
    )  # fmt: skip
    CourseSkillFactory(course=match, skill_uri=S_DATA)
    CourseFactory(title="Other", price_eur=51, eqf_level=4)

    response = client.get("/api/v1/courses", query)

    assert [item["title"] for item in response.json()["items"]] == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"eqf_level": 9}, "eqf_level"),
        ({"mode": "by-post"}, "mode"),
        ({"language": "English"}, "language"),
        ({"starts_after": "next week"}, "starts_after"),
        ({"max_price": "-1"}, "max_price"),
    ],
)
def test_bad_filters_answer_a_typed_error(
    client: Client, query: dict[str, Any], field: str
) -> None:
    response = client.get("/api/v1/courses", query)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert list(error["fields"]) == [field]


@pytest.mark.usefixtures("esco_v1")
def test_one_course_with_its_outcomes_and_skills(client: Client) -> None:
    course = CourseFactory(title="Data protection", recognition="5 CPD credits")
    LearningOutcomeFactory(course=course, text="Protect patient data", skills=[S_DATA])

    response = client.get(f"/api/v1/courses/{course.slug}")

    body = response.json()
    assert response.status_code == 200
    assert body["outcomes"] == [{"text": "Protect patient data", "skills": [S_DATA]}]
    assert body["skills"] == [
        {"uri": S_DATA, "label": "data protection", "is_digital": True, "is_green": False}
    ]
    assert (body["recognition"], body["assessment_type"]) == ("5 CPD credits", "online_test")


def test_a_draft_is_404_for_anyone_without_a_say(
    client: Client, member_organisation: Organisation
) -> None:
    draft = CourseFactory(provider=member_organisation, status=Course.Status.DRAFT)

    response = client.get(f"/api/v1/courses/{draft.slug}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/courses").json()["count"] == 0


def test_the_schema_describes_the_course_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    parameters = {p["name"] for p in schema["paths"]["/api/v1/courses"]["get"]["parameters"]}
    assert {"q", "skill", "occupation", "digital", "green", "mode", "language", "country",
            "eqf_level", "max_price", "starts_after", "starts_before", "self_paced", "series",
            "featured", "limit", "offset"} <= parameters  # fmt: skip
    assert "/api/v1/courses/{slug}" in schema["paths"]
