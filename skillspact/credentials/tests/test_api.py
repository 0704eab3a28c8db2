"""The credentials API: verification for anyone, one's own credentials for the owner."""

from __future__ import annotations

import json

import pytest

from skillspact.credentials import services

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/credentials/verify"


@pytest.fixture
def issued(completed, organisation_contact):
    return services.credential_issue(enrolment=completed, actor=organisation_contact)


def test_verify_a_jwt_a_json_string_and_a_json_object(client, issued):
    for body in (
        {"credential": issued.jwt},
        {"credential": issued.data_integrity},
        {"credential": json.loads(issued.data_integrity)},
    ):
        response = client.post(VERIFY, body, content_type="application/json")

        assert response.status_code == 200
        result = response.json()
        assert result["valid"] is True
        assert [(c["code"], c["passed"]) for c in result["checks"]] == [
            ("format", True),
            ("signature", True),
            ("issuer_key", True),
            ("dates", True),
            ("revocation", True),
        ]
        assert all(c["message"] for c in result["checks"])


def test_verify_fails_a_tampered_and_a_revoked_credential(client, issued, organisation_contact):
    tampered = json.loads(issued.data_integrity)
    tampered["credentialSubject"]["name"] = "Hana Health-Workes"

    response = client.post(VERIFY, {"credential": tampered}, content_type="application/json")

    assert response.json()["valid"] is False
    assert response.json()["format"] == "data-integrity"
    services.credential_revoke(credential=issued, actor=organisation_contact, reason="Wrong.")
    revoked = client.post(VERIFY, {"credential": issued.jwt}, content_type="application/json")
    checks = {c["code"]: c["passed"] for c in revoked.json()["checks"]}
    assert revoked.json()["valid"] is False
    assert checks["revocation"] is False
    assert checks["signature"] is True


def test_verify_says_what_it_cannot_read(client, db):
    response = client.post(VERIFY, {"credential": "hello"}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert [c["code"] for c in response.json()["checks"]] == ["format"]


def test_verify_refuses_a_body_without_a_credential(client, db):
    response = client.post(VERIFY, {}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert "credential" in response.json()["error"]["fields"]


def test_verify_is_rate_limited_per_address(client, db, monkeypatch):
    monkeypatch.setattr(services, "VERIFY_LIMIT", 2)
    for _ in range(2):
        assert (
            client.post(VERIFY, {"credential": "x"}, content_type="application/json").status_code
            == 200
        )

    response = client.post(VERIFY, {"credential": "x"}, content_type="application/json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"


def test_my_credentials_and_one_credential_with_both_proofs(client, issued, health_worker):
    client.force_login(health_worker)

    listed = client.get("/api/v1/me/credentials").json()
    one = client.get(f"/api/v1/credentials/{issued.public_id}").json()

    assert [c["id"] for c in listed] == [str(issued.public_id)]
    assert listed[0]["issuer_id"] == "did:web:testserver:issuers:hun"
    assert listed[0]["share_url"] == ""
    assert one["jwt"] == issued.jwt
    assert one["credential"] == json.loads(issued.data_integrity)
    assert one["credential"]["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_a_credential_is_only_its_owners_through_the_api(client, issued, outsider):
    assert client.get("/api/v1/me/credentials").status_code == 401

    client.force_login(outsider)
    response = client.get(f"/api/v1/credentials/{issued.public_id}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/me/credentials").json() == []
