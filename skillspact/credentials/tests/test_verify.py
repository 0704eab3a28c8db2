"""verify_any: every format, every check, and every way a credential can fail."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta

import pytest

from skillspact.credentials import baking, keys, proofs, statuslist, verify
from skillspact.credentials.tests.test_ob3 import ISSUED, credential, issuer

ISSUER = issuer()["id"]
KID = ISSUER + "#key-1"
LIST_URL = "https://skillspact.example/credentials/status/7"
NOW = ISSUED + timedelta(days=30)
PAIR = keys.key_generate()
CODES = ["format", "signature", "issuer_key", "dates", "revocation"]


def resolve_key(issuer_id: str, key_id: str) -> bytes | None:
    return PAIR.public_bytes if (issuer_id, key_id) == (ISSUER, KID) else None


def signed_status_list(revoked: tuple[int, ...] = (42,)) -> dict:
    bits = statuslist.new_bitstring()
    for index in revoked:
        statuslist.bit_set(bits, index, True)
    document = statuslist.status_list_credential(
        list_url=LIST_URL,
        issuer=issuer(),
        encoded_list=statuslist.bitstring_encode(bits),
        issued_at=NOW - timedelta(hours=1),
    )
    return proofs.sign_data_integrity(
        document, private_bytes=PAIR.private_bytes, verification_method=KID, created=NOW
    )


STATUS_LIST = signed_status_list()


def load_status_list(url: str) -> dict | None:
    return copy.deepcopy(STATUS_LIST) if url == LIST_URL else None


def issued(*, index: int = 7, valid_until: datetime | None = None) -> dict:
    return credential(
        status=statuslist.status_entry(list_url=LIST_URL, index=index),
        valid_until=valid_until or ISSUED + timedelta(days=365),
    )


def as_jwt(document: dict) -> str:
    return proofs.sign_jwt(document, private_bytes=PAIR.private_bytes, kid=KID)


def as_data_integrity(document: dict) -> dict:
    return proofs.sign_data_integrity(
        document, private_bytes=PAIR.private_bytes, verification_method=KID, created=ISSUED
    )


def check(data, **overrides) -> verify.Report:
    arguments = {"resolve_key": resolve_key, "load_status_list": load_status_list, "now": NOW}
    arguments.update(overrides)
    return verify.verify_any(data, **arguments)


def by_code(report: verify.Report) -> dict[str, verify.Check]:
    return {c.code: c for c in report.checks}


def test_a_valid_vc_jwt_passes_every_check_in_order():
    document = issued()

    report = check(as_jwt(document))

    assert report.is_valid
    assert report.format == "vc-jwt"
    assert [c.code for c in report.checks] == CODES
    assert all(c.passed for c in report.checks)
    assert report.credential == document
    assert by_code(report)["revocation"].message == "The issuer has not revoked it."


def test_a_valid_data_integrity_credential_passes_every_check():
    signed = as_data_integrity(issued())

    report = check(json.dumps(signed).encode())

    assert report.is_valid, report.checks
    assert report.format == "data-integrity"
    assert [c.code for c in report.checks] == CODES
    assert report.credential == signed


def test_baked_badges_are_read_and_verified():
    png = baking.png_bake(baking.badge_png(title="Telehealth"), as_jwt(issued()))
    svg = baking.svg_bake(
        baking.badge_svg(title="Telehealth"), json.dumps(as_data_integrity(issued()))
    )

    png_report, svg_report = check(png), check(svg)

    assert (png_report.format, png_report.is_valid) == ("png", True)
    assert by_code(png_report)["format"].message == (
        "Read a VC-JWT (compact JWS) baked into a PNG badge."
    )
    assert (svg_report.format, svg_report.is_valid) == ("svg", True)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d.update(name="Telehealth basics for community nursez"), id="name"),
        pytest.param(lambda d: d.update(validUntil="2028-11-20T09:30:00Z"), id="date"),
        pytest.param(
            lambda d: d["credentialSubject"].update(
                id="urn:uuid:6c1d7a52-59a8-4c7e-9a55-0b6f2f4d2e12"
            ),
            id="subject",
        ),
    ],
)
def test_one_changed_character_in_a_json_credential_fails_the_signature(change):
    tampered = as_data_integrity(issued())
    change(tampered)

    report = check(json.dumps(tampered))

    assert not report.is_valid
    signature = by_code(report)["signature"]
    assert not signature.passed
    assert signature.message == (
        "The signature does not match the credential: it was changed after issuing, or signed "
        "with another key."
    )
    assert report.credential is None


def test_one_changed_character_in_a_jwt_payload_fails_the_signature():
    head, body, signature = as_jwt(issued()).split(".")
    payload = keys.b64url_decode(body).replace(b"Ana Martins", b"Ana Martinz")
    forged = ".".join([head, keys.b64url_encode(payload), signature])

    report = check(forged)

    assert not report.is_valid
    assert not by_code(report)["signature"].passed
    assert "changed after issuing" in by_code(report)["signature"].message


def test_a_credential_signed_with_a_key_that_is_not_the_issuers_fails():
    other = keys.key_generate()
    token = proofs.sign_jwt(issued(), private_bytes=other.private_bytes, kid=KID)

    report = check(token)

    assert not report.is_valid
    assert not by_code(report)["signature"].passed


def test_an_unknown_or_retired_key_fails_the_key_check():
    report = check(as_jwt(issued()), resolve_key=lambda issuer_id, key_id: None)

    assert not report.is_valid
    checks = by_code(report)
    assert not checks["signature"].passed
    assert not checks["issuer_key"].passed
    assert checks["issuer_key"].message == (
        f"The key {KID} is not a key of the issuer {ISSUER}, or it was retired before this "
        "credential was issued."
    )


def test_an_expired_credential_fails_only_the_date_check():
    document = issued(valid_until=ISSUED + timedelta(days=10))

    report = check(as_jwt(document))

    assert not report.is_valid
    checks = by_code(report)
    assert checks["signature"].passed and checks["issuer_key"].passed
    assert not checks["dates"].passed
    assert checks["dates"].message == "The credential expired on 2026-11-30T09:30:00Z."


def test_a_credential_not_valid_yet_fails_the_date_check():
    report = check(as_jwt(issued()), now=ISSUED - timedelta(days=1))

    assert not by_code(report)["dates"].passed
    assert "not valid yet" in by_code(report)["dates"].message


def test_a_revoked_credential_fails_the_revocation_check():
    report = check(as_jwt(issued(index=42)))

    assert not report.is_valid
    checks = by_code(report)
    assert checks["signature"].passed and checks["dates"].passed
    assert not checks["revocation"].passed
    assert checks["revocation"].message == "The issuer has revoked this credential."


def test_a_status_list_whose_own_proof_is_bad_is_not_trusted():
    # Given someone cleared the revoked bit in the status list without re-signing it
    forged = copy.deepcopy(STATUS_LIST)
    forged["credentialSubject"]["encodedList"] = statuslist.bitstring_encode(
        statuslist.new_bitstring()
    )

    report = check(as_jwt(issued(index=42)), load_status_list=lambda url: forged)

    assert not report.is_valid
    revocation = by_code(report)["revocation"]
    assert not revocation.passed
    assert revocation.message.startswith("The status list's own signature is not valid")


def test_a_status_list_that_cannot_be_loaded_or_is_someone_elses_fails():
    unreachable = check(as_jwt(issued()), load_status_list=lambda url: None)
    assert by_code(unreachable)["revocation"].message == (
        f"The status list {LIST_URL} could not be loaded, so revocation is unknown."
    )

    other = copy.deepcopy(STATUS_LIST)
    other["issuer"] = {"id": "did:web:someone-else.example"}
    foreign = check(as_jwt(issued()), load_status_list=lambda url: other)
    assert by_code(foreign)["revocation"].message == (
        "The status list was not published by the credential's issuer."
    )


def test_a_credential_without_status_cannot_be_revoked_and_passes():
    report = check(as_jwt(credential(status=None)))

    assert report.is_valid
    assert by_code(report)["revocation"].message == (
        "The credential has no status entry: it cannot be revoked."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("hello", "not a credential this service can read"),
        (b"\x00\x01\x02\xff", "neither a PNG badge nor text"),
        (baking.badge_png(title="Plain"), "no credential baked into it"),
        ('{"type": ["Thing"]}', "not a verifiable credential"),
    ],
)
def test_unreadable_input_fails_the_format_check_only(data, message):
    report = check(data)

    assert not report.is_valid
    assert [c.code for c in report.checks] == ["format"]
    assert message in report.checks[0].message


def test_a_json_credential_without_proof_says_so():
    report = check(json.dumps(issued()))

    assert not report.is_valid
    assert by_code(report)["signature"].message == (
        "The credential has no proof: nobody has signed it."
    )


def test_a_json_credential_with_an_embedded_context_is_refused():
    signed = as_data_integrity(issued())
    signed["@context"] = [*signed["@context"], {"nickname": "https://schema.org/name"}]

    report = check(json.dumps(signed))

    assert not report.is_valid
    assert by_code(report)["signature"].message.startswith(
        "The credential defines its own JSON-LD terms inside @context"
    )
