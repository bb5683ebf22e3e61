"""PostgreSQL side of audit_verify: the server streams canonical bytes, the client hashes them.

Imports no Django, so verification workers (spawned processes) start in a fraction of a second.

The canonical form (chain.py) is laid out like a row of PostgreSQL's binary COPY: each field a
4-byte big-endian length and its bytes. So per chunk of CHUNK events one `COPY (SELECT <the 18
fields as text>, digest ...) TO STDOUT (FORMAT binary)` returns, per event, the 2-byte field count,
the canonical bytes and the digest, with no rendering on the server; chain.copy_rows_hold checks
a chunk with whole-list operations. A chunk that does not hold is walked again row by row with the
canonical form built in Python (chain.verify_rows, the authority), which names the first broken
event. The SQL can therefore only speed up a verdict, never change one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg

from ecoenforce.audit import chain

TABLE = "audit_auditevent"
CHUNK = 10_000
_NULLABLE = frozenset({"actor_id", "unit_id"})
_INTEGER = frozenset({"seq"})
_TIME_SQL = "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
# The 19-byte header of a binary COPY stream: signature, flags 0, header extension length 0.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"


def _text_sql(name: str) -> str:
    """The column as canonical text. Text columns are NOT NULL; a NULL there (a changed schema)
    would be sent as length -1, which copy_rows_hold refuses, so the careful walk judges it."""
    if name in _NULLABLE:
        return f"coalesce({name}::text, '')"
    if name in _INTEGER:
        return f"{name}::text"
    if name == "occurred_at":
        return _TIME_SQL
    return f"{name}::text"


def canonical_columns_sql() -> str:
    """The SELECT list whose binary COPY row is the canonical form (then the digest)."""
    parts = ["algorithm::text", f"'{chain.CANONICAL_VERSION}'::text", *map(_text_sql, chain.FIELDS)]
    return ", ".join(parts)


# ORDER BY the table's column: a bare "seq" would name the output column seq::text (text order).
# Only rows whose last two fields are 64 bytes (the framing copy_rows_hold slices by) are sent: a
# row left out makes the count short, and the careful walk judges the chunk.
# Built from constants; first/last are formatted in as int (COPY takes no bound parameters).
COPY_SQL = (
    f"COPY (SELECT {canonical_columns_sql()}, digest::text FROM {TABLE}"  # noqa: S608
    f" WHERE {TABLE}.seq BETWEEN {{first}} AND {{last}}"
    " AND octet_length(prev_digest) = 64 AND octet_length(digest) = 64"
    f" ORDER BY {TABLE}.seq) TO STDOUT (FORMAT binary)"
)
ROWS_SQL = (
    f"SELECT {', '.join(chain.FIELDS)}, digest, algorithm FROM {TABLE}"  # noqa: S608 (constants)
    " WHERE seq BETWEEN %s AND %s ORDER BY seq"
)
_TIME = chain.FIELDS.index("occurred_at")
_N = len(chain.FIELDS)


def utf8_database(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SHOW server_encoding").fetchone()
    return row is not None and str(row[0]).upper() in {"UTF8", "UTF-8"}


def copy_rows(conn: psycopg.Connection[Any], first: int, last: int) -> list[bytes] | None:
    """Events first..last as binary COPY rows (header and trailer taken off); None if malformed."""
    statement = COPY_SQL.format(first=int(first), last=int(last))
    with psycopg.Cursor(conn) as cur, cur.copy(statement) as copy:
        rows = list(map(bytes, copy))
    if not rows or rows[-1] != COPY_TRAILER or not rows[0].startswith(COPY_HEADER):
        return None
    rows.pop()
    if rows:
        rows[0] = rows[0][len(COPY_HEADER) :]
    return rows


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
    conn: psycopg.Connection[Any], first: int, last: int, *, start_prev: str | None, chunk: int = CHUNK
) -> chain.VerifyResult:
    """Verify events first..last (all must be there). start_prev=None: take the first event's."""
    prev, origin, checked, rechecked = start_prev, start_prev, 0, 0
    for a in range(first, last + 1, chunk):
        b = min(a + chunk - 1, last)
        rows = copy_rows(conn, a, b)
        held = chain.copy_rows_hold(a, b, rows, prev, framed=True) if rows is not None else None
        if held is not None and origin is None and rows:
            origin = rows[0][-132:-68].decode("ascii")
        if held is None:
            rechecked += 1
            part = _careful(conn, a, b, prev)
            origin = part.start_prev if origin is None else origin
            if not part.ok:
                done = checked + part.checked
                return chain.VerifyResult(
                    done, part.last_seq, part.last_digest, part.first_break, origin or "", rechecked
                )
            held = part.last_digest
        prev, checked = held, checked + (b - a + 1)
    return chain.VerifyResult(checked, last, prev or "", None, origin or "", rechecked)


# --- worker processes -----------------------------------------------------------------------
_worker_conn: psycopg.Connection[Any] | None = None


def worker_init(params: dict[str, Any]) -> None:
    global _worker_conn
    _worker_conn = psycopg.connect(autocommit=True, **params)


def worker_scan(first: int, last: int, chunk: int) -> chain.VerifyResult:
    assert _worker_conn is not None, "worker_init did not run"
    return scan(_worker_conn, first, last, start_prev=None, chunk=chunk)
