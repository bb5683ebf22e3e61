"""The audit chain's pure core: canonical form, SM3 digests and verification (no Django).

docs/audit.md defines the canonical form; any SM3 implementation can recompute a digest from the
columns of audit_auditevent. Keep the two in step.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes

ALGORITHM = "SM3"
CANONICAL_VERSION = 1
GENESIS_DIGEST = "0" * 64

# Order of the columns inside the canonical array (after algorithm and version).
FIELDS: tuple[str, ...] = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_name",
    "unit_id",
    "ip",
    "user_agent",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "target_repr",
    "reason",
    "before",
    "after",
    "prev_digest",
)
Row = Sequence[object]  # values in FIELDS order, occurred_at already formatted by format_time


def sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def format_time(moment: datetime) -> str:
    """UTC, always six fractional digits: 2026-11-22T08:00:00.000000Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: object) -> str:
    """How before/after snapshots are stored: sorted keys, no spaces, UTF-8 characters kept."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def canonical_bytes(row: Row) -> bytes:
    return _encode([ALGORITHM, CANONICAL_VERSION, *row]).encode("utf-8")


def event_digest(row: Row) -> str:
    return sm3_hex(canonical_bytes(row))


@dataclass(frozen=True)
class Break:
    seq: int
    problem: str  # English, for logs and the command's output

    def __str__(self) -> str:
        return f"event {self.seq}: {self.problem}"


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    last_seq: int
    last_digest: str
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_rows(
    rows: Iterable[tuple[Row, str]],
    *,
    start_seq: int = 1,
    start_prev: str = GENESIS_DIGEST,
) -> VerifyResult:
    """Walk (row, stored digest) pairs in seq order; stop at the first break.

    A changed event fails its own digest; a deleted or inserted one breaks seq contiguity or the
    next event's prev_digest; reordered events break prev_digest.
    """
    expected_seq, prev = start_seq, start_prev
    checked = 0
    seq_i, prev_i = FIELDS.index("seq"), FIELDS.index("prev_digest")
    for row, stored in rows:
        seq = int(row[seq_i])  # type: ignore[call-overload]
        if seq != expected_seq:
            what = "missing events before it" if seq > expected_seq else "sequence number repeats or goes back"
            return VerifyResult(checked, expected_seq - 1, prev, Break(seq, f"expected seq {expected_seq}: {what}"))
        if row[prev_i] != prev:
            return VerifyResult(checked, seq - 1, prev, Break(seq, "prev_digest does not match the previous event"))
        if event_digest(row) != stored:
            return VerifyResult(checked, seq - 1, prev, Break(seq, "digest does not match the event's content"))
        checked += 1
        prev, expected_seq = stored, seq + 1
    return VerifyResult(checked, expected_seq - 1, prev, None)
