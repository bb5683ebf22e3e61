"""PostgreSQL side of audit_verify: the server streams the events' fields, the client hashes them.

Imports no Django, so verification workers (spawned processes) start in a fraction of a second.

The canonical form (chain.py) is laid out like a row of PostgreSQL's binary COPY: each field a
4-byte big-endian length and its bytes. So per chunk of CHUNK events one `COPY (SELECT <fields
3..18 as text>, digest ...) TO STDOUT (FORMAT binary)` returns, per event, the 2-byte field count,
the canonical bytes less the two fields every event shares (chain.COPY_PREFIX) and the digest,
with no rendering on the server; chain.copy_rows_hold hashes and checks a chunk with whole-list
operations, and chain.times_ascend checks that its times do not run backwards. A chunk that does
not hold is walked again row by row with the canonical form built in Python (chain.verify_rows,
the authority), which names the first broken event; times that do not ascend are measured by the
database against the tolerance (time_break). The SQL can therefore only speed up a verdict, never
change one.

The rows are read with libpq's own calls (psycopg's pgconn) in one C-level loop per chunk, and
the cyclic garbage collector is paused while a scan runs: the rows, slices and hash objects of a
chunk are no cycles, and the collector's passes over them cost more than reading them.
"""

from __future__ import annotations

import gc
import itertools
import operator
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors, pq

from ecoenforce.audit import chain

TABLE = "audit_auditevent"
# Events per COPY: a chunk's rows and their copies (~2 MB) stay within a core's L2 cache while
# they are hashed (10,000 measured no cheaper, at times ~0.2 us a event dearer for the client).
CHUNK = 2_000
_NULLABLE = frozenset({"actor_id", "unit_id"})
_INTEGER = frozenset({"seq"})
_TIME_SQL = "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
# The 19-byte header of a binary COPY stream: signature, flags 0, header extension length 0.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"


def _text_sql(name: str) -> str:
    """The column as canonical text. Text columns are NOT NULL; a NULL there (a changed schema)
    would be sent as length -1, which no digest matches, so the careful walk judges it."""
    if name in _NULLABLE:
        return f"coalesce({name}::text, '')"
    if name in _INTEGER:
        return f"{name}::text"
    if name == "occurred_at":
        return _TIME_SQL
    return f"{name}::text"


def canonical_columns_sql() -> str:
    """The SELECT list whose binary COPY row is the canonical form less chain.COPY_PREFIX."""
    return ", ".join(map(_text_sql, chain.FIELDS))


# ORDER BY the table's column: a bare "seq" would name the output column seq::text (text order).
# Only rows the fast check can read are sent: the algorithm of COPY_PREFIX; last two fields of 64
# bytes (the framing copy_rows_hold slices by); a time in the years 1 to 9999, whose text has one
# width and sorts as the times do (to_char writes 44 BC as "0044"). A row left out makes the count
# short, and the careful walk judges the chunk.
# Built from constants; first/last are formatted in as int (COPY takes no bound parameters).
COPY_SQL = (
    f"COPY (SELECT {canonical_columns_sql()}, digest::text FROM {TABLE}"  # noqa: S608
    f" WHERE {TABLE}.seq BETWEEN {{first}} AND {{last}} AND algorithm = '{chain.ALGORITHM}'"
    " AND octet_length(prev_digest) = 64 AND octet_length(digest) = 64"
    " AND occurred_at >= '0001-01-01 00:00:00+00' AND occurred_at < '10000-01-01 00:00:00+00'"
    f" ORDER BY {TABLE}.seq) TO STDOUT (FORMAT binary)"
)
ROWS_SQL = (
    f"SELECT {', '.join(chain.FIELDS)}, digest, algorithm FROM {TABLE}"  # noqa: S608 (constants)
    " WHERE seq BETWEEN %s AND %s ORDER BY seq"
)
# The first event from first to last whose time lies more than the tolerance before the previous
# event's (the event before `first` included as the previous of `first`).
TIME_BREAK_SQL = (
    "SELECT seq, EXTRACT(EPOCH FROM (before - occurred_at)) FROM ("  # noqa: S608 (constants)
    " SELECT seq, occurred_at, lag(occurred_at) OVER (ORDER BY seq) AS before"
    f" FROM {TABLE} WHERE seq BETWEEN %s AND %s) t"
    " WHERE occurred_at < before - make_interval(secs => %s) ORDER BY seq LIMIT 1"
)
_TIME = chain.FIELDS.index("occurred_at")
_N = len(chain.FIELDS)
_COPY_OUT = pq.ExecStatus.COPY_OUT
_COMMAND_OK = pq.ExecStatus.COMMAND_OK
_data = operator.itemgetter(1)


