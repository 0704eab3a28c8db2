"""W3C Bitstring Status List v1.0: revocation (and suspension) bits for issued credentials.

* The list is at least 131,072 bits (16 KB), the specification's minimum, so that one entry
  does not reveal which of few credentials is meant (group privacy).
* ``encodedList`` is the bitstring GZIP-compressed, then base64url-encoded without padding,
  with the Multibase prefix ``u`` (specification, "Bitstring Encoding").
* Bit order: index 0 is the left-most (most significant) bit of the first byte; index ``i`` is
  bit ``7 - i % 8`` of byte ``i // 8``.
* A credential points at its bit with a ``BitstringStatusListEntry``; the list itself is a
  ``BitstringStatusListCredential`` whose subject is a ``BitstringStatusList``. All these terms
  are defined by the VC 2.0 context, which is shipped in ``contexts/``.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from datetime import datetime

from .ob3 import VC_V2_CONTEXT, xsd_datetime

STATUS_LIST_SIZE = 131072  # bits
PURPOSES = ("revocation", "suspension")


class StatusListError(ValueError):
    """The encoded list cannot be read, or an index is outside the list."""


def new_bitstring(size: int = STATUS_LIST_SIZE) -> bytearray:
    if size < STATUS_LIST_SIZE or size % 8:
        raise StatusListError(f"A status list has at least {STATUS_LIST_SIZE} bits, in bytes.")
    return bytearray(size // 8)


def bitstring_encode(bits: bytes | bytearray) -> str:
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def bitstring_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("u"):
        raise StatusListError(
            "The encoded status list should be Multibase base64url (starting with 'u')."
        )
    body = value[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return gzip.decompress(compressed)
    except (binascii.Error, ValueError, OSError, EOFError, zlib.error):
        raise StatusListError("The encoded status list is not GZIP data in base64url.") from None


def _position(bits: bytes | bytearray, index: int) -> tuple[int, int]:
    if index < 0 or index >= len(bits) * 8:
        raise StatusListError(f"Index {index} is outside the status list ({len(bits) * 8} bits).")
    return index // 8, 7 - index % 8


def bit_set(bits: bytearray, index: int, value: bool) -> None:
    byte, shift = _position(bits, index)
    if value:
        bits[byte] |= 1 << shift
    else:
        bits[byte] &= ~(1 << shift) & 0xFF


def bit_get(bits: bytes | bytearray, index: int) -> bool:
    byte, shift = _position(bits, index)
    return bool(bits[byte] >> shift & 1)


def status_entry(*, list_url: str, index: int, purpose: str = "revocation") -> dict:
    if purpose not in PURPOSES:
        raise StatusListError(f"Unknown status purpose {purpose!r}.")
    if index < 0:
        raise StatusListError("A status list index is not negative.")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    *,
    list_url: str,
    issuer: dict,
    encoded_list: str,
    issued_at: datetime,
    purpose: str = "revocation",
) -> dict:
    """An unsigned ``BitstringStatusListCredential`` (sign it with Data Integrity)."""
    if purpose not in PURPOSES:
        raise StatusListError(f"Unknown status purpose {purpose!r}.")
    issuer_value: dict = {"id": issuer["id"]}
    if issuer.get("name"):
        issuer_value["name"] = issuer["name"]
    return {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_value,
        "validFrom": xsd_datetime(issued_at),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded_list,
        },
    }
