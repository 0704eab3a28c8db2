"""The organisations API: schema, wiring, permissions and typed errors."""

from __future__ import annotations

import json

import pytest

from skillspact.accounts import services as account_services
from skillspact.organisations.factories import (
    ApplicationFactory,
    InterestFactory,
    OrganisationFactory,
)
from skillspact.organisations.models import MembershipApplication, Organisation

pytestmark = pytest.mark.django_db

APPLICATION = {
    "legal_name": "Centro Hospitalar do Tejo",
    "stakeholder_type": "healthcare_provider",
    "country": "PT",
    "website": "https://cht.example.pt",
    "pact_registration_ref": "PfS-2024-00042",
    "has_consented_to_charter": True,
}


def bearer(user) -> dict[str, str]:
    _token, secret = account_services.api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url: str, body: object, **headers: str):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_the_directory_api_is_public_and_paginated(client):
    for n in range(25):
        OrganisationFactory(legal_name=f"Clinic {n:02d}")
    OrganisationFactory(legal_name="Unlisted", is_listed=False)

    response = client.get("/api/v1/organisations", {"limit": 10, "offset": 20})

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 25
    assert [item["legal_name"] for item in body["items"]] == [f"Clinic {n}" for n in range(20, 25)]
    item = body["items"][0]
    assert set(item) == {
        "id",
        "slug",
        "legal_name",
        "acronym",
        "stakeholder_type",
        "country",
        "nuts2",
        "size_band",
        "website",
        "description",
        "interests",
        "networks",
        "member_since",
    }


def test_the_directory_api_filters_like_the_page(client):
    interest = InterestFactory(slug="green-skills")
    wanted = OrganisationFactory(legal_name="Green Hospital Lisboa", country="PT", nuts2="PT17")
    wanted.interests.set([interest])
    OrganisationFactory(legal_name="Green Hospital Porto", country="PT", nuts2="PT11")

    response = client.get(
        "/api/v1/organisations",
        {
            "q": "green hospital",
            "country": "pt",
            "region": "PT17",
            "interest": "green-skills",
            "stakeholder_type": "healthcare_provider",
        },
    )

    assert [item["id"] for item in response.json()["items"]] == [str(wanted.public_id)]


def test_an_invalid_country_gives_a_typed_error(client):
    response = client.get("/api/v1/organisations", {"country": "XX"})

    body = response.json()
    assert response.status_code == 422
    assert body["error"]["code"] == "invalid_input"
    assert "country" in body["error"]["fields"]
    assert "ISO 3166-1" in body["error"]["fields"]["country"][0]


def test_one_organisation_by_id_and_404_for_unlisted(client):
    listed = OrganisationFactory()
    unlisted = OrganisationFactory(is_listed=False)

    assert client.get(f"/api/v1/organisations/{listed.public_id}").json()["slug"] == listed.slug
    missing = client.get(f"/api/v1/organisations/{unlisted.public_id}")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def test_applying_needs_authentication(client):
    response = post(client, "/api/v1/membership-applications", APPLICATION)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert MembershipApplication.objects.count() == 0


