"""The commitments API: wiring, permissions, schema shapes and typed errors."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from skillspact.accounts import services as account_services
from skillspact.commitments.factories import (
    CommitmentFactory,
    CommitmentTargetFactory,
    ProgressReportFactory,
    ReportingWindowFactory,
)
from skillspact.commitments.models import (
    Commitment,
    CommitmentConcept,
    CommitmentRevision,
    ProgressReport,
    ReportingWindow,
)
from skillspact.organisations.factories import OrganisationFactory
from skillspact.organisations.models import Organisation
from skillspact.taxonomy.tests.esco_files import O_NURSE, S_PYTHON

pytestmark = pytest.mark.django_db

COMMITMENT_KEYS = {
    "id",
    "organisation",
    "title",
    "description",
    "status",
    "principles",
    "countries",
    "regions",
    "occupations",
    "skills",
    "partners",
    "targets",
    "revision",
    "review_note",
    "submitted_at",
    "published_at",
    "created_at",
    "updated_at",
}
REPORT_KEYS = {
    "id",
    "commitment",
    "organisation",
    "window",
    "year",
    "status",
    "progress_status",
    "people_trained",
    "trained_women",
    "trained_men",
    "trained_other_gender",
    "trained_gender_unknown",
    "people_reached",
    "programmes",
    "stakeholders",
    "euros",
    "narrative",
    "evidence_links",
    "includes_other_organisations",
    "occupations",
    "inclusions",
    "submitted_at",
    "is_editable",
    "is_reopened",
    "reopen_reason",
}
NEW_COMMITMENT = {
    "organisation": "hun",
    "title": "Telehealth skills for 500 nurses",
    "description": "Upskilling nurses of northern Spain in telehealth.",
    "principles": ["lifelong_learning"],
    "countries": ["ES"],
    "regions": ["ES21"],
    "targets": [{"year": 2025, "people": 200, "programmes": 2, "euros": 50000}],
}
FIGURES: dict[str, Any] = {
    "progress_status": "on_track",
    "people_trained": 100,
    "trained_women": 60,
    "trained_men": 40,
    "people_reached": 150,
    "programmes": 2,
    "stakeholders": 4,
    "euros": 40000,
    "narrative": "Two telehealth courses ran in Bilbao.",
    "evidence_links": ["https://www.hun.example.es/news/telehealth"],
}


def closed_dates() -> dict[str, datetime.date]:
    """A window that closed yesterday."""
    today = timezone.localdate()
    return {
        "opens_on": today - datetime.timedelta(days=40),
        "closes_on": today - datetime.timedelta(days=1),
    }


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


# -- reading commitments -----------------------------------------------------------------------


def test_anyone_lists_the_published_commitments_page_by_page(client, member_organisation):
    for n in range(5):
        CommitmentFactory(
            organisation=member_organisation,
            title=f"Commitment {n}",
            published_at=timezone.now() - datetime.timedelta(days=n),
        )
    CommitmentFactory(organisation=member_organisation, status="draft", published_at=None)

    response = client.get("/api/v1/commitments", {"limit": 2, "offset": 1})

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 5
    assert [item["title"] for item in body["items"]] == ["Commitment 1", "Commitment 2"]
    assert set(body["items"][0]) == COMMITMENT_KEYS
    assert body["items"][0]["organisation"] == {
        "id": str(member_organisation.public_id),
        "slug": "hun",
        "legal_name": "Hospital Universitario del Norte",
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, ["Published"]),
        ("outsider", ["Published"]),
        ("organisation_contact", ["Published", "Our draft"]),
        ("secretariat_officer", ["Published", "Their draft", "Our draft"]),
    ],
)
def test_drafts_are_listed_for_their_organisation_and_the_secretariat(
    request, client, member_organisation, persona, expected
):
    CommitmentFactory(organisation=member_organisation, title="Published")
    CommitmentFactory(
        organisation=member_organisation, title="Our draft", status="draft", published_at=None
    )
    CommitmentFactory(title="Their draft", status="draft", published_at=None)
    headers = bearer(request.getfixturevalue(persona)) if persona else {}

    response = client.get("/api/v1/commitments", **headers)

    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == expected


def test_a_signed_in_browser_session_also_sees_its_drafts(
    client, organisation_contact, member_organisation
):
    CommitmentFactory(organisation=member_organisation, title="Our draft", status="draft")
    client.force_login(organisation_contact)

    response = client.get("/api/v1/commitments")

    assert [item["title"] for item in response.json()["items"]] == ["Our draft"]


def test_a_refused_token_is_not_read_as_anonymous(client, member_organisation):
    CommitmentFactory(organisation=member_organisation)

    response = client.get("/api/v1/commitments", HTTP_AUTHORIZATION="Bearer spk_wrong")

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_the_list_filters_like_the_page(client, member_organisation):
    wanted = CommitmentFactory(
        organisation=member_organisation,
        title="Green skills for hospital porters",
        principles=["lifelong_learning", "equality"],
        countries=["ES", "PT"],
    )
    CommitmentFactory(
        organisation=member_organisation,
        title="Green skills for cooks",
        principles=["lifelong_learning"],
        countries=["ES"],
    )
    CommitmentFactory(
        title="Green skills for porters in Belgium",
        principles=["equality"],
        countries=["BE"],
    )

    response = client.get(
        "/api/v1/commitments",
        {
            "q": "green porters",
            "organisation": "hun",
            "status": "published",
            "principle": "equality",
            "country": "pt",
        },
    )

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [str(wanted.public_id)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"principle": "equality"}, ["Equal chances", "Both"]),
        ({"principle": "lifelong_learning"}, ["Learning", "Both"]),
        ({"country": "PT"}, ["Both"]),
        ({"country": "BE"}, ["Learning", "Equal chances"]),
        ({"q": "chances"}, ["Equal chances"]),
    ],
)
def test_each_filter_on_its_own(client, filters, expected):
    now = timezone.now()
    belgian = OrganisationFactory(country="BE")
    CommitmentFactory(
        organisation=belgian,
        title="Learning",
        principles=["lifelong_learning"],
        countries=["BE"],
        published_at=now - datetime.timedelta(days=1),
    )
    CommitmentFactory(
        organisation=belgian,
        title="Equal chances",
        principles=["equality"],
        countries=["BE"],
        published_at=now - datetime.timedelta(days=2),
    )
    CommitmentFactory(
        organisation=OrganisationFactory(country="ES"),
        title="Both",
        principles=["lifelong_learning", "equality"],
        countries=["ES", "PT"],
        published_at=now - datetime.timedelta(days=3),
    )

    response = client.get("/api/v1/commitments", filters)

    assert [item["title"] for item in response.json()["items"]] == expected


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"principle": "world_peace"}, "principle"),
        ({"status": "lost"}, "status"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_an_invalid_filter_is_a_typed_422(client, filters, field):
    response = client.get("/api/v1/commitments", filters)

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert list(error["fields"]) == [field]


def test_the_list_stays_within_its_query_budget(
    client, organisation_contact, member_organisation, django_assert_max_num_queries
):
    for n in range(15):
        commitment = CommitmentFactory(organisation=member_organisation, title=f"C{n}")
        commitment.partners.set([OrganisationFactory()])
        CommitmentTargetFactory(commitment=commitment)
        CommitmentConcept.objects.create(
            commitment=commitment, kind="skill", uri=S_PYTHON, esco_version="v1.1.1", label="x"
        )
    headers = bearer(organisation_contact)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/commitments", {"limit": 15}, **headers)

    assert response.status_code == 200
    assert len(response.json()["items"]) == 15
    assert all(item["partners"] and item["targets"] for item in response.json()["items"])


def test_one_commitment_shows_its_targets_concepts_partners_and_history(
    client, member_organisation
):
    partner = OrganisationFactory(legal_name="Universidad de Deusto", slug="deusto")
    commitment = CommitmentFactory(
        organisation=member_organisation,
        title="Digital skills for 500 nurses",
        principles=["lifelong_learning", "equality"],
        countries=["ES"],
        regions=["ES21"],
        revision=2,
        review_note="Internal: welcome.",
    )
    commitment.partners.set([partner])
    CommitmentTargetFactory(commitment=commitment, year=2026, people=300, programmes=3, euros=9)
    CommitmentConcept.objects.create(
        commitment=commitment,
        kind="occupation",
        uri=O_NURSE,
        esco_version="v1.1.1",
        label="nurse responsible for general care",
        isco_major="2",
    )
    CommitmentConcept.objects.create(
        commitment=commitment,
        kind="skill",
        uri=S_PYTHON,
        esco_version="v1.1.1",
        label="Python (computer programming)",
        is_digital=True,
    )
    CommitmentRevision.objects.create(
        commitment=commitment, number=1, content={"title": "Old title"}, reason="More nurses."
    )

    response = client.get(f"/api/v1/commitments/{commitment.public_id}")

    body = response.json()
    assert response.status_code == 200
    assert set(body) == COMMITMENT_KEYS | {"revisions"}
    assert body["status"] == "published"
    assert body["principles"] == ["lifelong_learning", "equality"]
    assert (body["countries"], body["regions"]) == (["ES"], ["ES21"])
    assert body["review_note"] == ""
    assert body["revision"] == 2
    assert body["partners"] == [
        {"id": str(partner.public_id), "slug": "deusto", "legal_name": "Universidad de Deusto"}
    ]
    assert body["targets"] == [{"year": 2026, "people": 300, "programmes": 3, "euros": 9}]
    assert body["occupations"] == [
        {
            "uri": O_NURSE,
            "label": "nurse responsible for general care",
            "esco_version": "v1.1.1",
            "is_green": False,
            "is_digital": False,
        }
    ]
    assert [(s["uri"], s["is_digital"]) for s in body["skills"]] == [(S_PYTHON, True)]
    assert [(r["number"], r["reason"], r["content"]) for r in body["revisions"]] == [
        (1, "More nurses.", {"title": "Old title"})
    ]


@pytest.mark.parametrize("persona", [None, "outsider"])
def test_a_draft_is_not_found_by_others(request, client, member_organisation, persona):
    draft = CommitmentFactory(organisation=member_organisation, status="draft")
    headers = bearer(request.getfixturevalue(persona)) if persona else {}

    response = client.get(f"/api/v1/commitments/{draft.public_id}", **headers)

    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "Not found.", "fields": {}}


def test_a_returned_commitment_shows_the_note_to_its_organisation(
    client, organisation_contact, member_organisation
):
    returned = CommitmentFactory(
        organisation=member_organisation,
        status="returned",
        published_at=None,
        review_note="Add a target.",
    )

    response = client.get(
        f"/api/v1/commitments/{returned.public_id}", **bearer(organisation_contact)
    )

    assert response.json()["review_note"] == "Add a target."


# -- writing commitments -----------------------------------------------------------------------


def test_a_contact_drafts_a_commitment_with_a_token(
    client, organisation_contact, member_organisation, esco_v1
):
    OrganisationFactory(slug="deusto")

    response = send(
        client,
        "post",
        "/api/v1/commitments",
        {**NEW_COMMITMENT, "skills": [S_PYTHON], "occupations": [O_NURSE], "partners": ["deusto"]},
        **bearer(organisation_contact),
    )

    body = response.json()
    assert response.status_code == 201, body
    assert set(body) == COMMITMENT_KEYS | {"revisions"}
    assert body["status"] == "draft"
    assert body["organisation"]["slug"] == "hun"
    assert [s["uri"] for s in body["skills"]] == [S_PYTHON]
    assert [o["uri"] for o in body["occupations"]] == [O_NURSE]
    assert [p["slug"] for p in body["partners"]] == ["deusto"]
    assert body["targets"] == [{"year": 2025, "people": 200, "programmes": 2, "euros": 50000}]
    assert Commitment.objects.get().created_by == organisation_contact


def test_a_commitment_is_submitted_at_creation_and_the_secretariat_told(
    client, organisation_contact, member_organisation, secretariat_officer, committed
):
    with committed():
        response = send(
            client,
            "post",
            "/api/v1/commitments",
            {**NEW_COMMITMENT, "submit": True},
            **bearer(organisation_contact),
        )

    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    assert [m.to for m in mail.outbox] == [["officer@secretariat.example.eu"]]


def test_an_incomplete_commitment_submitted_at_creation_stores_nothing(
    client, organisation_contact, member_organisation
):
    response = send(
        client,
        "post",
        "/api/v1/commitments",
        {"organisation": "hun", "title": "Only a title", "submit": True},
        **bearer(organisation_contact),
    )

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {
        "description",
        "principles",
        "countries",
        "targets",
    }
    assert Commitment.objects.count() == 0


def test_a_commitment_for_another_organisation_is_not_permitted(
    client, outsider, member_organisation
):
    response = send(client, "post", "/api/v1/commitments", NEW_COMMITMENT, **bearer(outsider))

    assert response.status_code == 403
    assert error_of(response) == {
        "code": "not_permitted",
        "message": "You are not allowed to do this.",
        "fields": {},
    }
    assert Commitment.objects.count() == 0


def test_anonymous_writes_need_authentication(client, member_organisation):
    response = send(client, "post", "/api/v1/commitments", NEW_COMMITMENT)

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_a_former_member_gets_a_conflict(client, organisation_contact, member_organisation):
    Organisation.objects.filter(pk=member_organisation.pk).update(status="left")

    response = send(
        client, "post", "/api/v1/commitments", NEW_COMMITMENT, **bearer(organisation_contact)
    )

    assert response.status_code == 409
    assert error_of(response)["code"] == "invalid_state"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (
            {"regions": ["BE10"]},
            {"regions": ["BE10 is not a NUTS-2 region of the countries covered."]},
        ),
        (
            {"targets": [{"year": 2031, "people": 1}]},
            {"targets_2031": ["Targets run from 2021 to 2030."]},
        ),
        (
            {"targets": [{"year": 2025, "people": 1}, {"year": 2025, "people": 2}]},
            {"targets": ["Give each year once."]},
        ),
        ({"organisation": "nowhere"}, {"organisation": ["“nowhere” is not an organisation."]}),
        ({"partners": ["hun", "ghost"]}, {"partners": ["“ghost” is not an organisation."]}),
        ({"partners": ["hun"]}, {"partners": ["An organisation cannot be its own partner."]}),
        ({"skills": [O_NURSE]}, {"skills": [f"Not a known concept: {O_NURSE}"]}),
    ],
    ids=[
        "region",
        "target year",
        "year twice",
        "organisation",
        "partner",
        "own partner",
        "concept",
    ],
)
def test_invalid_commitments_get_field_messages(
    client, organisation_contact, member_organisation, changes, fields
):
    response = send(
        client,
        "post",
        "/api/v1/commitments",
        {**NEW_COMMITMENT, **changes},
        **bearer(organisation_contact),
    )

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert error["fields"] == fields
    assert Commitment.objects.count() == 0


def test_a_malformed_body_gets_field_messages(client, organisation_contact, member_organisation):
    response = send(
        client,
        "post",
        "/api/v1/commitments",
        {**NEW_COMMITMENT, "principles": ["world_peace"], "title": "x" * 201},
        **bearer(organisation_contact),
    )

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"principles.0", "title"}


def test_patch_changes_only_what_is_sent(client, organisation_contact, member_organisation):
    draft = CommitmentFactory(
        organisation=member_organisation,
        status="draft",
        published_at=None,
        title="Before",
        description="Kept.",
    )

    response = send(
        client,
        "patch",
        f"/api/v1/commitments/{draft.public_id}",
        {"title": "After", "description": None},
        **bearer(organisation_contact),
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["description"]) == ("After", "Kept.")


def test_amending_a_published_commitment_needs_a_reason_and_keeps_a_revision(
    client, organisation_contact, commitment
):
    url = f"/api/v1/commitments/{commitment.public_id}"
    headers = bearer(organisation_contact)

    refused = send(client, "patch", url, {"title": "Digital skills for 800 nurses"}, **headers)
    amended = send(
        client,
        "patch",
        url,
        {"title": "Digital skills for 800 nurses", "amendment_reason": "A new hospital joined."},
        **headers,
    )

    assert refused.status_code == 422
    assert error_of(refused)["fields"] == {
        "amendment_reason": ["Say why the published commitment changes."]
    }
    assert amended.status_code == 200
    body = amended.json()
    assert (body["title"], body["revision"], body["status"]) == (
        "Digital skills for 800 nurses",
        2,
        "published",
    )
    assert [(r["number"], r["reason"], r["content"]["title"]) for r in body["revisions"]] == [
        (1, "A new hospital joined.", "Digital skills for 500 nurses")
    ]


@pytest.mark.parametrize("persona", ["outsider", "health_worker"])
def test_others_cannot_change_a_commitment(request, client, commitment, persona):
    response = send(
        client,
        "patch",
        f"/api/v1/commitments/{commitment.public_id}",
        {"title": "Hijacked", "amendment_reason": "Because"},
        **bearer(request.getfixturevalue(persona)),
    )

    assert response.status_code == 404
    commitment.refresh_from_db()
    assert commitment.title == "Digital skills for 500 nurses"


def test_submit_then_publish_through_the_api(
    client, organisation_contact, secretariat_officer, member_organisation, committed
):
    draft = send(
        client, "post", "/api/v1/commitments", NEW_COMMITMENT, **bearer(organisation_contact)
    ).json()
    url = f"/api/v1/commitments/{draft['id']}"

    submitted = send(client, "post", f"{url}/submit", **bearer(organisation_contact))
    by_contact = send(client, "post", f"{url}/publish", **bearer(organisation_contact))
    with committed():
        published = send(
            client, "post", f"{url}/publish", {"note": "Welcome."}, **bearer(secretariat_officer)
        )

    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert by_contact.status_code == 403
    assert error_of(by_contact)["code"] == "not_permitted"
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None
    assert [m.to for m in mail.outbox] == [["contact@hun.example.es"]]


def test_returning_needs_a_note_and_reaches_the_contact(
    client, organisation_contact, secretariat_officer, member_organisation
):
    commitment = CommitmentFactory(
        organisation=member_organisation, status="submitted", published_at=None
    )
    url = f"/api/v1/commitments/{commitment.public_id}/return"

    without_note = send(client, "post", url, {}, **bearer(secretariat_officer))
    returned = send(client, "post", url, {"note": "Add a target."}, **bearer(secretariat_officer))
    seen_by_contact = client.get(
        f"/api/v1/commitments/{commitment.public_id}", **bearer(organisation_contact)
    )

    assert without_note.status_code == 422
    assert list(error_of(without_note)["fields"]) == ["note"]
    assert returned.status_code == 200
    assert seen_by_contact.json()["status"] == "returned"
    assert seen_by_contact.json()["review_note"] == "Add a target."


def test_an_incomplete_submission_is_a_422_and_a_double_one_a_409(
    client, organisation_contact, member_organisation
):
    draft = CommitmentFactory(
        organisation=member_organisation, status="draft", published_at=None, description=""
    )
    submitted = CommitmentFactory(
        organisation=member_organisation, status="submitted", published_at=None
    )
    headers = bearer(organisation_contact)

    incomplete = send(client, "post", f"/api/v1/commitments/{draft.public_id}/submit", **headers)
    twice = send(client, "post", f"/api/v1/commitments/{submitted.public_id}/submit", **headers)

    assert incomplete.status_code == 422
    assert set(error_of(incomplete)["fields"]) == {"description", "targets"}
    assert twice.status_code == 409
    assert error_of(twice)["code"] == "invalid_state"


def test_a_contact_withdraws(client, organisation_contact, commitment):
    response = send(
        client,
        "post",
        f"/api/v1/commitments/{commitment.public_id}/withdraw",
        {"reason": "The project ended."},
        **bearer(organisation_contact),
    )

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["review_note"] == "The project ended."


# -- progress reports --------------------------------------------------------------------------


def report_url(commitment: Commitment, year: int = 2025) -> str:
    return f"/api/v1/commitments/{commitment.public_id}/reports/{year}"


def test_a_contact_writes_a_report_and_submits_it(
    client, organisation_contact, commitment, window, esco_v1
):
    OrganisationFactory(slug="san-telmo", legal_name="Clínica San Telmo")
    headers = bearer(organisation_contact)

    created = send(client, "put", report_url(commitment), {"people_trained": 40}, **headers)
    submitted = send(
        client,
        "put",
        report_url(commitment),
        {
            **FIGURES,
            "includes_other_organisations": True,
            "occupations": [{"uri": O_NURSE, "people_trained": 70}],
            "inclusions": [{"organisation": "san-telmo", "people_trained": 20, "euros": 100}],
            "submit": True,
        },
        **headers,
    )

    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    assert created.json()["people_trained"] == 40
    assert submitted.status_code == 200
    body = submitted.json()
    assert set(body) == REPORT_KEYS
    assert body["id"] == created.json()["id"]
    assert body["status"] == "submitted"
    assert body["year"] == 2025
    assert body["window"] == {
        "year": 2025,
        "opens_on": window.opens_on.isoformat(),
        "closes_on": window.closes_on.isoformat(),
        "state": "open",
    }
    assert body["commitment"] == {
        "id": str(commitment.public_id),
        "title": "Digital skills for 500 nurses",
    }
    assert {name: body[name] for name in FIGURES} == FIGURES
    assert (body["trained_other_gender"], body["trained_gender_unknown"]) == (None, None)
    assert body["occupations"] == [
        {"uri": O_NURSE, "label": "nurse responsible for general care", "people_trained": 70}
    ]
    assert [
        (i["organisation"]["slug"], i["people_trained"], i["euros"]) for i in body["inclusions"]
    ] == [("san-telmo", 20, 100)]
    assert (body["is_editable"], body["is_reopened"]) == (True, False)
    assert ProgressReport.objects.get().submitted_by == organisation_contact


def test_impossible_figures_are_a_422_naming_each_field(
    client, organisation_contact, commitment, window
):
    response = send(
        client,
        "put",
        report_url(commitment),
        {"people_trained": 120, "people_reached": 100, "euros": -1},
        **bearer(organisation_contact),
    )

    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert error["fields"] == {"euros": ["Euros invested cannot be negative."]}
    assert error["message"] == "Euros invested cannot be negative."
    assert ProgressReport.objects.count() == 0


def test_an_incomplete_submission_names_every_missing_figure(
    client, organisation_contact, commitment, window
):
    response = send(
        client,
        "put",
        report_url(commitment),
        {"people_trained": 10, "people_reached": 5, "submit": True},
        **bearer(organisation_contact),
    )

    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "people_trained": [
            "10 people trained but only 5 reached: everyone trained was also reached, so people "
            "reached must be at least people trained."
        ],
        "progress_status": ["Say how the commitment is progressing."],
        "programmes": ["Give training programmes created or updated (0 if none)."],
        "stakeholders": ["Give stakeholders engaged in partnerships (0 if none)."],
        "euros": ["Give euros invested (0 if none)."],
    }
    assert ProgressReport.objects.count() == 0


def test_an_unknown_included_organisation_is_a_422(
    client, organisation_contact, commitment, window
):
    response = send(
        client,
        "put",
        report_url(commitment),
        {
            **FIGURES,
            "includes_other_organisations": True,
            "inclusions": [{"organisation": "ghost"}],
        },
        **bearer(organisation_contact),
    )

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"inclusions": ["“ghost” is not an organisation."]}


def test_a_report_after_the_window_closed_is_a_409(
    client, organisation_contact, commitment, window
):
    report = ProgressReportFactory(commitment=commitment, window=window, euros=40000)
    ReportingWindow.objects.filter(pk=window.pk).update(**closed_dates())

    response = send(
        client,
        "put",
        report_url(commitment),
        {**FIGURES, "euros": 1},
        **bearer(organisation_contact),
    )

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "window_closed"
    closes_on = closed_dates()["closes_on"].isoformat()
    assert error["message"] == (
        f"The reporting window for 2025 closed on {closes_on}; ask the secretariat to reopen "
        "this report."
    )
    report.refresh_from_db()
    assert report.euros == 40000


def test_no_report_starts_when_the_window_is_closed_or_missing(
    client, organisation_contact, commitment
):
    ReportingWindowFactory(year=2024, **closed_dates())
    headers = bearer(organisation_contact)

    closed = send(client, "put", report_url(commitment, 2024), FIGURES, **headers)
    missing = send(client, "put", report_url(commitment, 2023), FIGURES, **headers)

    assert closed.status_code == 409
    assert error_of(closed)["code"] == "window_closed"
    assert missing.status_code == 404
    assert ProgressReport.objects.count() == 0


def test_a_draft_commitment_is_not_reported_on(
    client, organisation_contact, member_organisation, window
):
    draft = CommitmentFactory(organisation=member_organisation, status="draft", published_at=None)

    response = send(client, "put", report_url(draft), FIGURES, **bearer(organisation_contact))

    assert response.status_code == 409
    assert error_of(response)["code"] == "invalid_state"


@pytest.mark.parametrize("persona", [None, "outsider"])
def test_others_cannot_write_a_report(request, client, commitment, window, persona):
    headers = bearer(request.getfixturevalue(persona)) if persona else {}

    response = send(client, "put", report_url(commitment), FIGURES, **headers)

    assert response.status_code == (404 if persona else 401)
    assert ProgressReport.objects.count() == 0


def test_reports_are_listed_for_their_organisation_and_the_secretariat(
    client, organisation_contact, outsider, secretariat_officer, commitment, window
):
    ours_2025 = ProgressReportFactory(commitment=commitment, window=window)
    ours_2024 = ProgressReportFactory(
        commitment=commitment,
        window=ReportingWindowFactory(year=2024, **closed_dates()),
    )
    theirs = ProgressReportFactory(window=window)

    def ids(user, **query: Any) -> list[str]:
        response = client.get("/api/v1/reports", query, **bearer(user))
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert ids(organisation_contact) == [str(ours_2025.public_id), str(ours_2024.public_id)]
    assert ids(organisation_contact, year=2024) == [str(ours_2024.public_id)]
    assert ids(outsider) == []
    assert sorted(ids(secretariat_officer, year=2025)) == sorted(
        [str(ours_2025.public_id), str(theirs.public_id)]
    )
    assert client.get("/api/v1/reports").status_code == 401
    assert client.get("/api/v1/reports", {"year": 2019}, **bearer(outsider)).status_code == 422


def test_the_report_list_stays_within_its_query_budget(
    client, secretariat_officer, window, django_assert_max_num_queries
):
    for _n in range(10):
        report = ProgressReportFactory(window=window, includes_other_organisations=True)
        report.inclusions.create(organisation=OrganisationFactory(), people_trained=1)
        report.occupation_figures.create(uri=O_NURSE, label="nurse", people_trained=1)
    headers = bearer(secretariat_officer)

    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/reports", **headers)

    assert len(response.json()["items"]) == 10


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("secretariat_officer", 200)])
def test_one_report_is_read_by_its_organisation_and_the_secretariat(
    request, client, commitment, window, organisation_contact, persona, status
):
    report = ProgressReportFactory(commitment=commitment, window=window)

    own = client.get(f"/api/v1/reports/{report.public_id}", **bearer(organisation_contact))
    other = client.get(
        f"/api/v1/reports/{report.public_id}", **bearer(request.getfixturevalue(persona))
    )

    assert own.status_code == 200
    assert set(own.json()) == REPORT_KEYS
    assert other.status_code == status


def test_the_secretariat_reopens_a_locked_report_for_the_contact(
    client, organisation_contact, secretariat_officer, commitment, window, committed
):
    report = ProgressReportFactory(commitment=commitment, window=window)
    ReportingWindow.objects.filter(pk=window.pk).update(**closed_dates())
    url = f"/api/v1/reports/{report.public_id}/reopen"

    by_contact = send(client, "post", url, {"reason": "Please"}, **bearer(organisation_contact))
    without_reason = send(client, "post", url, {"reason": ""}, **bearer(secretariat_officer))
    with committed():
        reopened = send(
            client,
            "post",
            url,
            {"reason": "The euros are in cents."},
            **bearer(secretariat_officer),
        )
    corrected = send(
        client,
        "put",
        report_url(commitment),
        {**FIGURES, "euros": 400, "submit": True},
        **bearer(organisation_contact),
    )

    assert by_contact.status_code == 403
    assert without_reason.status_code == 422
    assert list(error_of(without_reason)["fields"]) == ["reason"]
    assert reopened.status_code == 200
    assert reopened.json()["is_reopened"] is True
    assert reopened.json()["is_editable"] is True
    assert reopened.json()["reopen_reason"] == "The euros are in cents."
    assert [m.to for m in mail.outbox] == [["contact@hun.example.es"]]
    assert corrected.status_code == 200
    assert corrected.json()["euros"] == 400
    assert (corrected.json()["is_reopened"], corrected.json()["is_editable"]) == (False, False)


def test_a_report_in_an_open_window_is_not_reopened(
    client, secretariat_officer, commitment, window
):
    report = ProgressReportFactory(commitment=commitment, window=window)

    response = send(
        client,
        "post",
        f"/api/v1/reports/{report.public_id}/reopen",
        {"reason": "Why not"},
        **bearer(secretariat_officer),
    )

    assert response.status_code == 409
    assert error_of(response)["code"] == "invalid_state"


# -- the schema --------------------------------------------------------------------------------


def _schema_classes(base: type) -> list[type]:
    found = []
    for cls in base.__subclasses__():
        found.append(cls)
        found.extend(_schema_classes(cls))
    return found


def test_no_two_api_shapes_share_a_name():
    """OpenAPI components are keyed by class name: a second `TargetOut` silently replaces the
    first in openapi.json."""
    from ninja import Schema

    from config.api import api  # noqa: F401 - loads every router's shapes

    by_name: dict[str, set[str]] = {}
    for cls in _schema_classes(Schema):
        if cls.__module__.startswith(("skillspact.", "config.")):
            by_name.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: modules for name, modules in by_name.items() if len(modules) > 1} == {}


def test_the_schema_describes_commitments_and_reports():
    from config.api import api

    components = api.get_openapi_schema()["components"]["schemas"]

    assert set(components["CommitmentTargetOut"]["properties"]) == {
        "year",
        "people",
        "programmes",
        "euros",
    }
    assert set(components["ReportOut"]["properties"]) == REPORT_KEYS
    assert set(components["CommitmentDetailOut"]["properties"]) == COMMITMENT_KEYS | {"revisions"}
