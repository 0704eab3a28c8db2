"""The issuers' public documents: DID document, key set, Open Badges profile, status lists."""

from __future__ import annotations

import json

import pytest

from skillspact.credentials import keys, proofs, selectors, services, statuslist
from skillspact.credentials.models import IssuerKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(completed, organisation_contact):
    return services.credential_issue(enrolment=completed, actor=organisation_contact)


def test_the_did_of_an_issuer_percent_encodes_the_port(settings, member_organisation):
    settings.SITE_URL = "http://127.0.0.1:8000"

    assert selectors.issuer_did(member_organisation) == "did:web:127.0.0.1%3A8000:issuers:hun"


def test_did_document_lists_every_key_as_a_multikey_for_assertions(
    client, issued, member_organisation, organisation_contact
):
    services.issuer_key_rotate(organisation=member_organisation, actor=organisation_contact)

    response = client.get("/issuers/hun/did.json")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    did = "did:web:testserver:issuers:hun"
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert document["id"] == did
    stored = list(IssuerKey.objects.order_by("created_at", "id"))
    assert document["verificationMethod"] == [
        {
            "id": f"{did}#{key.key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in stored
    ]
    assert document["assertionMethod"] == [f"{did}#{key.key_id}" for key in stored]
    assert all(m["publicKeyMultibase"].startswith("z6Mk") for m in document["verificationMethod"])


def test_the_credentials_verify_with_the_keys_the_did_document_serves(client, issued):
    document = client.get("/issuers/hun/did.json").json()
    served = {
        m["id"]: keys.public_from_multibase(m["publicKeyMultibase"])
        for m in document["verificationMethod"]
    }
    kid = proofs.jwt_header(issued.jwt)["kid"]

    assert proofs.verify_jwt(issued.jwt, public_bytes=served[kid])["id"] == issued.document["id"]
    signed = json.loads(issued.data_integrity)
    proofs.verify_data_integrity(signed, public_bytes=served[signed["proof"]["verificationMethod"]])


def test_jwks_serves_the_same_keys(client, issued):
    jwks = client.get("/issuers/hun/jwks.json").json()

    key = issued.issuer_key
    assert jwks == {
        "keys": [
            {
                **keys.public_jwk(keys.public_from_multibase(key.public_key_multibase)),
                "kid": f"did:web:testserver:issuers:hun#{key.key_id}",
                "use": "sig",
                "alg": "EdDSA",
            }
        ]
    }


def test_an_organisation_that_never_issued_has_no_issuer_documents(client, member_organisation):
    assert client.get("/issuers/hun/did.json").status_code == 404
    assert client.get("/issuers/hun/").status_code == 404
    assert client.get("/issuers/nobody/did.json").status_code == 404


def test_issuer_profile_is_a_page_and_json_by_accept(client, issued):
    page = client.get("/issuers/hun/")
    profile = client.get("/issuers/hun/", headers={"Accept": "application/json"})

    assert page.status_code == 200
    assert "Hospital Universitario del Norte" in page.content.decode()
    assert "did:web:testserver:issuers:hun" in page.content.decode()
    assert profile["Content-Type"] == "application/json"
    assert "Accept" in profile["Vary"].split(", ")
    body = profile.json()
    assert body["id"] == "did:web:testserver:issuers:hun"
    assert body["type"] == ["Profile"]
    assert body["name"] == "Hospital Universitario del Norte"


def test_the_status_list_is_a_signed_bitstring_status_list_credential(client, issued):
    url = issued.document["credentialStatus"]["statusListCredential"]
    assert url == f"http://testserver/credentials/status/{issued.status_list.public_id}"

    response = client.get(url.removeprefix("http://testserver"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"]
    assert response["Content-Type"] == "application/vc"
    document = json.loads(response.content)
    assert "BitstringStatusListCredential" in document["type"]
    assert document["issuer"]["id"] == "did:web:testserver:issuers:hun"
    bits = statuslist.bitstring_decode(document["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == statuslist.STATUS_LIST_SIZE
    assert statuslist.bit_get(bits, issued.status_index) is False
    proofs.verify_data_integrity(
        document,
        public_bytes=keys.public_from_multibase(issued.issuer_key.public_key_multibase),
    )
    again = client.get(
        url.removeprefix("http://testserver"), headers={"If-None-Match": response["ETag"]}
    )
    assert again.status_code == 304


def test_the_status_list_shows_a_revocation(client, issued, organisation_contact):
    services.credential_revoke(credential=issued, actor=organisation_contact, reason="Error.")
    url = issued.document["credentialStatus"]["statusListCredential"]

    document = json.loads(client.get(url.removeprefix("http://testserver")).content)

    bits = statuslist.bitstring_decode(document["credentialSubject"]["encodedList"])
    assert statuslist.bit_get(bits, issued.status_index) is True


def test_an_unknown_status_list_is_404(client, db):
    assert client.get("/credentials/status/00000000-0000-0000-0000-000000000000").status_code == 404


def test_keys_page_rotates_for_contacts_only(client, issued, organisation_contact, outsider):
    client.force_login(outsider)
    assert client.post("/issuers/hun/keys/").status_code == 404
    assert IssuerKey.objects.count() == 1

    client.force_login(organisation_contact)
    assert client.get("/issuers/hun/keys/").status_code == 200
    response = client.post("/issuers/hun/keys/")

    assert response.status_code == 302
    assert IssuerKey.objects.count() == 2
    assert IssuerKey.objects.filter(retired_at__isnull=True).count() == 1
