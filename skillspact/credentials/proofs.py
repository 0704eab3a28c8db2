"""The two proof formats: VC-JWT (JOSE, EdDSA) and Data Integrity ``eddsa-rdfc-2022``.

**VC-JWT.** The credential is secured as a whole (W3C "Securing Verifiable Credentials using
JOSE and COSE", media type ``application/vc+jwt``): the JWS payload is the credential itself.
Header ``{"alg": "EdDSA", "kid": <verification method>, "typ": "vc+jwt", "cty": "vc"}``
(RFC 8037 EdDSA with Ed25519). The payload also carries the JWT claims Open Badges 3.0
requires of its JSON Web Token proof ("Proofs", "JWT Payload Format"): ``iss`` (issuer id),
``jti`` (credential id), ``sub`` (subject id, when there is one), ``nbf`` (``validFrom``) and
``exp`` (``validUntil``, when there is one). ``verify_jwt`` checks that each of those claims
agrees with the credential, removes them and returns the credential; a payload with a ``vc``
claim (VC 1.1 style JWTs) is read from that claim. Verification accepts ``alg`` ``EdDSA`` and
its fully-specified name ``Ed25519`` (RFC 9864); we sign with ``EdDSA``, the name VC-JOSE-COSE
and Open Badges 3.0 use. Open Badges 3.0 also says ``typ``, if
present, is ``"JWT"``; VC-JOSE-COSE says ``vc+jwt``. We write ``vc+jwt`` and accept either.

The JWS is made with ``cryptography``'s Ed25519 directly, not with a JOSE library: the only
algorithm is EdDSA, compact serialisation is three base64url parts, and doing it here leaves
no algorithm negotiation (``alg: none``, HMAC-with-public-key confusion) to get wrong. The tests
check the result against an independent JOSE implementation (``joserfc``, a dev dependency)
and against the RFC 8037 Appendix A.4 test vector.

**Data Integrity.** W3C "Data Integrity EdDSA Cryptosuites v1.0", ``eddsa-rdfc-2022``: the
document (without ``proof``) and the proof options (with the document's ``@context``) are each
canonicalised with RDF Dataset Canonicalization (RDFC-1.0, which ``pyld`` implements as
URDNA2015), hashed with SHA-256, the two hashes concatenated (proof options first) and signed
with Ed25519; ``proofValue`` is ``"z" + base58btc(signature)``. The tests reproduce the
specification's published test vector exactly.

**Offline contexts.** JSON-LD processing never touches the network: ``document_loader`` serves
the documents in ``contexts/`` (listed in ``contexts/index.json``; their origin is in
``contexts/PROVENANCE.md``) and refuses any other URL with a ``ProofError`` that names it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from . import keys
from .ob3 import parse_datetime, xsd_datetime

CONTEXTS_DIR = Path(__file__).parent / "contexts"
CRYPTOSUITE = "eddsa-rdfc-2022"
JWT_CLAIMS = ("iss", "jti", "sub", "nbf", "exp", "iat")

SIGNATURE_MISMATCH = (
    "The signature does not match the credential: it was changed after issuing, or signed "
    "with another key."
)


class ProofError(Exception):
    """A proof cannot be made or does not verify; the message says why, in plain words."""


class ContextNotAvailable(Exception):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


# --- offline JSON-LD documents ---------------------------------------------------------------


@cache
def _context_index() -> dict[str, Path]:
    index = json.loads((CONTEXTS_DIR / "index.json").read_text(encoding="utf-8"))
    return {url: CONTEXTS_DIR / name for url, name in index.items()}


@cache
def _context_document(url: str) -> dict:
    return json.loads(_context_index()[url].read_text(encoding="utf-8"))


def known_contexts() -> list[str]:
    return sorted(_context_index())


def document_loader(url: str, options: dict | None = None) -> dict:
    if url not in _context_index():
        raise ContextNotAvailable(url)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(_context_document(url)),
        # "static": the document never changes, so pyld keeps the processed context in its
        # shared cache instead of loading and processing it again for every credential.
        "tag": "static",
    }


def _missing_context(error: BaseException) -> str | None:
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ContextNotAvailable):
            return current.url
        stack.extend([current.__cause__, current.__context__, getattr(current, "cause", None)])
        details = getattr(current, "details", None)
        if isinstance(details, dict) and isinstance(details.get("cause"), BaseException):
            stack.append(details["cause"])
    return None


def canonicalize(document: dict) -> str:
    """RDFC-1.0 (URDNA2015) N-Quads of a JSON-LD document, with the offline contexts only."""
    try:
        result = jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                # No document base: a relative IRI stays relative and is left out of the RDF, as
                # jsonld.js does, instead of being resolved against pyld's example.org base.
                "base": None,
                "documentLoader": document_loader,
            },
        )
    except Exception as error:  # pyld raises JsonLdError and wraps loader errors in it
        url = _missing_context(error)
        if url:
            raise ProofError(
                f"The credential uses the JSON-LD context {url}, which this service does not "
                "hold; it only reads contexts it has stored and never fetches others."
            ) from None
        raise ProofError(
            "The credential is not valid JSON-LD, so its Data Integrity proof cannot be checked."
        ) from error
    return str(result)


# --- VC-JWT ----------------------------------------------------------------------------------


def _json_bytes(value: dict) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _issuer_id(credential: dict) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        value = issuer.get("id")
        return value if isinstance(value, str) else None
    return issuer if isinstance(issuer, str) else None


def _subject_id(credential: dict) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and subject:
        subject = subject[0]
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        return subject["id"]
    return None


def jwt_claims(credential: dict) -> dict:
    claims: dict[str, object] = {}
    if _issuer_id(credential):
        claims["iss"] = _issuer_id(credential)
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    if _subject_id(credential):
        claims["sub"] = _subject_id(credential)
    valid_from = parse_datetime(credential.get("validFrom"))
    if valid_from:
        claims["nbf"] = int(valid_from.timestamp())
    valid_until = parse_datetime(credential.get("validUntil"))
    if valid_until:
        claims["exp"] = int(valid_until.timestamp())
    return claims


def jws_sign_compact(header: dict, payload: bytes, *, private_bytes: bytes) -> str:
    """A compact JWS (RFC 7515) with an Ed25519 signature; ``header`` must say EdDSA."""
    if header.get("alg") != "EdDSA":
        raise ProofError("Only EdDSA (Ed25519) JWS are made here.")
    signing_input = keys.b64url_encode(_json_bytes(header)) + "." + keys.b64url_encode(payload)
    signature = Ed25519PrivateKey.from_private_bytes(private_bytes).sign(
        signing_input.encode("ascii")
    )
    return signing_input + "." + keys.b64url_encode(signature)


def sign_jwt(credential: dict, *, private_bytes: bytes, kid: str) -> str:
    header = {"alg": "EdDSA", "kid": kid, "typ": "vc+jwt", "cty": "vc"}
    payload = {**credential, **jwt_claims(credential)}
    return jws_sign_compact(header, _json_bytes(payload), private_bytes=private_bytes)


def _jws_parts(token: str) -> tuple[dict, bytes, bytes, str]:
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise ProofError("This is not a compact JWS: it should have three parts separated by dots.")
    try:
        header = json.loads(keys.b64url_decode(parts[0]))
        payload = keys.b64url_decode(parts[1])
        signature = keys.b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        raise ProofError("The JWT is damaged: a part is not base64url-encoded.") from None
    if not isinstance(header, dict):
        raise ProofError("The JWT is damaged: its header must be a JSON object.")
    return header, payload, signature, parts[0] + "." + parts[1]


def _jwt_parts(token: str) -> tuple[dict, dict, bytes, str]:
    header, raw, signature, signing_input = _jws_parts(token)
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ProofError("The JWT is damaged: its payload is not JSON.") from None
    if not isinstance(payload, dict):
        raise ProofError("The JWT is damaged: its payload must be a JSON object.")
    return header, payload, signature, signing_input


def jws_verify_compact(token: str, *, public_bytes: bytes) -> tuple[dict, bytes]:
    """Header and payload bytes of an EdDSA compact JWS whose signature is good."""
    header, payload, signature, signing_input = _jws_parts(token)
    if header.get("alg") not in ("EdDSA", "Ed25519"):
        raise ProofError(
            f"This JWT is signed with {header.get('alg')!r}; only EdDSA (Ed25519) is accepted."
        )
    if header.get("crit"):
        raise ProofError("This JWT has critical header parameters this service does not support.")
    try:
        Ed25519PublicKey.from_public_bytes(public_bytes).verify(
            signature, signing_input.encode("ascii")
        )
    except (InvalidSignature, ValueError):
        raise ProofError(SIGNATURE_MISMATCH) from None
    return header, payload


def jwt_header(token: str) -> dict:
    return _jws_parts(token)[0]


def jwt_payload_unverified(token: str) -> dict:
    """The payload, NOT verified: only to find out who claims to have signed it."""
    return _jwt_parts(token)[1]


def jwt_credential(payload: dict) -> dict:
    if isinstance(payload.get("vc"), dict):
        return payload["vc"]
    return {k: v for k, v in payload.items() if k not in JWT_CLAIMS}


def _check_claims(payload: dict, credential: dict) -> None:
    problems = []
    if "iss" in payload and payload["iss"] != _issuer_id(credential):
        problems.append("the issuer (iss) differs from the credential's issuer")
    if "jti" in payload and payload["jti"] != credential.get("id"):
        problems.append("the JWT id (jti) differs from the credential's id")
    if "sub" in payload and payload["sub"] != _subject_id(credential):
        problems.append("the subject (sub) differs from the credential's subject")
    start = parse_datetime(credential.get("validFrom") or credential.get("issuanceDate"))
    if "nbf" in payload and (start is None or int(start.timestamp()) != payload["nbf"]):
        problems.append("the 'not before' date (nbf) differs from validFrom")
    end = parse_datetime(credential.get("validUntil") or credential.get("expirationDate"))
    if "exp" in payload and (end is None or int(end.timestamp()) != payload["exp"]):
        problems.append("the expiry (exp) differs from validUntil")
    if problems:
        raise ProofError("The JWT claims contradict the credential: " + "; ".join(problems) + ".")


def verify_jwt(token: str, *, public_bytes: bytes) -> dict:
    _header, raw = jws_verify_compact(token, public_bytes=public_bytes)
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ProofError("The JWT's payload is not JSON, so it is not a credential.") from None
    if not isinstance(payload, dict):
        raise ProofError("The JWT's payload is not a JSON object, so it is not a credential.")
    credential = jwt_credential(payload)
    _check_claims(payload, credential)
    return credential


# --- Data Integrity eddsa-rdfc-2022 ----------------------------------------------------------


def _hash_data(unsecured: dict, proof_config: dict) -> bytes:
    proof_hash = hashlib.sha256(canonicalize(proof_config).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonicalize(unsecured).encode("utf-8")).digest()
    return proof_hash + document_hash


def sign_data_integrity(
    credential: dict, *, private_bytes: bytes, verification_method: str, created: datetime
) -> dict:
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    if "@context" not in unsecured:
        raise ProofError("A credential without @context cannot carry a Data Integrity proof.")
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": xsd_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    data = _hash_data(unsecured, {**proof, "@context": unsecured["@context"]})
    signature = Ed25519PrivateKey.from_private_bytes(private_bytes).sign(data)
    proof["proofValue"] = "z" + keys.b58encode(signature)
    existing = credential.get("proof")
    if existing:
        proofs = existing if isinstance(existing, list) else [existing]
        return {**unsecured, "proof": [*proofs, proof]}
    return {**unsecured, "proof": proof}


def data_integrity_proof(credential: dict) -> dict:
    """The credential's ``eddsa-rdfc-2022`` proof, or ProofError."""
    proof = credential.get("proof")
    proofs = proof if isinstance(proof, list) else [proof] if proof else []
    for item in proofs:
        if (
            isinstance(item, dict)
            and item.get("type") == "DataIntegrityProof"
            and item.get("cryptosuite") == CRYPTOSUITE
        ):
            return item
    if not proofs:
        raise ProofError("The credential has no proof: nobody has signed it.")
    raise ProofError(
        "The credential's proof is not a Data Integrity eddsa-rdfc-2022 proof, the only "
        "embedded proof this service checks."
    )


def verify_data_integrity(credential: dict, *, public_bytes: bytes) -> None:
    proof = data_integrity_proof(credential)
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("The proof's purpose is not 'assertionMethod', so it does not assert.")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("The proof value is missing or not base58btc-encoded.")
    try:
        signature = keys.b58decode(value[1:])
    except keys.KeyFormatError:
        raise ProofError("The proof value is not base58btc-encoded.") from None
    if len(signature) != 64:
        raise ProofError("The proof value is not an Ed25519 signature (64 bytes).")
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    if "@context" not in unsecured:
        raise ProofError("A credential without @context cannot carry a Data Integrity proof.")
    if "@context" in proof and proof["@context"] != unsecured["@context"]:
        raise ProofError("The proof's @context differs from the credential's.")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = unsecured["@context"]
    data = _hash_data(unsecured, options)
    try:
        Ed25519PublicKey.from_public_bytes(public_bytes).verify(signature, data)
    except (InvalidSignature, ValueError):
        raise ProofError(SIGNATURE_MISMATCH) from None
