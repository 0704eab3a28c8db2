"""Ed25519 keys: Multikey and JWK encodings against published vectors, encryption at rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skillspact.credentials import keys

VECTORS = Path(__file__).parent / "vectors"
SECRET = "a-random-server-secret-from-the-environment-0123456789"


def spec_key_pair() -> dict:
    return json.loads((VECTORS / "vc-di-eddsa" / "keyPair.json").read_text())


def test_multikey_of_the_specification_key_pair_is_the_published_value():
    # Given the secret key of the Data Integrity EdDSA specification's test vectors
    vector = spec_key_pair()
    seed = keys.private_from_multibase(vector["privateKeyMultibase"])

    # When its public half is encoded as a Multikey
    pair = keys.key_from_private(seed)
    encoded = keys.public_multibase(pair.public_bytes)

    # Then it is the specification's publicKeyMultibase
    assert encoded == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert encoded == vector["publicKeyMultibase"]
    assert keys.public_from_multibase(encoded) == pair.public_bytes


def test_multikey_decoding_refuses_other_encodings_and_key_types():
    with pytest.raises(keys.KeyFormatError, match="starts with 'z'"):
        keys.public_from_multibase("u6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
    # an X25519 key (multicodec 0xec01) is not an Ed25519 key
    x25519 = "z" + keys.b58encode(b"\xec\x01" + bytes(32))
    with pytest.raises(keys.KeyFormatError, match="not an Ed25519 public key"):
        keys.public_from_multibase(x25519)
    with pytest.raises(keys.KeyFormatError, match="base58btc"):
        keys.public_from_multibase("z0OIl")


def test_jwk_of_the_rfc_8037_key_has_the_published_x():
    # RFC 8037, Appendix A.1 and A.2
    seed = keys.b64url_decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")

    jwk = keys.public_jwk(keys.key_from_private(seed).public_bytes)

    assert jwk == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    }
    assert keys.public_from_jwk(jwk) == keys.key_from_private(seed).public_bytes


def test_a_jwk_with_a_private_part_is_not_taken_as_a_public_key():
    with pytest.raises(keys.KeyFormatError):
        keys.public_from_jwk({"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"})


def test_generated_keys_are_fresh_ed25519_pairs():
    first, second = keys.key_generate(), keys.key_generate()

    assert len(first.private_bytes) == 32 and len(first.public_bytes) == 32
    assert first.private_bytes != second.private_bytes
    private = Ed25519PrivateKey.from_private_bytes(first.private_bytes)
    assert private.public_key().public_bytes_raw() == first.public_bytes
    assert keys.public_multibase(first.private_bytes.hex().encode()[:32]) not in repr(first)
    assert first.private_bytes.hex() not in repr(first)


def test_private_key_survives_encryption_with_the_right_secret():
    pair = keys.key_generate()

    token = keys.private_encrypt(pair.private_bytes, secret=SECRET)

    assert token.startswith("v1.")
    assert pair.private_bytes.hex() not in token
    assert keys.private_decrypt(token, secret=SECRET) == pair.private_bytes
    # a random salt and nonce each time
    assert keys.private_encrypt(pair.private_bytes, secret=SECRET) != token


def test_a_wrong_secret_cannot_decrypt_the_private_key():
    token = keys.private_encrypt(keys.key_generate().private_bytes, secret=SECRET)

    with pytest.raises(keys.KeyDecryptionError, match="secret is not the one"):
        keys.private_decrypt(token, secret=SECRET + "x")


def test_a_changed_token_cannot_be_decrypted():
    token = keys.private_encrypt(keys.key_generate().private_bytes, secret=SECRET)
    version, salt, nonce, body = token.split(".")
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]

    with pytest.raises(keys.KeyDecryptionError):
        keys.private_decrypt(".".join([version, salt, nonce, flipped]), secret=SECRET)
    with pytest.raises(keys.KeyDecryptionError, match="version"):
        keys.private_decrypt("v9." + ".".join([salt, nonce, body]), secret=SECRET)
    with pytest.raises(keys.KeyDecryptionError, match="No key-encryption secret"):
        keys.private_decrypt(token, secret="")
