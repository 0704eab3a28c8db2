"""Proofs: the W3C eddsa-rdfc-2022 test vector, RFC 8037's EdDSA JWS, VC-JWT checked by an
independent JOSE implementation, and tampering."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from joserfc import jws
from joserfc.jwk import OKPKey

from skillspact.credentials import keys, proofs
from skillspact.credentials.tests.test_ob3 import credential

VECTORS = Path(__file__).parent / "vectors"
DI = VECTORS / "vc-di-eddsa"
SPEC_VM = "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
KID = "did:web:skillspact.example:orgs:care-academy#key-1"
RFC8037 = json.loads((VECTORS / "rfc8037" / "appendix-a.json").read_text())


def spec_private() -> bytes:
    pair = json.loads((DI / "keyPair.json").read_text())
    return keys.private_from_multibase(pair["privateKeyMultibase"])


def spec_public() -> bytes:
    pair = json.loads((DI / "keyPair.json").read_text())
    return keys.public_from_multibase(pair["publicKeyMultibase"])


def spec_signed() -> dict:
    return json.loads((DI / "signedDataInt.json").read_text())


def spec_unsigned() -> dict:
    document = spec_signed()
    del document["proof"]
    return document


# --- the W3C Data Integrity EdDSA test vector ------------------------------------------------


def test_signing_the_specification_document_gives_the_specification_proof_value():
    # Given the unsigned document and key pair of the eddsa-rdfc-2022 test vector
    # When it is signed with the vector's proof options
    signed = proofs.sign_data_integrity(
        spec_unsigned(),
        private_bytes=spec_private(),
        verification_method=SPEC_VM,
        created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
    )

    # Then the whole signed document is the vector's, proofValue included
    assert signed["proof"]["proofValue"] == (DI / "sigBTC58DataInt.txt").read_text().strip()
    assert signed == spec_signed()


def test_canonical_proof_options_and_hashes_match_the_specification():
    options = json.loads((DI / "proofConfigDataInt.json").read_text())

    canonical = proofs.canonicalize(options)
    combined = (
        hashlib.sha256(canonical.encode()).digest()
        + hashlib.sha256(proofs.canonicalize(spec_unsigned()).encode()).digest()
    )

    assert canonical == (DI / "proofCanonDataInt.txt").read_text()
    assert combined.hex() == (DI / "combinedHashDataInt.txt").read_text().strip()


def test_the_specification_signed_document_verifies_with_its_public_key():
    proofs.verify_data_integrity(spec_signed(), public_bytes=spec_public())


def test_the_specification_signed_document_fails_with_another_key():
    with pytest.raises(proofs.ProofError, match="changed after issuing, or signed with another"):
        proofs.verify_data_integrity(spec_signed(), public_bytes=keys.key_generate().public_bytes)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Alumni Credentiam"),
        (("validFrom",), "2023-01-02T00:00:00Z"),
        (("credentialSubject", "id"), "did:example:abcdefgi"),
        (("credentialSubject", "alumniOf"), "The School of Exampler"),
    ],
)
def test_one_changed_character_breaks_the_specification_proof(path, value):
    document = spec_signed()
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    with pytest.raises(proofs.ProofError) as raised:
        proofs.verify_data_integrity(document, public_bytes=spec_public())

    assert str(raised.value) == proofs.SIGNATURE_MISMATCH


def test_contexts_are_never_fetched():
    document = spec_signed()
    document["@context"] = [*document["@context"], "https://evil.example/context.jsonld"]

    with pytest.raises(proofs.ProofError, match="https://evil.example/context.jsonld"):
        proofs.verify_data_integrity(document, public_bytes=spec_public())
    with pytest.raises(proofs.ContextNotAvailable):
        proofs.document_loader("https://www.w3.org/2018/credentials/v1")


def test_a_proof_with_another_purpose_or_suite_is_refused():
    document = spec_signed()
    document["proof"]["proofPurpose"] = "authentication"
    with pytest.raises(proofs.ProofError, match="assertionMethod"):
        proofs.verify_data_integrity(document, public_bytes=spec_public())

    document = spec_signed()
    document["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    with pytest.raises(proofs.ProofError, match="eddsa-rdfc-2022"):
        proofs.verify_data_integrity(document, public_bytes=spec_public())

    with pytest.raises(proofs.ProofError, match="no proof"):
        proofs.verify_data_integrity(spec_unsigned(), public_bytes=spec_public())


# --- Open Badges credentials with Data Integrity ---------------------------------------------


def test_an_open_badge_signed_with_data_integrity_verifies_and_tampering_fails():
    pair = keys.key_generate()
    signed = proofs.sign_data_integrity(
        credential(),
        private_bytes=pair.private_bytes,
        verification_method=KID,
        created=datetime(2026, 11, 20, 9, 31, tzinfo=UTC),
    )

    proofs.verify_data_integrity(signed, public_bytes=pair.public_bytes)
    assert signed["proof"]["verificationMethod"] == KID
    assert signed["proof"]["created"] == "2026-11-20T09:31:00Z"

    for change in (
        lambda d: d["credentialSubject"].update(name="Ana Martinz"),
        lambda d: d.update(validUntil="2039-11-19T09:30:00Z"),
        lambda d: d["credentialSubject"]["achievement"]["microCredential"].update(
            workloadHours=250
        ),
        lambda d: d["credentialSubject"]["achievement"]["alignment"][0].update(
            targetUrl="http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
        ),
    ):
        tampered = copy.deepcopy(signed)
        change(tampered)
        with pytest.raises(proofs.ProofError, match="changed after issuing"):
            proofs.verify_data_integrity(tampered, public_bytes=pair.public_bytes)


# --- EdDSA JWS and VC-JWT --------------------------------------------------------------------


def test_rfc_8037_example_signature_is_reproduced_and_verifies():
    seed = keys.b64url_decode(RFC8037["d"])
    public = keys.b64url_decode(RFC8037["x"])

    token = proofs.jws_sign_compact(
        {"alg": "EdDSA"}, RFC8037["payload"].encode(), private_bytes=seed
    )

    assert token == RFC8037["jws"]
    header, payload = proofs.jws_verify_compact(RFC8037["jws"], public_bytes=public)
    assert header == {"alg": "EdDSA"}
    assert payload == b"Example of Ed25519 signing"


def test_vc_jwt_has_the_vc_jose_header_and_open_badges_claims():
    pair = keys.key_generate()
    document = credential()

    token = proofs.sign_jwt(document, private_bytes=pair.private_bytes, kid=KID)

    assert proofs.jwt_header(token) == {"alg": "EdDSA", "kid": KID, "typ": "vc+jwt", "cty": "vc"}
    payload = proofs.jwt_payload_unverified(token)
    assert payload["iss"] == "did:web:skillspact.example:orgs:care-academy"
    assert payload["jti"] == document["id"]
    assert payload["sub"] == "urn:uuid:6c1d7a52-59a8-4c7e-9a55-0b6f2f4d2e11"
    assert payload["nbf"] == int(datetime(2026, 11, 20, 9, 30, tzinfo=UTC).timestamp())
    assert payload["exp"] == int(datetime(2029, 11, 19, 9, 30, tzinfo=UTC).timestamp())
    assert proofs.verify_jwt(token, public_bytes=pair.public_bytes) == document


@pytest.mark.filterwarnings("ignore:EdDSA is deprecated")
def test_vc_jwt_verifies_with_an_independent_jose_library_and_raw_cryptography():
    pair = keys.key_generate()
    token = proofs.sign_jwt(credential(), private_bytes=pair.private_bytes, kid=KID)

    # joserfc, with the public JWK as a verifier would publish it
    key = OKPKey.import_key(keys.public_jwk(pair.public_bytes))
    decoded = jws.deserialize_compact(token, key, algorithms=["EdDSA"])
    assert json.loads(decoded.payload)["jti"] == credential()["id"]

    # cryptography alone, over the JWS signing input
    head, body, signature = token.split(".")
    Ed25519PublicKey.from_public_bytes(pair.public_bytes).verify(
        keys.b64url_decode(signature), f"{head}.{body}".encode()
    )


@pytest.mark.filterwarnings("ignore:EdDSA is deprecated")
def test_a_vc_jwt_made_by_an_independent_jose_library_verifies_here():
    pair = keys.key_generate()
    document = credential()
    private_jwk = OKPKey.import_key(
        {**keys.public_jwk(pair.public_bytes), "d": keys.b64url_encode(pair.private_bytes)}
    )
    claims = {**document, **proofs.jwt_claims(document)}
    token = jws.serialize_compact(
        {"alg": "EdDSA", "kid": KID, "typ": "vc+jwt"},
        json.dumps(claims).encode(),
        private_jwk,
        algorithms=["EdDSA"],
    )

    assert proofs.verify_jwt(token, public_bytes=pair.public_bytes) == document


def test_one_changed_character_in_the_jwt_payload_fails():
    pair = keys.key_generate()
    token = proofs.sign_jwt(credential(), private_bytes=pair.private_bytes, kid=KID)
    head, body, signature = token.split(".")
    claims = json.loads(keys.b64url_decode(body))
    claims["credentialSubject"]["name"] = "Ana Martinz"
    forged = ".".join([head, keys.b64url_encode(json.dumps(claims).encode()), signature])

    with pytest.raises(proofs.ProofError) as raised:
        proofs.verify_jwt(forged, public_bytes=pair.public_bytes)

    assert str(raised.value) == proofs.SIGNATURE_MISMATCH


def test_a_jwt_signed_with_another_key_fails():
    token = proofs.sign_jwt(credential(), private_bytes=keys.key_generate().private_bytes, kid=KID)

    with pytest.raises(proofs.ProofError, match="signed with another key"):
        proofs.verify_jwt(token, public_bytes=keys.key_generate().public_bytes)


def test_other_algorithms_and_unsigned_jwts_are_refused():
    pair = keys.key_generate()
    token = proofs.sign_jwt(credential(), private_bytes=pair.private_bytes, kid=KID)
    _, body, _ = token.split(".")
    for alg in ("none", "HS256", "RS256"):
        header = keys.b64url_encode(json.dumps({"alg": alg}).encode())
        with pytest.raises(proofs.ProofError, match="only EdDSA"):
            proofs.verify_jwt(f"{header}.{body}.", public_bytes=pair.public_bytes)
    with pytest.raises(proofs.ProofError, match="three parts"):
        proofs.verify_jwt("abc.def", public_bytes=pair.public_bytes)


def test_jwt_claims_that_contradict_the_credential_are_refused():
    pair = keys.key_generate()
    document = credential()
    claims = {**document, **proofs.jwt_claims(document), "iss": "did:web:someone-else.example"}
    token = proofs.jws_sign_compact(
        {"alg": "EdDSA", "kid": KID}, json.dumps(claims).encode(), private_bytes=pair.private_bytes
    )

    with pytest.raises(proofs.ProofError, match="issuer"):
        proofs.verify_jwt(token, public_bytes=pair.public_bytes)


def test_the_shipped_contexts_are_the_recorded_published_documents():
    recorded = {
        "https://www.w3.org/ns/credentials/v2": (
            "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f"
        ),
        "https://www.w3.org/ns/credentials/undefined-terms/v2": (
            "82dab514ba44eb18f5d1b0f638c5e140c6a556fbfb5089601bdc0fa5eb8b2581"
        ),
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
            "01d87cc8b5357af557bfb09428f603c4691c49ef8a6089945a70bda1b96b1db2"
        ),
        "https://w3id.org/security/data-integrity/v2": (
            "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363"
        ),
        "https://w3id.org/security/multikey/v1": (
            "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6"
        ),
        "https://www.w3.org/ns/credentials/examples/v2": (
            "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c"
        ),
    }
    index = json.loads((proofs.CONTEXTS_DIR / "index.json").read_text())

    assert proofs.known_contexts() == sorted(recorded)
    for url, digest in recorded.items():
        content = (proofs.CONTEXTS_DIR / index[url]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == digest, url