def test_a_revoked_token_is_refused(client, outsider):
    token, secret = account_services.api_token_create(user=outsider, name="x")
    account_services.api_token_revoke(token=token, actor=outsider)

    response = client.get("/api/v1/membership-applications", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 401


def test_apply_and_submit_in_one_request(client, outsider):
    InterestFactory(slug="digital-health")

    response = post(
        client,
        "/api/v1/membership-applications",
        {**APPLICATION, "interests": ["digital-health"], "submit": True},
        **bearer(outsider),
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["status"], body["interests"]) == ("submitted", ["digital-health"])
    application = MembershipApplication.objects.get()
    assert str(application.public_id) == body["id"]


def test_a_malformed_json_body_gives_a_typed_error(client, outsider):
    response = client.post(
        "/api/v1/membership-applications",
        "{not json",
        content_type="application/json",
        **bearer(outsider),
    )

    assert response.status_code in {400, 422}
    assert response.json()["error"]["message"] == "The request body is not valid JSON."
    assert MembershipApplication.objects.count() == 0


def test_unknown_interests_and_wrong_types_name_the_fields(client, outsider):
    response = post(
        client,
        "/api/v1/membership-applications",
        {**APPLICATION, "interests": ["astrology"], "stakeholder_type": "wizard"},
        **bearer(outsider),
    )

    body = response.json()
    assert response.status_code == 422
    assert "stakeholder_type" in body["error"]["fields"]
    assert MembershipApplication.objects.count() == 0


def test_a_missing_charter_consent_on_submit_is_refused_and_nothing_is_left_behind(
    client, outsider
):
    response = post(
        client,
        "/api/v1/membership-applications",
        {**APPLICATION, "has_consented_to_charter": False, "submit": True},
        **bearer(outsider),
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "has_consented_to_charter": ["The partnership’s charter must be accepted to join."]
    }
    assert MembershipApplication.objects.count() == 0


def test_a_duplicate_is_a_conflict(client, outsider, member_organisation):
    response = post(
        client,
        "/api/v1/membership-applications",
        {**APPLICATION, "website": "https://hun.example.es", "submit": True},
        **bearer(outsider),
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_organisation"


def test_only_the_applicant_and_the_secretariat_read_an_application(
    client, outsider, secretariat_officer
):
    application = ApplicationFactory()
    url = f"/api/v1/membership-applications/{application.public_id}"

    assert client.get(url, **bearer(outsider)).status_code == 404
    assert client.get(url, **bearer(application.applicant)).status_code == 200
    assert client.get(url, **bearer(secretariat_officer)).status_code == 200


def test_the_applicant_patches_a_draft_then_submits_it(client, outsider):
    application = ApplicationFactory(applicant=outsider, has_consented_to_charter=False)
    url = f"/api/v1/membership-applications/{application.public_id}"

    patched = client.patch(
        url,
        json.dumps({"has_consented_to_charter": True}),
        content_type="application/json",
        **bearer(outsider),
    )
    submitted = post(client, f"{url}/submit", {}, **bearer(outsider))

    assert patched.json()["has_consented_to_charter"] is True
    assert submitted.json()["status"] == "submitted"


def test_review_actions_are_for_the_secretariat_only(
    client, organisation_contact, secretariat_officer
):
    application = ApplicationFactory(status="submitted")
    url = f"/api/v1/membership-applications/{application.public_id}"

    denied = post(client, f"{url}/approve", {"message": ""}, **bearer(organisation_contact))
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "not_permitted"
    assert Organisation.objects.filter(legal_name=application.legal_name).count() == 0

    rejected = post(
        client, f"{url}/reject", {"reason": "Not a signatory."}, **bearer(secretariat_officer)
    )
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    again = post(client, f"{url}/approve", {"message": ""}, **bearer(secretariat_officer))
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_state")


def test_the_secretariat_lists_the_queue_and_others_their_own(
    client, outsider, secretariat_officer
):
    mine = ApplicationFactory(applicant=outsider)
    ApplicationFactory(status="submitted")

    own = client.get("/api/v1/membership-applications", **bearer(outsider)).json()
    queue = client.get("/api/v1/membership-applications", **bearer(secretariat_officer)).json()

    assert [item["id"] for item in own["items"]] == [str(mine.public_id)]
    assert queue["count"] == 1 and queue["items"][0]["status"] == "submitted"


def test_session_writes_need_the_csrf_token(outsider):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)

    response = post(client, "/api/v1/membership-applications", APPLICATION)

    assert response.status_code in {401, 403}
    assert MembershipApplication.objects.count() == 0


def test_health_reports_database_and_tasks(client):
    body = client.get("/api/v1/health").json()

    assert body["status"] == "ok"
    assert (body["database"], body["tasks"]) == ("ok", "ok")


def test_the_committed_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/organisations" in schema["paths"]
    assert "/api/v1/membership-applications/{application_id}/approve" in schema["paths"]
