"""The audit chain's pure core: canonical form, SM3 digests and verification (no Django).

docs/audit.md defines the canonical form byte for byte; any SM3 implementation can recompute a
digest from the columns of audit_auditevent. Keep the two in step: tests/audit/test_canonical.py
recomputes digests with an independent SM3 and the documented rules.

Canonical form (version 2): the event's 18 values (algorithm, version, then FIELDS) as text, each
written as its UTF-8 byte length (4 bytes, unsigned, big-endian) followed by its UTF-8 bytes,
concatenated. No escaping, so any language reproduces it exactly; and it is the field layout of
PostgreSQL's binary COPY, so the database streams it without rendering anything (pgscan.py).

Two ways to walk the chain, same verdict:
- `verify_rows`: rows of column values (FIELDS order); the canonical form is built here. This is
  the authority.
- `copy_rows_hold`: a chunk of events as binary COPY rows (canonical fields 3..18 plus the digest;
  fields 1 and 2 are the same on every event), checked with whole-list operations; it only says
  "all good" (the last digest) or "look closer" (None), and the caller then walks that chunk with
  verify_rows.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes

ALGORITHM = "SM3"
CANONICAL_VERSION = 2
GENESIS_DIGEST = "0" * 64

# The event's columns inside the canonical form, in order (after algorithm and version).
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
SEQ_INDEX = FIELDS.index("seq")
PREV_INDEX = FIELDS.index("prev_digest")
Row = Sequence[object]  # values in FIELDS order, occurred_at already formatted by format_time


# --- SM3 --------------------------------------------------------------------------------------


def _openssl_sm3() -> Callable[[], Any] | None:
    """hashlib's SM3 (OpenSSL 3 default provider) when it is there: ~3x cheaper per call."""
    try:
        hashlib.new("sm3", b"abc")
    except ValueError:
        return None
    return hashlib.new("sm3").copy


_sm3_copy = _openssl_sm3()


def _cryptography_sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def sm3_hex(data: bytes) -> str:
    """SM3 (GB/T 32905) of `data`, lower-case hex (64 characters)."""
    if _sm3_copy is None:
        return _cryptography_sm3_hex(data)
    h = _sm3_copy()
    h.update(data)
    return str(h.hexdigest())


# --- canonical form ---------------------------------------------------------------------------