def utf8_database(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SHOW server_encoding").fetchone()
    return row is not None and str(row[0]).upper() in {"UTF8", "UTF-8"}


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off for a scan (restored after): a chunk allocates no cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _end_of_statement(pgconn: Any, result: Any) -> None:
    """Take the statement's remaining results; raise the server's error if it reported one."""
    failure = None
    while result is not None:
        if failure is None and result.status not in (_COMMAND_OK, _COPY_OUT):
            failure = errors.error_from_result(result)
        result = pgconn.get_result()
    if failure is not None:
        raise failure


def copy_rows(conn: psycopg.Connection[Any], first: int, last: int) -> list[bytes] | None:
    """Events first..last as binary COPY rows (header and trailer taken off); None if the server
    sent another number of rows than last - first + 1, or a malformed stream."""
    pgconn = conn.pgconn
    n = last - first + 1
    blocking = pgconn.nonblocking
    pgconn.nonblocking = 0  # send the statement whole, wait for each row inside libpq
    try:
        pgconn.send_query(COPY_SQL.format(first=int(first), last=int(last)).encode("ascii"))
        result = pgconn.get_result()
        if result is None or result.status != _COPY_OUT:
            _end_of_statement(pgconn, result)
            raise psycopg.OperationalError("audit scan: the server did not start the COPY")
        items: list[tuple[int, memoryview]] | None
        try:
            # n rows, the trailer, then nbytes -1 (the end): one C-level loop of PQgetCopyData.
            items = list(map(pgconn.get_copy_data, itertools.repeat(0, n + 2)))
        except psycopg.OperationalError:  # fewer rows: the end came early, then "no COPY in progress"
            items = None
        if items is not None and items[-1][0] != -1:  # more rows than seqs: read to the end
            while pgconn.get_copy_data(0)[0] != -1:
                pass
            items = None
        _end_of_statement(pgconn, pgconn.get_result())
    finally:
        pgconn.nonblocking = blocking
    if items is None:
        return None
    rows: list[bytes] = list(map(bytes, map(_data, items[:-2])))
    if bytes(items[-2][1]) != COPY_TRAILER or not rows or not rows[0].startswith(COPY_HEADER):
        return None
    rows[0] = rows[0][len(COPY_HEADER) :]
    return rows


def time_break(conn: psycopg.Connection[Any], first: int, last: int, tolerance: float) -> chain.Break | None:
    """The first event of first..last more than `tolerance` seconds before the event before it."""
    with psycopg.Cursor(conn) as cur:
        cur.execute(TIME_BREAK_SQL, (max(1, first - 1), last, tolerance))
        row = cur.fetchone()
    if row is None:
        return None
    seconds = float(row[1])
    problem = f"time runs backwards: {seconds:.3f} s before the previous event (tolerance {tolerance:g} s)"
    return chain.Break(int(row[0]), problem)


def _careful(conn: psycopg.Connection[Any], first: int, last: int, prev: str | None) -> chain.VerifyResult:
    """Walk events first..last one by one with the canonical form built in Python."""
    with psycopg.Cursor(conn) as cur:
        cur.execute(ROWS_SQL, (first, last))
        rows = cur.fetchall()

    def items() -> Iterator[chain.Item]:
        for r in rows:
            row = list(r[:_N])
            row[_TIME] = chain.format_time(row[_TIME])
            yield row, r[_N], r[_N + 1]

    return chain.verify_rows(items(), start_seq=first, start_prev=prev, end_seq=last)


def scan(
    conn: psycopg.Connection[Any],
    first: int,
    last: int,
    *,
    start_prev: str | None,
    chunk: int = CHUNK,
    tolerance: float = 2.0,
) -> tuple[chain.VerifyResult, chain.Break | None]:
    """Verify events first..last (all must be there). start_prev=None: take the first event's.

    Also the event times, from the event before `first` on, as far as the chain was walked: the
    second item is the first event whose time runs backwards by more than `tolerance` seconds.
    """
    with gc_paused():
        return _scan(conn, first, last, start_prev, chunk, tolerance)


def _scan(
    conn: psycopg.Connection[Any], first: int, last: int, start_prev: str | None, chunk: int, tolerance: float
) -> tuple[chain.VerifyResult, chain.Break | None]:
    prev, origin, checked, rechecked = start_prev, start_prev, 0, 0
    late: chain.Break | None = None
    before: bytes | None = None  # the last time field of the chunk before, when it was read
    if first > 1:  # the link in time to the event before the range
        late = time_break(conn, first, first, tolerance)
    for a in range(first, last + 1, chunk):
        b = min(a + chunk - 1, last)
        rows = copy_rows(conn, a, b)
        held = chain.copy_rows_hold(a, b, rows, prev, framed=True) if rows is not None else None
        if late is None:
            if held is not None:
                times = chain.copy_row_times(a, rows or [])
                if not chain.times_ascend([before, *times] if before is not None else times):
                    late = time_break(conn, a, b, tolerance)
                elif before is None and a > first:  # the chunk before was not read: its last link
                    late = time_break(conn, a, a, tolerance)
                before = times[-1]
            else:
                late, before = time_break(conn, a, b, tolerance), None
        if held is not None and origin is None and rows:
            origin = rows[0][-132:-68].decode("ascii")
        if held is None:
            rechecked += 1
            part = _careful(conn, a, b, prev)
            origin = part.start_prev if origin is None else origin
            if not part.ok:
                done = checked + part.checked
                result = chain.VerifyResult(
                    done, part.last_seq, part.last_digest, part.first_break, origin or "", rechecked
                )
                return result, late
            held = part.last_digest
        prev, checked = held, checked + (b - a + 1)
    return chain.VerifyResult(checked, last, prev or "", None, origin or "", rechecked), late


# --- worker processes -----------------------------------------------------------------------
_worker_conn: psycopg.Connection[Any] | None = None


def worker_init(params: dict[str, Any]) -> None:
    global _worker_conn
    _worker_conn = psycopg.connect(autocommit=True, **params)
    gc.disable()  # a worker only scans (see gc_paused)


def worker_scan(
    first: int, last: int, chunk: int, tolerance: float
) -> tuple[chain.VerifyResult, chain.Break | None]:
    assert _worker_conn is not None, "worker_init did not run"
    return scan(_worker_conn, first, last, start_prev=None, chunk=chunk, tolerance=tolerance)
