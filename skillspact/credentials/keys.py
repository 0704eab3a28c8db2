"""Ed25519 issuer keys: generation, Multikey and JWK encodings, encryption at rest.

Every issuer organisation signs with its own Ed25519 key pair. The private half is a 32-byte
seed (RFC 8032); the public half is 32 bytes. Both proof formats use the same key:

* Data Integrity (``eddsa-rdfc-2022``) names it by a ``Multikey`` verification method whose
  ``publicKeyMultibase`` is ``"z" + base58btc(0xed 0x01 || public key)`` (W3C Controlled
  Identifiers v1.0, "Multikey"; the multicodec ``ed25519-pub`` header is ``0xed01``);
* VC-JWT names it by a ``kid`` whose DID document entry also carries ``publicKeyJwk``
  (RFC 8037: ``{"kty": "OKP", "crv": "Ed25519", "x": base64url(public key)}``).

Private keys are stored encrypted (``private_encrypt``): AES-256-GCM (``cryptography``) under a
key derived with HKDF-SHA256 from a secret held in the environment and a random 16-byte salt
per token. HKDF rather than a password hash because the secret is a random server key, not a
password; it keeps decrypting cheap when a batch signs hundreds of credentials. The token is
versioned (``v1.<salt>.<nonce>.<ciphertext>``, base64url parts) so that the scheme can change
without losing old keys. Rotation is the caller's business: a new key pair gets a new key id,
old public keys stay published so that credentials signed with them remain verifiable.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, varint-encoded
ED25519_PRIV_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (0x1300), varint-encoded

_TOKEN_VERSION = "v1"  # noqa: S105 (a format version, not a secret)
_AAD = b"skillspact.credentials.ed25519-private-key.v1"
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


class KeyDecryptionError(Exception):
    """The token cannot be decrypted: wrong secret, damaged or unknown token."""


class KeyFormatError(ValueError):
    """A key encoding (Multikey, JWK) is not what it should be."""


@dataclass(frozen=True)
class KeyPair:
    private_bytes: bytes
    public_bytes: bytes

    def __repr__(self) -> str:  # never print the private key
        return f"KeyPair(public={public_multibase(self.public_bytes)})"


def key_generate() -> KeyPair:
    private = Ed25519PrivateKey.generate()
    return KeyPair(
        private_bytes=private.private_bytes_raw(),
        public_bytes=private.public_key().public_bytes_raw(),
    )


def key_from_private(private_bytes: bytes) -> KeyPair:
    private = Ed25519PrivateKey.from_private_bytes(private_bytes)
    return KeyPair(
        private_bytes=private_bytes, public_bytes=private.public_key().public_bytes_raw()
    )


# --- base58btc / base64url -------------------------------------------------------------------


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_B58_ALPHABET[rest])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        try:
            number = number * 58 + _B58_INDEX[char]
        except KeyError:
            raise KeyFormatError(f"{char!r} is not a base58btc character.") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if any(
        c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text
    ):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- public encodings ------------------------------------------------------------------------


def public_multibase(public_bytes: bytes) -> str:
    if len(public_bytes) != 32:
        raise KeyFormatError("An Ed25519 public key has 32 bytes.")
    return "z" + b58encode(ED25519_PUB_PREFIX + public_bytes)


def public_from_multibase(value: str) -> bytes:
    if not value.startswith("z"):
        raise KeyFormatError("A Multikey value starts with 'z' (base58btc).")
    raw = b58decode(value[1:])
    if not raw.startswith(ED25519_PUB_PREFIX) or len(raw) != 34:
        raise KeyFormatError("This Multikey value is not an Ed25519 public key.")
    return raw[2:]


def private_from_multibase(value: str) -> bytes:
    """The seed of a ``secretKeyMultibase`` value (multicodec ``ed25519-priv``)."""
    if not value.startswith("z"):
        raise KeyFormatError("A Multikey value starts with 'z' (base58btc).")
    raw = b58decode(value[1:])
    if not raw.startswith(ED25519_PRIV_PREFIX) or len(raw) != 34:
        raise KeyFormatError("This Multikey value is not an Ed25519 private key.")
    return raw[2:]


def public_jwk(public_bytes: bytes) -> dict:
    if len(public_bytes) != 32:
        raise KeyFormatError("An Ed25519 public key has 32 bytes.")
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(public_bytes)}


def public_from_jwk(jwk: dict) -> bytes:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" in jwk:
        raise KeyFormatError("This JWK is not an Ed25519 public key.")
    try:
        raw = b64url_decode(str(jwk.get("x", "")))
    except ValueError:
        raise KeyFormatError("The JWK's 'x' is not base64url.") from None
    if len(raw) != 32:
        raise KeyFormatError("An Ed25519 public key has 32 bytes.")
    return raw


# --- encryption at rest ----------------------------------------------------------------------


def _derive(secret: str, salt: bytes) -> bytes:
    if not secret:
        raise KeyDecryptionError("No key-encryption secret is configured.")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_AAD)
    return hkdf.derive(secret.encode("utf-8"))


def private_encrypt(private_bytes: bytes, *, secret: str) -> str:
    if len(private_bytes) != 32:
        raise KeyFormatError("An Ed25519 private key (seed) has 32 bytes.")
    salt, nonce = os.urandom(16), os.urandom(12)
    ciphertext = AESGCM(_derive(secret, salt)).encrypt(nonce, private_bytes, _AAD)
    parts = [b64url_encode(p) for p in (salt, nonce, ciphertext)]
    return ".".join([_TOKEN_VERSION, *parts])


def private_decrypt(token: str, *, secret: str) -> bytes:
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != _TOKEN_VERSION:
        raise KeyDecryptionError("This is not an encrypted key token this version can read.")
    try:
        salt, nonce, ciphertext = (b64url_decode(p) for p in parts[1:])
    except ValueError:
        raise KeyDecryptionError("The encrypted key token is damaged.") from None
    try:
        plain = AESGCM(_derive(secret, salt)).decrypt(nonce, ciphertext, _AAD)
    except InvalidTag:
        raise KeyDecryptionError(
            "The private key cannot be decrypted: the secret is not the one it was encrypted "
            "with, or the token was changed."
        ) from None
    if len(plain) != 32:
        raise KeyDecryptionError("The decrypted key has the wrong length.")
    return plain
