"""Check any credential a person brings: a VC-JWT, a JSON credential with a Data Integrity proof,
or a PNG / SVG badge with one of those baked in. Say plainly what passed and what failed.

The checks, in order (each a ``Check`` with a stable ``code``):

1. ``format``: what was given, and whether a credential could be read from it;
2. ``signature``: the proof (JWS or ``eddsa-rdfc-2022``) matches the credential;
3. ``issuer_key``: the key that signed is a key of the issuer, and was not retired before the
   credential was issued. ``resolve_key(issuer_id, key_id)`` decides: it returns the public key
   bytes, or None when ``key_id`` is not (or was not then) a key of ``issuer_id``;
4. ``dates``: ``validFrom`` has come and ``validUntil`` has not passed;
5. ``revocation``: for each ``BitstringStatusListEntry``, ``load_status_list(url)`` gives the
   status list credential, whose own proof, issuer, type, size and dates are checked before its
   bit is read.

Nothing here fetches anything: keys and status lists come from the two callables.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from . import baking, proofs, statuslist
from .ob3 import parse_datetime

ResolveKey = Callable[[str, str], bytes | None]
LoadStatusList = Callable[[str], dict | None]


@dataclass
class Check:
    code: str
    passed: bool
    message: str


@dataclass
class Report:
    is_valid: bool
    format: str
    checks: list[Check] = field(default_factory=list)
    credential: dict | None = None


class _Unreadable(Exception):
    pass


def _issuer_id(credential: dict) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _looks_like_jwt(text: str) -> bool:
    parts = text.split(".")
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return len(parts) == 3 and all(parts[:2]) and all(set(p) <= allowed for p in parts)


def _read(data: bytes | str) -> tuple[str, str, str]:
    """(container format, proof kind, text) — proof kind is "vc-jwt" or "data-integrity"."""
    container = ""
    if isinstance(data, bytes):
        if data.startswith(baking.PNG_SIGNATURE):
            try:
                inner = baking.png_unbake(data)
            except baking.BakingError as error:
                raise _Unreadable("png", str(error)) from None
            if inner is None:
                raise _Unreadable("png", "This PNG image has no credential baked into it.")
            container, text = "png", inner
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise _Unreadable(
                    "unknown", "This file is neither a PNG badge nor text (JSON, JWT or SVG)."
                ) from None
    else:
        text = data
    text = text.strip().lstrip("\ufeff")
    if not container and (
        text.startswith("<?xml") or text.startswith("<svg") or "<svg" in text[:500]
    ):
        inner = baking.svg_unbake(text)
        if inner is None:
            raise _Unreadable("svg", "This SVG image has no credential baked into it.")
        container, text = "svg", inner.strip()
    if text.startswith("{"):
        return container or "data-integrity", "data-integrity", text
    if _looks_like_jwt(text):
        return container or "vc-jwt", "vc-jwt", text
    raise _Unreadable(
        container or "unknown",
        "This is not a credential this service can read: expected a VC-JWT, a JSON credential "
        "or a PNG / SVG badge with one baked in.",
    )


def _date_check(credential: dict, now: datetime) -> Check:
    start_raw = credential.get("validFrom", credential.get("issuanceDate"))
    end_raw = credential.get("validUntil", credential.get("expirationDate"))
    start, end = parse_datetime(start_raw), parse_datetime(end_raw)
    if start_raw is not None and start is None:
        return Check("dates", False, f"The start date {start_raw!r} is not a valid date.")
    if end_raw is not None and end is None:
        return Check("dates", False, f"The expiry date {end_raw!r} is not a valid date.")
    if start and start > now:
        return Check("dates", False, f"The credential is not valid yet: it starts on {start_raw}.")
    if end and end <= now:
        return Check("dates", False, f"The credential expired on {end_raw}.")
    if end:
        return Check(
            "dates", True, f"The credential is within its validity period (until {end_raw})."
        )
    return Check("dates", True, "The credential is valid from its issue date and does not expire.")


def _status_entries(credential: dict) -> list[dict]:
    status = credential.get("credentialStatus")
    entries = status if isinstance(status, list) else [status] if status else []
    return [e for e in entries if isinstance(e, dict)]


@lru_cache(maxsize=64)
def _status_list_proof_problem(document: str, key: bytes) -> str:
    """Empty when the status list's proof is good. Cached: a verifier sees the same few lists
    again and again, and the same bytes with the same key always give the same answer."""
    try:
        proofs.verify_data_integrity(json.loads(document), public_bytes=key)
    except proofs.ProofError as error:
        return str(error)
    return ""


def _check_status_list(
    entry: dict,
    *,
    issuer_id: str | None,
    resolve_key: ResolveKey,
    load_status_list: LoadStatusList,
    now: datetime,
) -> tuple[bool, str]:
    if entry.get("type") != "BitstringStatusListEntry":
        return (
            False,
            f"The credential's status entry of type {entry.get('type')!r} is not supported.",
        )
    url, purpose = entry.get("statusListCredential"), entry.get("statusPurpose")
    try:
        index = int(str(entry.get("statusListIndex")))
    except ValueError:
        return False, "The credential's status entry has no valid list index."
    if not isinstance(url, str) or purpose not in statuslist.PURPOSES:
        return False, "The credential's status entry is incomplete."
    status_list = load_status_list(url)
    if not isinstance(status_list, dict):
        return False, f"The status list {url} could not be loaded, so revocation is unknown."
    if "BitstringStatusListCredential" not in (status_list.get("type") or []):
        return False, f"{url} is not a Bitstring Status List credential."
    list_issuer = _issuer_id(status_list)
    if list_issuer != issuer_id:
        return False, "The status list was not published by the credential's issuer."
    try:
        proof = proofs.data_integrity_proof(status_list)
    except proofs.ProofError as error:
        return False, f"The status list's proof cannot be checked: {error}"
    key = resolve_key(list_issuer or "", str(proof.get("verificationMethod", "")))
    if key is None:
        return False, "The status list was signed with a key that is not the issuer's."
    problem = _status_list_proof_problem(json.dumps(status_list, sort_keys=True), key)
    if problem:
        return (
            False,
            f"The status list's own signature is not valid, so it cannot be trusted: {problem}",
        )
    list_end = parse_datetime(status_list.get("validUntil"))
    if list_end and list_end <= now:
        return False, "The status list has expired, so the current revocation status is unknown."
    subject = status_list.get("credentialSubject") or {}
    if not isinstance(subject, dict) or subject.get("statusPurpose") != purpose:
        return False, "The status list is for another purpose than the credential's entry."
    try:
        bits = statuslist.bitstring_decode(subject.get("encodedList", ""))
    except statuslist.StatusListError as error:
        return False, f"The status list cannot be read: {error}"
    if len(bits) * 8 < statuslist.STATUS_LIST_SIZE:
        return False, "The status list is shorter than the 131,072 entries the standard requires."
    if index >= len(bits) * 8:
        return False, "The credential's status index is outside the status list."
    if statuslist.bit_get(bits, index):
        if purpose == "revocation":
            return False, "The issuer has revoked this credential."
        return False, "The issuer has suspended this credential."
    return True, f"The issuer has not {'revoked' if purpose == 'revocation' else 'suspended'} it."


def verify_any(
    data: bytes | str,
    *,
    resolve_key: ResolveKey,
    load_status_list: LoadStatusList,
    now: datetime,
) -> Report:
    try:
        container, kind, text = _read(data)
    except _Unreadable as error:
        return Report(False, error.args[0], [Check("format", False, error.args[1])], None)

    checks: list[Check] = []
    proof_problem = ""
    described = {"vc-jwt": "a VC-JWT (compact JWS)", "data-integrity": "a JSON credential"}[kind]
    where = {"png": " baked into a PNG badge", "svg": " baked into an SVG badge"}.get(container, "")

    # Read the claimed issuer and key id (not trusted until the signature checks out).
    if kind == "vc-jwt":
        try:
            header = proofs.jwt_header(text)
            payload = proofs.jwt_payload_unverified(text)
        except proofs.ProofError as error:
            return Report(False, container, [Check("format", False, str(error))], None)
        claimed = proofs.jwt_credential(payload)
        key_id = str(header.get("kid") or "")
    else:
        try:
            claimed = json.loads(text)
        except ValueError:
            return Report(
                False, container, [Check("format", False, "The JSON is not valid.")], None
            )
        if not isinstance(claimed, dict):
            return Report(
                False, container, [Check("format", False, "The JSON is not a credential.")], None
            )
        try:
            proof = proofs.data_integrity_proof(claimed)
            key_id = str(proof.get("verificationMethod") or "")
        except proofs.ProofError as error:
            proof_problem, key_id = str(error), ""
        contexts = claimed.get("@context")
        if not isinstance(contexts, list) or not all(isinstance(c, str) for c in contexts):
            # An embedded context can rename terms so that the JSON people read differs from
            # the signed graph; only published contexts (by URL) are accepted.
            proof_problem = (
                "The credential defines its own JSON-LD terms inside @context; only credentials "
                "that use published contexts (by URL) are accepted."
            )
    types = claimed.get("type") or []
    if "VerifiableCredential" not in (types if isinstance(types, list) else [types]):
        return Report(
            False,
            container,
            [
                Check(
                    "format",
                    False,
                    f"Found {described}{where}, but it is not a verifiable credential.",
                )
            ],
            None,
        )
    checks.append(Check("format", True, f"Read {described}{where}."))

    issuer_id = _issuer_id(claimed)
    key = resolve_key(issuer_id, key_id) if issuer_id and key_id else None
    credential: dict | None = None
    if proof_problem:
        checks.append(Check("signature", False, proof_problem))
    elif key is None:
        checks.append(
            Check(
                "signature",
                False,
                "The signature could not be checked: the key it names is not a known key of "
                "the issuer.",
            )
        )
    else:
        try:
            if kind == "vc-jwt":
                credential = proofs.verify_jwt(text, public_bytes=key)
            else:
                proofs.verify_data_integrity(claimed, public_bytes=key)
                credential = claimed
            checks.append(Check("signature", True, "The signature matches the credential."))
        except proofs.ProofError as error:
            checks.append(Check("signature", False, str(error)))

    if not key_id:
        checks.append(
            Check("issuer_key", False, "The credential does not say which key signed it.")
        )
    elif key is None:
        checks.append(
            Check(
                "issuer_key",
                False,
                f"The key {key_id} is not a key of the issuer {issuer_id or '(none)'}, or it "
                "was retired before this credential was issued.",
            )
        )
    else:
        checks.append(Check("issuer_key", True, f"It was signed with the issuer's key {key_id}."))

    subject = credential or claimed
    checks.append(_date_check(subject, now))

    entries = _status_entries(subject)
    if not entries:
        checks.append(
            Check("revocation", True, "The credential has no status entry: it cannot be revoked.")
        )
    else:
        results = [
            _check_status_list(
                entry,
                issuer_id=issuer_id,
                resolve_key=resolve_key,
                load_status_list=load_status_list,
                now=now,
            )
            for entry in entries
        ]
        failed = [message for ok, message in results if not ok]
        if failed:
            checks.append(Check("revocation", False, " ".join(failed)))
        else:
            checks.append(Check("revocation", True, " ".join(message for _, message in results)))

    is_valid = all(check.passed for check in checks)
    # Only a credential whose signature checked out is handed back.
    return Report(is_valid, container, checks, credential)
