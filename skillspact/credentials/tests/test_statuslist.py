"""Bitstring Status List v1.0: size, bit order, encoding, entries and list credentials."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime

import pytest

from skillspact.credentials import statuslist

# The encodedList of the W3C Recommendation's examples: an empty list of the minimum size.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def test_a_new_list_has_the_minimum_131072_entries():
    bits = statuslist.new_bitstring()

    assert statuslist.STATUS_LIST_SIZE == 131072
    assert len(bits) == 16384
    with pytest.raises(statuslist.StatusListError):
        statuslist.new_bitstring(1024)


def test_the_specification_example_decodes_to_an_empty_list_of_16_kb():
    bits = statuslist.bitstring_decode(SPEC_EMPTY_LIST)

    assert len(bits) == 16384
    assert not any(bits)


def test_index_zero_is_the_left_most_bit_of_the_first_byte():
    bits = statuslist.new_bitstring()

    statuslist.bit_set(bits, 0, True)
    statuslist.bit_set(bits, 7, True)
    statuslist.bit_set(bits, 8, True)
    statuslist.bit_set(bits, 131071, True)

    assert bits[0] == 0b1000_0001
    assert bits[1] == 0b1000_0000
    assert bits[-1] == 0b0000_0001
    statuslist.bit_set(bits, 7, False)
    assert bits[0] == 0b1000_0000
    assert statuslist.bit_get(bits, 0) and not statuslist.bit_get(bits, 7)


def test_encoding_is_gzip_then_base64url_with_the_multibase_u_and_round_trips():
    bits = statuslist.new_bitstring()
    statuslist.bit_set(bits, 94567, True)

    encoded = statuslist.bitstring_encode(bits)

    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert raw[:2] == b"\x1f\x8b"  # the GZIP magic number
    assert gzip.decompress(raw) == bytes(bits)
    decoded = statuslist.bitstring_decode(encoded)
    assert statuslist.bit_get(decoded, 94567)
    assert [i for i in range(131072) if statuslist.bit_get(decoded, i)] == [94567]
    assert decoded[94567 // 8] == 1 << (7 - 94567 % 8)


def test_an_unreadable_list_is_refused():
    with pytest.raises(statuslist.StatusListError, match="'u'"):
        statuslist.bitstring_decode("H4sIAAAAAAAAA")
    with pytest.raises(statuslist.StatusListError, match="GZIP"):
        statuslist.bitstring_decode("uAAAA")
    with pytest.raises(statuslist.StatusListError, match="outside"):
        statuslist.bit_get(statuslist.new_bitstring(), 131072)


def test_status_entry_points_at_the_bit_in_the_list():
    entry = statuslist.status_entry(list_url="https://example.org/status/3", index=94567)

    assert entry == {
        "id": "https://example.org/status/3#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://example.org/status/3",
    }
    with pytest.raises(statuslist.StatusListError):
        statuslist.status_entry(list_url="https://example.org/status/3", index=1, purpose="x")


def test_status_list_credential_has_the_specification_shape():
    document = statuslist.status_list_credential(
        list_url="https://example.org/status/3",
        issuer={"id": "did:web:example.org", "name": "Example"},
        encoded_list=SPEC_EMPTY_LIST,
        issued_at=datetime(2026, 12, 1, tzinfo=UTC),
    )

    assert document == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://example.org/status/3",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": "did:web:example.org", "name": "Example"},
        "validFrom": "2026-12-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://example.org/status/3#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": SPEC_EMPTY_LIST,
        },
    }
