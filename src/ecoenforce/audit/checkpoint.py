"""Signed checkpoints of the audit chain: the pure core (no Django).

A checkpoint says "at time T the chain's event SEQ had digest D", signed with SM2 (GB/T 32918.2,
signature with SM3 and the signer ID below). Copies kept outside the database (a file, the public
portal, a superior unit's archive) make a rewrite of history detectable even by someone who can
write the database and recompute every digest: they cannot re-sign the old heads. This is the
signed tree head of Certificate Transparency (RFC 6962/9162 §4.10) for a hash chain.

Library: gmssl (pure Python) for the curve arithmetic — `cryptography` has SM3 but no SM2. Only its
two primitives `sign(e, k)` / `verify(sig, e)` are used: Z_A, e = SM3(Z_A || M), the random k
(from `secrets`, not gmssl's `random.choice`) and the range checks on r, s are done here, so the
signature follows the standard for any signer ID and curve (tests use GB/T 32918.2's example).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gmssl.sm2 import CryptSM2, default_ecc_table

from ecoenforce.audit.chain import sm3_hex

FORMAT = "ecoenforce-audit-checkpoint/1"
SIGNATURE_ALGORITHM = "SM2-with-SM3"
# GM/T 0009-2012 §10: the default signer ID when none is agreed.
DEFAULT_SIGNER_ID = b"1234567812345678"
CURVE: Mapping[str, str] = default_ecc_table  # GB/T 32918.5 recommended curve sm2p256v1


class CheckpointError(ValueError):
    """A checkpoint that cannot be read or whose signature does not verify (English, for logs)."""


# --- SM2 over SM3 (GB/T 32918.2 §6, §7) -------------------------------------------------------


def _curve_int(curve: Mapping[str, str], name: str) -> int:
    return int(curve[name], 16)


def _crypt(private_key: str, public_key: str, curve: Mapping[str, str]) -> Any:
    crypt = CryptSM2(private_key=private_key, public_key="00", ecc_table=dict(curve))
    crypt.public_key = public_key  # gmssl's lstrip("04") would eat leading 0s and 4s of x
    return crypt


def public_key_of(private_key: str, curve: Mapping[str, str] = CURVE) -> str:
    """x || y of d·G, 128 hex characters (no 04 prefix)."""
    point = _crypt(private_key, "", curve)._kg(int(private_key, 16), curve["g"])
    return str(point).lower()


def generate_private_key(curve: Mapping[str, str] = CURVE) -> str:
    n = _curve_int(curve, "n")
    return f"{secrets.randbelow(n - 2) + 1:064x}"  # d in [1, n-2] (GB/T 32918.1 §6.1)


def signer_z(
    public_key: str, signer_id: bytes = DEFAULT_SIGNER_ID, curve: Mapping[str, str] = CURVE
) -> bytes:
    """Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A) (GB/T 32918.2 §5.5)."""
    entl = (len(signer_id) * 8).to_bytes(2, "big")
    parts = [curve["a"], curve["b"], curve["g"], public_key]
    return bytes.fromhex(sm3_hex(entl + signer_id + bytes.fromhex("".join(parts))))


def _e(message: bytes, public_key: str, signer_id: bytes, curve: Mapping[str, str]) -> bytes:
    return bytes.fromhex(sm3_hex(signer_z(public_key, signer_id, curve) + message))


def sm2_sign(
    message: bytes,
    private_key: str,
    *,
    signer_id: bytes = DEFAULT_SIGNER_ID,
    curve: Mapping[str, str] = CURVE,
    k: str | None = None,
) -> str:
    """r || s as 128 hex characters. `k` only for known-answer tests; otherwise random."""
    public_key = public_key_of(private_key, curve)
    e = _e(message, public_key, signer_id, curve)
    crypt = _crypt(private_key, public_key, curve)
    n = _curve_int(curve, "n")
    while True:
        nonce = k or f"{secrets.randbelow(n - 1) + 1:064x}"
        signature = crypt.sign(e, nonce)
        if signature is not None:
            return str(signature)
        if k is not None:
            raise CheckpointError("the given k yields r = 0, r + k = n or s = 0")


def sm2_verify(
    message: bytes,
    signature: str,
    public_key: str,
    *,
    signer_id: bytes = DEFAULT_SIGNER_ID,
    curve: Mapping[str, str] = CURVE,
) -> bool:
    """GB/T 32918.2 §7: r, s in [1, n-1], then the curve equation (gmssl)."""
    if len(signature) != 128 or len(public_key) != 128 or not _is_hex(signature + public_key):
        return False
    n = _curve_int(curve, "n")
    r, s = int(signature[:64], 16), int(signature[64:], 16)
    if not (1 <= r < n and 1 <= s < n):
        return False
    e = _e(message, public_key, signer_id, curve)
    return bool(_crypt("0", public_key, curve).verify(signature, e))


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


# --- checkpoints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    digest: str
    time: str  # chain.format_time of the moment it was signed (UTC)
    key_id: str  # first 16 hex characters of SM3(public key), to pick the key when it is rotated
    signature: str

    def message(self) -> bytes:
        return signed_message(self.seq, self.digest, self.time)

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "seq": self.seq,
            "digest": self.digest,
            "time": self.time,
            "algorithm": SIGNATURE_ALGORITHM,
            "key_id": self.key_id,
            "signature": self.signature,
        }
        return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


def signed_message(seq: int, digest: str, time: str) -> bytes:
    """The bytes signed: four lines, each ending in LF (docs/audit.md)."""
    return f"{FORMAT}\n{seq}\n{digest}\n{time}\n".encode("ascii")


def key_id(public_key: str) -> str:
    return sm3_hex(bytes.fromhex(public_key))[:16]


def make_checkpoint(seq: int, digest: str, time: str, private_key: str) -> Checkpoint:
    public_key = public_key_of(private_key)
    signature = sm2_sign(signed_message(seq, digest, time), private_key)
    return Checkpoint(seq, digest, time, key_id(public_key), signature)


def parse_checkpoint(data: Mapping[str, Any]) -> Checkpoint:
    """A checkpoint from its JSON object; CheckpointError when a field is missing or malformed."""
    try:
        seq, digest, time = data["seq"], data["digest"], data["time"]
        kid, signature = data["key_id"], data["signature"]
    except (KeyError, TypeError) as exc:
        raise CheckpointError(f"checkpoint lacks a field: {exc}") from exc
    algorithm = data.get("algorithm", SIGNATURE_ALGORITHM)
    if data.get("format", FORMAT) != FORMAT or algorithm != SIGNATURE_ALGORITHM:
        raise CheckpointError("unknown checkpoint format or algorithm")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise CheckpointError(f"checkpoint seq is not a number: {seq!r}")
    texts = (digest, time, kid, signature)
    if not all(isinstance(t, str) for t in texts) or len(digest) != 64 or not _is_hex(digest):
        raise CheckpointError(f"checkpoint {seq}: malformed digest or fields")
    return Checkpoint(seq, digest.lower(), time, kid, signature.lower())


def parse_lines(text: str) -> list[Checkpoint]:
    """JSON Lines (the checkpoint file) or one JSON document {"checkpoints": [...]} (the portal)."""
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None  # not one document: JSON Lines
    if isinstance(doc, dict) and isinstance(doc.get("checkpoints"), list):
        return [parse_checkpoint(item) for item in doc["checkpoints"]]
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                result.append(parse_checkpoint(json.loads(line)))
            except ValueError as exc:
                raise CheckpointError(f"line {number}: {exc}") from exc
    return result


def verify_checkpoint(cp: Checkpoint, public_keys: Mapping[str, str]) -> None:
    """Raise CheckpointError unless `cp` is signed by one of `public_keys` (key_id → public key)."""
    public_key = public_keys.get(cp.key_id)
    if public_key is None:
        raise CheckpointError(f"checkpoint {cp.seq}: signed by an unknown key {cp.key_id}")
    if not sm2_verify(cp.message(), cp.signature, public_key):
        raise CheckpointError(f"checkpoint {cp.seq}: the signature does not verify")
