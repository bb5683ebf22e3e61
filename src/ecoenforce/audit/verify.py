"""audit_verify's engine: stream the whole chain from the database and check every link.

- The head (AuditHead) and the highest seq are read in one statement; events from..head are
  walked in seq order; the head's digest must be the last event's, and no event may lie beyond the
  head. Events appended while we walk are left for the next run.
- PostgreSQL (UTF8 database): the server streams the canonical bytes as binary COPY rows, the
  client hashes them and checks their times (pgscan). Large chains are split into seq ranges
  verified by worker processes; the links between ranges are checked here (chain.join_segments).
- SQLite and anything else: chunked raw reads, canonical bytes built in Python (chain.verify_rows).
Either way chain.canonical_bytes is the authority that names a broken event.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections

from ecoenforce.audit import chain, pgscan

_UNSET: Any = object()  # "the time check has not run yet"
PARALLEL_MIN_EVENTS = 100_000  # below this, one process is faster than starting workers (~0.3 s)
SEGMENTS_PER_WORKER = 4  # smaller ranges even out the workers' finishing times
ROWS_CHUNK = 5_000


@dataclass(frozen=True)
class ChainReport:
    """What a verification found. `first_break` is None when the chain holds."""

    checked: int
    last_seq: int
    last_digest: str
    head_seq: int
    head_digest: str
    from_seq: int
    seconds: float
    workers: int
    first_break: chain.Break | None
    rechecked: int = 0  # PostgreSQL chunks walked event by event (a sound chain has none)

    @property
    def ok(self) -> bool:
        return self.first_break is None

    @property
    def rate(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else 0.0


def read_head(using: str = "default") -> tuple[int, str, int]:
    """(head seq, head digest, highest event seq), read by one statement (one snapshot)."""
    with connections[using].cursor() as cur:
        cur.execute(
            "SELECT (SELECT seq FROM audit_audithead WHERE id = 1),"
            " (SELECT digest FROM audit_audithead WHERE id = 1),"
            " (SELECT max(seq) FROM audit_auditevent)"
        )
        head_seq, head_digest, max_seq = cur.fetchone()
    return int(head_seq or 0), str(head_digest or chain.GENESIS_DIGEST), int(max_seq or 0)


def verify_chain(
    *, from_seq: int = 1, workers: int | None = None, chunk: int | None = None, using: str = "default"
) -> ChainReport:
    """Verify events from_seq..head. From the middle, event from_seq's prev_digest is taken as given.

    `workers`: processes for PostgreSQL (default: one per CPU for large chains, else 1);
    `chunk`: events per database round trip (tests use small ones to cross many boundaries).
    """
    started = time.perf_counter()
    head_seq, head_digest, max_seq = read_head(using)
    from_seq = max(1, from_seq)
    start_prev: str | None = chain.GENESIS_DIGEST if from_seq == 1 else None
    n_workers, late = 1, _UNSET
    if from_seq > head_seq:
        result = chain.VerifyResult(0, head_seq, head_digest, None, head_digest)
    elif _server_streams(using):
        chunk = chunk or pgscan.CHUNK
        n_workers = _worker_count(workers, head_seq - from_seq + 1, chunk, using)
        result, late = _verify_postgresql(from_seq, head_seq, start_prev, n_workers, chunk, using)
    else:
        result = _verify_python(from_seq, head_seq, start_prev, chunk or ROWS_CHUNK, using)
    brk = result.first_break or _head_break(result, head_seq, head_digest, max_seq)
    if late is _UNSET:
        late = time_break(from_seq, head_seq, using=using)
    if late is not None and (brk is None or late.seq < brk.seq):
        brk = late
    return ChainReport(
        checked=result.checked,
        last_seq=result.last_seq,
        last_digest=result.last_digest,
        head_seq=head_seq,
        head_digest=head_digest,
        from_seq=from_seq,
        seconds=time.perf_counter() - started,
        workers=n_workers,
        first_break=brk,
        rechecked=result.rechecked,
    )


def tolerance_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "AUDIT_CLOCK_TOLERANCE_SECONDS", 2.0))


# The first event whose time lies more than the tolerance before the previous event's.
_BACKWARDS_SQL = {
    "postgresql": pgscan.TIME_BREAK_SQL,
    "sqlite": (
        "SELECT seq, (julianday(before) - julianday(occurred_at)) * 86400.0 FROM ("
        " SELECT seq, occurred_at, lag(occurred_at) OVER (ORDER BY seq) AS before"
        " FROM audit_auditevent WHERE seq BETWEEN %s AND %s) t"
        " WHERE (julianday(before) - julianday(occurred_at)) * 86400.0 > %s ORDER BY seq LIMIT 1"
    ),
}


def time_break(first: int, last: int, *, using: str = "default") -> chain.Break | None:
    """Event times must not run backwards along the chain by more than AUDIT_CLOCK_TOLERANCE_SECONDS.

    seq is taken under the head's row lock and the time right after it, so only a clock stepped
    back (or a forged time) makes a later event earlier; the tolerance absorbs NTP slews.
    (On PostgreSQL verify_chain checks the times while it scans; this is the reference it uses.)
    """
    conn = connections[using]
    sql = _BACKWARDS_SQL.get(conn.vendor)
    if sql is None or last < first:
        return None
    tolerance = tolerance_seconds()
    with conn.cursor() as cur:
        cur.execute(sql, [max(1, first - 1), last, tolerance])
        row = cur.fetchone()
    if row is None:
        return None
    seconds = float(row[1])
    problem = f"time runs backwards: {seconds:.3f} s before the previous event (tolerance {tolerance:g} s)"
    return chain.Break(int(row[0]), problem)


def _head_break(
    result: chain.VerifyResult, head_seq: int, head_digest: str, max_seq: int
) -> chain.Break | None:
    if result.checked and result.last_digest != head_digest:
        return chain.Break(head_seq, "the chain head's digest differs from this event's digest")
    if head_seq == 0 and head_digest != chain.GENESIS_DIGEST:
        return chain.Break(1, "the chain head holds a digest but the chain is empty")
    if max_seq > head_seq:
        return chain.Break(head_seq + 1, f"event lies beyond the chain head (the head is at seq {head_seq})")
    return None


def _server_streams(using: str) -> bool:
    conn = connections[using]
    if conn.vendor != "postgresql":
        return False
    conn.ensure_connection()
    return pgscan.utf8_database(conn.connection)


def _worker_count(workers: int | None, events: int, chunk: int, using: str) -> int:
    if connections[using].in_atomic_block:  # other processes could not see uncommitted events
        return 1
    if workers is None:
        workers = (os.cpu_count() or 1) if events >= PARALLEL_MIN_EVENTS else 1
    return max(1, min(workers, events // chunk))


# --- PostgreSQL -------------------------------------------------------------------------------


def _verify_postgresql(
    first: int, last: int, start_prev: str | None, workers: int, chunk: int, using: str
) -> tuple[chain.VerifyResult, chain.Break | None]:
    """The chain's verdict and the time check's, both from the scan (pgscan checks the times of the
    rows it hashes and asks the database only where they do not ascend)."""
    tolerance = tolerance_seconds()
    if workers == 1:
        conn = connections[using].connection
        return pgscan.scan(conn, first, last, start_prev=start_prev, chunk=chunk, tolerance=tolerance)
    ranges = split_range(first, last, workers * SEGMENTS_PER_WORKER, chunk)
    ctx = multiprocessing.get_context("spawn")  # a clean child: no inherited Django connection
    with ctx.Pool(workers, initializer=pgscan.worker_init, initargs=(_plain_params(using),)) as pool:
        parts = pool.starmap(pgscan.worker_scan, [(a, b, chunk, tolerance) for a, b in ranges])
    lates = [late for _, late in parts if late is not None]
    late = min(lates, key=lambda brk: brk.seq) if lates else None
    return chain.join_segments([part for part, _ in parts], start_seq=first, start_prev=start_prev), late


def split_range(first: int, last: int, pieces: int, chunk: int) -> list[tuple[int, int]]:
    """first..last in at most `pieces` consecutive ranges, each a whole number of chunks."""
    chunks = -(-(last - first + 1) // chunk)
    size = -(-chunks // max(1, pieces)) * chunk
    return [(a, min(a + size - 1, last)) for a in range(first, last + 1, size)]


def _plain_params(using: str) -> dict[str, Any]:
    """Connection keywords a spawned process can use (Django's adapters and cursor class left out)."""
    params = connections[using].get_connection_params()
    plain = (str, int, float, bool)
    return {k: v for k, v in params.items() if isinstance(v, plain) and k != "prepare_threshold"}


# --- SQLite (and any other backend): canonical bytes built in Python ----------------------------

_COLUMNS = ", ".join("CAST(occurred_at AS TEXT)" if f == "occurred_at" else f for f in chain.FIELDS)
_ROWS_SQL = (
    f"SELECT {_COLUMNS}, digest, algorithm FROM audit_auditevent "  # noqa: S608 (constants only)
    "WHERE seq >= %s AND seq <= %s ORDER BY seq LIMIT %s"
)
_TIME = chain.FIELDS.index("occurred_at")
_N = len(chain.FIELDS)


def stored_time(value: Any) -> str:
    """Django's SQLite text for a UTC datetime ("2026-11-22 08:00:00[.123456]") → chain.format_time."""
    if not isinstance(value, str):
        return chain.format_time(value)
    if len(value) == 19:
        value += ".000000"
    return str(value).replace(" ", "T", 1) + "Z"


def _python_items(first: int, last: int, chunk: int, using: str) -> Iterator[chain.Item]:
    next_seq = first
    while next_seq <= last:
        with connections[using].cursor() as cur:
            cur.execute(_ROWS_SQL, [next_seq, last, chunk])
            rows = cur.fetchall()
        for r in rows:
            row = list(r[:_N])
            row[_TIME] = stored_time(row[_TIME])
            yield row, r[_N], r[_N + 1]
        if len(rows) < chunk:
            return
        next_seq = rows[-1][0] + 1


def _verify_python(
    first: int, last: int, start_prev: str | None, chunk: int, using: str
) -> chain.VerifyResult:
    items = _python_items(first, last, chunk, using)
    return chain.verify_rows(items, start_seq=first, start_prev=start_prev, end_seq=last)
