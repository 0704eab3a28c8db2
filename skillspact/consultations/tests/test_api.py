"""The consultations API: wiring, permissions, shapes, typed errors and query budgets."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.utils import timezone

from skillspact.accounts import services as account_services
from skillspact.consultations.factories import (
    CommentFactory,
    ConsultationFactory,
    RatingFactory,
    RespondentFactory,
    SectionFactory,
    StrategyVersionFactory,
)
from skillspact.consultations.models import (
    Comment,
    Consultation,
    GeneralQuestion,
    Rating,
    Respondent,
    Section,
)

pytestmark = pytest.mark.django_db

CONSULTATION_KEYS = {
    "slug",
    "title",
    "introduction",
    "phase",
    "opens_at",
    "closes_at",
    "is_accepting",
    "allows_anonymous",
    "document",
    "version",
    "sections",
    "results",
}
PROFILE = {"stakeholder_type": "healthcare_provider", "country": "be"}


def bearer(user) -> dict[str, str]:
    _token, secret = account_services.api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, method: str, url: str, body: object = None, **headers: str):
    return getattr(client, method)(
        url,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        **headers,
    )


def error_of(response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    return body["error"]


@pytest.fixture
def consultation() -> Consultation:
    """Open now, on version 1 of a strategy with two sections."""
    version = StrategyVersionFactory(document__title="Health skills", document__slug="health")
    SectionFactory(version=version, position=1, number="1", key="digital", heading="Digital")
    SectionFactory(version=version, position=2, number="2", key="green", heading="Green")
    return ConsultationFactory(version=version, slug="open-one", title="Open consultation")


@pytest.fixture
def finished(consultation: Consultation) -> Consultation:
    """A consultation on the same version whose results are published, with ratings and
    comments: digital 2 support, 1 oppose, 2 comments (one hidden does not count)."""
    past = ConsultationFactory(
        version=consultation.version,
        slug="past-one",
        title="Past consultation",
        opens_at=timezone.now() - datetime.timedelta(days=90),
        closes_at=timezone.now() - datetime.timedelta(days=60),
        phase=Consultation.Phase.RESULTS,
        results_published_at=timezone.now() - datetime.timedelta(days=10),
        result_version=StrategyVersionFactory(document=consultation.version.document, number=2),
    )
    digital = Section.objects.get(version=consultation.version, key="digital")
    people = [RespondentFactory(consultation=past) for _ in range(3)]
    for person, stance in zip(people, ["support", "support", "oppose"], strict=True):
        RatingFactory(respondent=person, section=digital, stance=stance)
    CommentFactory(respondent=people[0], section=digital)
    CommentFactory(respondent=people[1], section=digital)
    CommentFactory(respondent=people[2], section=digital, status=Comment.Status.HIDDEN)
    return past


# -- reading -----------------------------------------------------------------------------------


def test_anyone_lists_public_consultations_with_results_once_published(
    client, consultation, finished, django_assert_max_num_queries
):
    ConsultationFactory(version=consultation.version, slug="draft", phase="draft")

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/consultations")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert [item["slug"] for item in body["items"]] == ["open-one", "past-one"]
    open_one, past = body["items"]
    assert set(open_one) == CONSULTATION_KEYS
    assert open_one["phase"] == "open"
    assert open_one["is_accepting"] is True
    assert open_one["results"] is None
    assert open_one["document"] == {"slug": "health", "title": "Health skills"}
    assert open_one["sections"] == [
        {"key": "digital", "number": "1", "level": 1, "heading": "Digital"},
        {"key": "green", "number": "2", "level": 1, "heading": "Green"},
    ]
    assert past["results"]["respondents"] == 3
    assert past["results"]["result_version"] == 2
    assert past["results"]["sections"] == [
        {
            "key": "digital",
            "number": "1",
            "heading": "Digital",
            "ratings": {"support": 2, "neutral": 0, "oppose": 1, "total": 3},
            "comments": 2,
        },
        {
            "key": "green",
            "number": "2",
            "heading": "Green",
            "ratings": {"support": 0, "neutral": 0, "oppose": 0, "total": 0},
            "comments": 0,
        },
    ]


def test_the_list_pages_with_limit_and_offset(client, consultation, finished):
    response = client.get("/api/v1/consultations", {"limit": 1, "offset": 1})

    assert response.json()["count"] == 2
    assert [item["slug"] for item in response.json()["items"]] == ["past-one"]
    assert client.get("/api/v1/consultations", {"limit": 500}).status_code == 422


def test_the_list_query_count_does_not_grow_with_consultations(
    client, consultation, finished, django_assert_max_num_queries
):
    for n in range(5):
        ConsultationFactory(version=consultation.version, phase="results", slug=f"more-{n}")

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/consultations")

    assert response.json()["count"] == 7


def test_the_secretariat_also_sees_consultations_in_preparation(
    client, consultation, secretariat_officer
):
    ConsultationFactory(version=consultation.version, slug="draft", phase="draft")

    response = client.get("/api/v1/consultations", **bearer(secretariat_officer))

    assert [item["slug"] for item in response.json()["items"]] == ["draft", "open-one"]


def test_one_consultation_has_its_sections_text_and_questions(client, consultation):
    GeneralQuestion.objects.create(
        consultation=consultation, text="Which region?", kind="choice", choices=["North", "South"]
    )

    response = client.get("/api/v1/consultations/open-one")

    body = response.json()
    assert response.status_code == 200
    assert set(body) == CONSULTATION_KEYS | {"questions"}
    assert body["sections"][0]["body"] == (
        "Every nurse should reach a basic level of digital skills by 2030."
    )
    assert body["questions"] == [
        {"position": 0, "text": "Which region?", "kind": "choice", "choices": ["North", "South"]}
    ]


@pytest.mark.parametrize("slug", ["nope", "draft"])
def test_unknown_and_unpublished_consultations_are_not_found(client, consultation, slug):
    ConsultationFactory(version=consultation.version, slug="draft", phase="draft")

    response = client.get(f"/api/v1/consultations/{slug}")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_refused_token_is_not_read_as_anonymous(client, consultation):
    response = client.get("/api/v1/consultations", HTTP_AUTHORIZATION="Bearer spk_wrong")

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


# -- taking part -------------------------------------------------------------------------------


def test_a_signed_in_person_gives_a_profile_then_rates_and_comments(
    client, consultation, health_worker
):
    headers = bearer(health_worker)

    created = send(client, "put", "/api/v1/consultations/open-one/profile", PROFILE, **headers)
    changed = send(
        client,
        "put",
        "/api/v1/consultations/open-one/profile",
        {**PROFILE, "is_anonymised": False},
        **headers,
    )
    rated = send(
        client,
        "put",
        "/api/v1/consultations/open-one/sections/digital/rating",
        {"stance": "oppose"},
        **headers,
    )
    commented = send(
        client,
        "post",
        "/api/v1/consultations/open-one/sections/digital/comments",
        {"body": "Protected training time, please.", "publish": True},
        **headers,
    )

    assert created.status_code == 201
    assert created.json() == {
        "stakeholder_type": "healthcare_provider",
        "country": "BE",
        "answers_for_organisation": False,
        "organisation_name": "",
        "is_anonymised": True,
        "submitted_at": None,
    }
    assert changed.status_code == 200
    assert changed.json()["is_anonymised"] is False
    assert (rated.status_code, rated.json()) == (200, {"section": "digital", "stance": "oppose"})
    assert commented.status_code == 201
    comment = Comment.objects.get()
    shown = commented.json()
    assert {name: shown.pop(name)[:19] for name in ("published_at", "created_at")} == {
        "published_at": comment.published_at.isoformat()[:19],
        "created_at": comment.created_at.isoformat()[:19],
    }
    assert shown == {
        "id": str(comment.public_id),
        "section": "digital",
        "parent": None,
        "body": "Protected training time, please.",
        "status": "published",
    }
    respondent = Respondent.objects.get()
    assert (respondent.user, respondent.is_anonymised) == (health_worker, False)
    assert Rating.objects.get().stance == "oppose"


def test_a_second_rating_replaces_the_first(client, consultation, health_worker):
    headers = bearer(health_worker)
    send(client, "put", "/api/v1/consultations/open-one/profile", PROFILE, **headers)
    url = "/api/v1/consultations/open-one/sections/digital/rating"
    send(client, "put", url, {"stance": "oppose"}, **headers)

    send(client, "put", url, {"stance": "support"}, **headers)

    assert list(Rating.objects.values_list("stance", flat=True)) == ["support"]


def test_a_reply_names_its_parent_and_starts_as_a_draft(client, consultation, health_worker):
    digital = Section.objects.get(version=consultation.version, key="digital")
    parent = CommentFactory(
        respondent=RespondentFactory(consultation=consultation), section=digital
    )
    headers = bearer(health_worker)
    send(client, "put", "/api/v1/consultations/open-one/profile", PROFILE, **headers)

    response = send(
        client,
        "post",
        "/api/v1/consultations/open-one/sections/digital/comments",
        {"body": "I agree.", "parent": str(parent.public_id)},
        **headers,
    )

    assert response.status_code == 201
    assert (response.json()["parent"], response.json()["status"]) == (
        str(parent.public_id),
        "draft",
    )
    assert Comment.objects.get(body="I agree.").parent == parent


def test_a_reply_to_an_unknown_comment_names_the_field(client, consultation, health_worker):
    headers = bearer(health_worker)
    send(client, "put", "/api/v1/consultations/open-one/profile", PROFILE, **headers)

    response = send(
        client,
        "post",
        "/api/v1/consultations/open-one/sections/digital/comments",
        {"body": "I agree.", "parent": "6f1c6c36-9d4e-4a4c-bd35-1b0e1b1f4c11"},
        **headers,
    )

    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "parent": ["There is no such comment in this consultation."]
    }
    assert not Comment.objects.exists()


def test_anonymous_api_writes_are_refused(client, consultation):
    responses = [
        send(client, "put", "/api/v1/consultations/open-one/profile", PROFILE),
        send(
            client,
            "put",
            "/api/v1/consultations/open-one/sections/digital/rating",
            {"stance": "support"},
        ),
        send(
            client,
            "post",
            "/api/v1/consultations/open-one/sections/digital/comments",
            {"body": "Hello"},
        ),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401]
    assert {error_of(r)["code"] for r in responses} == {"not_authenticated"}
    assert not Respondent.objects.exists()


def test_a_browser_session_writes_with_its_csrf_token(consultation, health_worker):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(health_worker)

    refused = send(browser, "put", "/api/v1/consultations/open-one/profile", PROFILE)
    browser.get("/consultations/")  # a page with a form sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = send(
        browser, "put", "/api/v1/consultations/open-one/profile", PROFILE, HTTP_X_CSRFTOKEN=token
    )

    assert refused.status_code == 403
    assert error_of(refused)["message"] == "CSRF check Failed"
    assert accepted.status_code == 201


def test_rating_or_commenting_needs_a_profile_first(client, consultation, health_worker):
    response = send(
        client,
        "put",
        "/api/v1/consultations/open-one/sections/digital/rating",
        {"stance": "support"},
        **bearer(health_worker),
    )

    assert response.status_code == 409
    assert error_of(response)["code"] == "profile_required"
    assert not Rating.objects.exists()


def test_a_closed_consultation_refuses_every_write(client, consultation, health_worker):
    headers = bearer(health_worker)
    send(client, "put", "/api/v1/consultations/open-one/profile", PROFILE, **headers)
    Consultation.objects.filter(pk=consultation.pk).update(phase=Consultation.Phase.ANALYSIS)

    responses = [
        send(client, "put", "/api/v1/consultations/open-one/profile", PROFILE, **headers),
        send(
            client,
            "put",
            "/api/v1/consultations/open-one/sections/digital/rating",
            {"stance": "support"},
            **headers,
        ),
        send(
            client,
            "post",
            "/api/v1/consultations/open-one/sections/digital/comments",
            {"body": "Too late?"},
            **headers,
        ),
    ]

    assert [r.status_code for r in responses] == [409, 409, 409]
    assert {error_of(r)["code"] for r in responses} == {"consultation_closed"}
    assert not Rating.objects.exists()
    assert not Comment.objects.exists()


def test_a_closed_consultation_says_so_even_without_a_profile(client, consultation, outsider):
    Consultation.objects.filter(pk=consultation.pk).update(phase=Consultation.Phase.ANALYSIS)

    response = send(
        client,
        "put",
        "/api/v1/consultations/open-one/sections/digital/rating",
        {"stance": "support"},
        **bearer(outsider),
    )

    assert error_of(response)["code"] == "consultation_closed"


@pytest.mark.parametrize(
    ("url", "body", "fields"),
    [
        ("profile", {"stakeholder_type": "wizard", "country": "BE"}, {"stakeholder_type"}),
        ("profile", {"stakeholder_type": "research", "country": "XX"}, {"country"}),
        ("sections/digital/rating", {"stance": "maybe"}, {"stance"}),
        ("sections/digital/comments", {"body": ""}, {"body"}),
        ("sections/digital/comments", {"body": "x" * 5001}, {"body"}),
    ],
)
def test_invalid_input_names_its_fields(client, consultation, health_worker, url, body, fields):
    headers = bearer(health_worker)
    send(client, "put", "/api/v1/consultations/open-one/profile", PROFILE, **headers)
    method = "post" if url.endswith("comments") else "put"

    response = send(client, method, f"/api/v1/consultations/open-one/{url}", body, **headers)

    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid_input"
    assert set(error_of(response)["fields"]) == fields


def test_an_organisation_name_is_needed_to_answer_for_one(client, consultation, health_worker):
    response = send(
        client,
        "put",
        "/api/v1/consultations/open-one/profile",
        {**PROFILE, "answers_for_organisation": True},
        **bearer(health_worker),
    )

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"organisation_name"}
    assert not Respondent.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/consultations/nope/sections/digital/rating",
        "/api/v1/consultations/open-one/sections/nope/rating",
        "/api/v1/consultations/draft/sections/digital/rating",
    ],
)
def test_unknown_consultations_and_sections_are_not_found(client, consultation, health_worker, url):
    ConsultationFactory(version=consultation.version, slug="draft", phase="draft")
    headers = bearer(health_worker)
    send(client, "put", "/api/v1/consultations/open-one/profile", PROFILE, **headers)

    response = send(client, "put", url, {"stance": "support"}, **headers)

    assert response.status_code == 404


def test_the_schema_names_every_consultation_shape():
    from config.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]

    assert set(components["ConsultationOut"]["properties"]) == CONSULTATION_KEYS
    assert {"ConsultationCommentIn", "ConsultationProfileIn", "ConsultationRatingIn"} <= set(
        components
    )
    assert schema["paths"]["/api/v1/consultations"]["get"]["tags"] == ["consultations"]
