"""Sealing of the reporter's identity: AES-256-GCM with a key kept outside the database (pure core).

The Code's art 146 (接受举报的机关应当……对举报人的相关信息予以保密) is why the name and contact of a
reporter never sit in the database in the clear. Each value is sealed with a fresh 96-bit nonce and
bound to its row by the associated data, so a ciphertext copied onto another complaint does not open.
Format: "v1:" + base64(nonce || ciphertext-with-tag).
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
KEY_BYTES = 32


class SealError(ValueError):
    """The sealed value is damaged, belongs to another row, or the key is wrong."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def seal(key: bytes, data: dict[str, str], *, bound_to: str) -> str:
    plain = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plain, bound_to.encode())
    return f"{VERSION}:" + base64.b64encode(nonce + sealed).decode()


def unseal(key: bytes, token: str, *, bound_to: str) -> dict[str, str]:
    version, _, body = token.partition(":")
    if version != VERSION or not body:
        raise SealError("unknown sealed format")
    try:
        raw = base64.b64decode(body, validate=True)
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], bound_to.encode())
    except (InvalidTag, ValueError) as exc:
        raise SealError("sealed value does not open with this key and row") from exc
    data = json.loads(plain)
    if not isinstance(data, dict):
        raise SealError("sealed value is not a mapping")
    return {str(k): str(v) for k, v in data.items()}