def format_time(moment: datetime) -> str:
    """UTC, always six fractional digits: 2026-11-22T08:00:00.000000Z."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical_json(value: object) -> str:
    """How before/after snapshots are stored (a text column): sorted keys, no spaces, UTF-8 kept."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _text(value: object) -> str:
    """A column value as canonical text: NULL → "", integers in decimal, text as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"no canonical text for {type(value).__name__}")


def field_bytes(text: str) -> bytes:
    """One field of the canonical form: 4-byte big-endian UTF-8 length, then the UTF-8 bytes."""
    data = text.encode("utf-8")
    return len(data).to_bytes(4, "big") + data


def canonical_bytes(row: Row, *, algorithm: str = ALGORITHM) -> bytes:
    """The bytes whose SM3 is the event's digest (docs/audit.md).

    `algorithm` is the event's algorithm column, "SM3" on every event (part of the hashed bytes).
    """
    parts = [field_bytes(algorithm), field_bytes(str(CANONICAL_VERSION))]
    parts.extend(field_bytes(_text(value)) for value in row)
    return b"".join(parts)


def event_digest(row: Row, *, algorithm: str = ALGORITHM) -> str:
    return sm3_hex(canonical_bytes(row, algorithm=algorithm))


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    seq: int
    problem: str  # English, for logs and the command's output

    def __str__(self) -> str:
        return f"event {self.seq}: {self.problem}"


@dataclass(frozen=True)
class VerifyResult:
    """`checked` events verified, up to `last_seq`/`last_digest`; `start_prev` is the prev_digest
    the first of them had to carry (given, or taken from it when verifying a segment)."""

    checked: int
    last_seq: int
    last_digest: str
    first_break: Break | None
    start_prev: str = GENESIS_DIGEST
    rechecked: int = 0  # chunks the fast check passed on to verify_rows (0 on a sound chain)

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _seq_break(seq: int, expected: int) -> Break:
    """Event `seq` came where `expected` should: name the missing event (whatever the chunking)."""
    if seq > expected:
        return Break(expected, f"event is missing: the next event present is seq {seq}")
    return Break(seq, f"sequence number repeats or goes back (expected seq {expected})")


def _ended(start_seq: int, expected: int, prev: str, start_prev: str, end_seq: int | None) -> VerifyResult:
    """The result of a walk that ran out of events after `expected - 1`."""
    brk = None
    if end_seq is not None and expected <= end_seq:
        problem = f"event is missing: the chain ends at seq {expected - 1}, expected up to {end_seq}"
        brk = Break(expected, problem)
    return VerifyResult(expected - start_seq, expected - 1, prev, brk, start_prev)


Item = tuple[Row, str] | tuple[Row, str, str]  # (row, stored digest[, algorithm column])


def verify_rows(
    rows: Iterable[Item],
    *,
    start_seq: int = 1,
    start_prev: str | None = GENESIS_DIGEST,
    end_seq: int | None = None,
) -> VerifyResult:
    """Walk (row, stored digest[, algorithm]) items in seq order; stop at the first break.

    A changed event fails its own digest; a deleted or inserted one breaks seq contiguity or the
    next event's prev_digest; reordered events break prev_digest; with `end_seq`, a walk that ends
    before it means the last events are missing. `start_prev=None` verifies a segment whose link
    to the events before it is checked by the caller (join_segments).
    """
    it: Iterator[Item] = iter(rows)
    if start_prev is None:
        first = next(it, None)
        if first is None:
            return _ended(start_seq, start_seq, "", "", end_seq)
        start_prev = str(first[0][PREV_INDEX])
        it = itertools.chain((first,), it)
    expected, prev = start_seq, start_prev
    for item in it:
        row, stored = item[0], item[1]
        seq = int(row[SEQ_INDEX])  # type: ignore[call-overload]
        brk = None
        if seq != expected:
            brk = _seq_break(seq, expected)
        elif row[PREV_INDEX] != prev:
            brk = Break(seq, "prev_digest does not match the previous event")
        elif event_digest(row, algorithm=item[2] if len(item) > 2 else ALGORITHM) != stored:
            brk = Break(seq, "digest does not match the event's content")
        if brk is not None:
            return VerifyResult(expected - start_seq, expected - 1, prev, brk, start_prev)
        prev, expected = stored, expected + 1
    return _ended(start_seq, expected, prev, start_prev, end_seq)


# A binary COPY row as pgscan asks for it: 2-byte field count (17), the canonical fields 3..18
# (seq .. prev_digest), then the digest as a 17th field (4-byte length 64, 64 hex characters).
# Fields 1 and 2 (algorithm, version) are the same bytes on every event the query sends (it sends
# only events whose algorithm is SM3), so the server does not send them: they are COPY_PREFIX,
# hashed once into a template that every event's hash starts from (a copy of it).
COPY_PREFIX = field_bytes(ALGORITHM) + field_bytes(str(CANONICAL_VERSION))
COPY_FIELDS = len(FIELDS) + 1
_COUNT = COPY_FIELDS.to_bytes(2, "big")
_LEN64 = (64).to_bytes(4, "big")
_cut_canonical = operator.itemgetter(slice(2, -68))
_cut_framing = operator.itemgetter(slice(-136, -132), slice(-68, -64))
_cut_digest = operator.itemgetter(slice(-64, None))
_cut_prev = operator.itemgetter(slice(-132, -68))

# hashlib's SM3 object type and its methods, for whole-chunk hashing without a Python call per event
_SM3_TEMPLATE: Any = _sm3_copy() if _sm3_copy is not None else None
if _SM3_TEMPLATE is not None:
    _SM3_TEMPLATE.update(COPY_PREFIX)
_sm3_type_copy: Any = getattr(type(_SM3_TEMPLATE), "copy", None)
_sm3_type_update: Any = getattr(type(_SM3_TEMPLATE), "update", None)
_sm3_type_digest: Any = getattr(type(_SM3_TEMPLATE), "digest", None)
_drain: Callable[[Iterable[Any]], None] = collections.deque(maxlen=0).extend


def _prefixed_sm3_hex(data: bytes) -> str:
    return _cryptography_sm3_hex(COPY_PREFIX + data)


def copy_row(row: Row, digest: str, *, algorithm: str = ALGORITHM) -> bytes:
    """The binary COPY row pgscan reads for an event (tests build chunks with it)."""
    canonical = canonical_bytes(row, algorithm=algorithm)
    return _COUNT + canonical[len(COPY_PREFIX) :] + field_bytes(digest)


def copy_rows_hold(
    first: int, last: int, rows: Sequence[bytes], prev: str | None, *, framed: bool = False
) -> str | None:
    """The last digest when events first..last, as binary COPY rows in seq order, all check out;
    None when the chunk needs a closer look (verify_rows).

    The database returned `rows` for `WHERE seq BETWEEN first AND last ORDER BY seq`; seq is the
    primary key, so as many rows as seqs means exactly first..last in order. Then, as whole-list
    operations: prev_digest and digest (the last two fields) are 64 bytes each, unless the query
    already kept only such rows (`framed`); each event's prev_digest is the digest before it (the
    first one `prev`, unless None); SM3 of each event's canonical bytes (COPY_PREFIX, then the row
    less its field count and digest) is its digest.
    """
    n = last - first + 1
    if len(rows) != n or n == 0:
        return None
    if not framed and list(map(_cut_framing, rows)) != [(_LEN64, _LEN64)] * n:
        return None
    digests, prevs = list(map(_cut_digest, rows)), list(map(_cut_prev, rows))
    if prevs[1:] != digests[:-1] or (prev is not None and prevs[0] != prev.encode("ascii", "replace")):
        return None
    canonical = map(_cut_canonical, rows)
    if _SM3_TEMPLATE is None:
        computed = "".join(map(_prefixed_sm3_hex, canonical))
    else:
        # One hash object per event, fed and read by C-level map calls (no Python frame per event);
        # the 32-byte digests joined and written as hex once for the chunk.
        objs = list(map(_sm3_type_copy, itertools.repeat(_SM3_TEMPLATE, n)))
        _drain(map(_sm3_type_update, objs, canonical))
        computed = b"".join(map(_sm3_type_digest, objs)).hex()
    # Every digest is 64 bytes (framing), so equal concatenations mean equal digests one by one.
    return bytes(digests[-1]).decode("ascii") if computed.encode("ascii") == b"".join(digests) else None


# The time field of a COPY row: after the field count and seq (4-byte length, then as many digits
# as the seq has), its 4-byte length (27) and YYYY-MM-DDTHH:MM:SS.ffffffZ. The query sends only
# times of years 1 to 9999, whose text has that fixed width: comparing the texts as bytes then
# compares the times.
_TIME_FIELD_LENGTH = (27).to_bytes(4, "big")
_TIME_FIELD_END = (28).to_bytes(4, "big")


def copy_row_times(first: int, rows: Sequence[bytes]) -> list[bytes]:
    """The time field (length and text) of each row, the rows being events first, first + 1, …"""
    times: list[bytes] = []
    i, n = 0, len(rows)
    while i < n:
        digits = len(str(first + i))  # the seq's width, the same up to the next power of ten
        j = min(n, 10**digits - first)
        times.extend(map(operator.itemgetter(slice(6 + digits, 37 + digits)), rows[i:j]))
        i = j
    return times


def times_ascend(times: Sequence[bytes]) -> bool:
    """True when every time field is well formed and none is earlier than the one before it.

    True proves no event's time lies before the previous event's (so none by more than any
    tolerance); False only says "ask the database" (verify.time_break measures the tolerance).
    """
    if not times:
        return True
    if min(times) < _TIME_FIELD_LENGTH or max(times) >= _TIME_FIELD_END:
        return False
    return all(map(operator.le, times, itertools.islice(times, 1, None)))


def join_segments(
    results: Sequence[VerifyResult], *, start_seq: int = 1, start_prev: str | None = GENESIS_DIGEST
) -> VerifyResult:
    """Join segment results (consecutive seq ranges, verified with start_prev=None) into one.

    Each segment checked its own links; here each segment's first prev_digest must be the digest
    the segment before it ended on (the first one `start_prev`, unless None). Stops at the first
    segment with a break.
    """
    if start_prev is None:
        start_prev = results[0].start_prev if results else ""
    checked, last_seq, prev, rechecked = 0, start_seq - 1, start_prev, 0
    for part in results:
        rechecked += part.rechecked
        if part.checked and part.start_prev != prev:  # the segment's first event links elsewhere
            brk = Break(last_seq + 1, "prev_digest does not match the previous event")
            return VerifyResult(checked, last_seq, prev, brk, start_prev, rechecked)
        checked += part.checked
        if part.checked:
            last_seq, prev = part.last_seq, part.last_digest
        if part.first_break is not None:
            return VerifyResult(checked, last_seq, prev, part.first_break, start_prev, rechecked)
    return VerifyResult(checked, last_seq, prev, None, start_prev, rechecked)
