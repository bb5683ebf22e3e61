"""audit_verify against a real database: every kind of tampering is caught and named.

The same tests run on SQLite (canonical form built in Python) and PostgreSQL (the server renders
it; the trigger is switched off first, as the table's owner could).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection, transaction

from ecoenforce.audit import chain, pgscan
from ecoenforce.audit.models import AuditEvent, AuditHead
from ecoenforce.audit.services import audit_record
from ecoenforce.audit.verify import read_head, split_range, stored_time, time_break, verify_chain
from tests.audit.conftest import make_events, on_postgres

CHUNKS = [None, 7]  # the default chunk, and small chunks so breaks fall inside and on edges


@pytest.mark.parametrize("chunk", CHUNKS)
def test_an_untouched_chain_holds(events, chunk):
    report = verify_chain(chunk=chunk)
    head = AuditHead.objects.get(id=1)
    assert report.ok, report.first_break
    assert report.checked == len(events) == head.seq
    assert report.last_digest == head.digest == events[-1].digest
    assert report.rechecked == 0  # on PostgreSQL every chunk passed the fast check


def test_an_empty_chain_holds(db):
    report = verify_chain()
    assert report.ok and report.checked == 0


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("seq", [1, 7, 14, 30])
def test_a_changed_event_is_named(events, tamper, chunk, seq):
    tamper.change(seq)
    report = verify_chain(chunk=chunk)
    assert not report.ok
    assert report.first_break.seq == seq
    assert "digest does not match" in report.first_break.problem
    assert report.checked == seq - 1


@pytest.mark.parametrize(
    "column, value",
    [
        ("actor_name", "someone_else"),
        ("outcome", "ok"),
        ("before", ""),
        ("ip", "1.2.3.4"),
        ("algorithm", "SM2"),
        ("target_id", "999"),
        ("unit_id", 5),
        ("actor_id", 77),
    ],
)
def test_any_changed_column_breaks_the_digest(events, tamper, column, value):
    event = events[10]
    if getattr(event, column) == value:
        value = "x"
    tamper.sql(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", [value, event.seq])
    report = verify_chain()
    assert report.first_break.seq == event.seq


def test_a_changed_time_breaks_the_digest(events, tamper):
    event = events[5]
    AuditEvent.objects.filter(seq=event.seq).update(occurred_at=event.occurred_at.replace(microsecond=1))
    assert verify_chain().first_break.seq == event.seq


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("seq", [1, 7, 15])
def test_a_deleted_event_is_named(events, tamper, chunk, seq):
    tamper.delete(seq)
    report = verify_chain(chunk=chunk)
    assert report.first_break.seq == seq
    assert "event is missing" in report.first_break.problem


def test_deleted_events_closed_up_by_renumbering_are_caught(events, tamper):
    tamper.delete(12)
    tamper.renumber_from(13, -1)  # 13.. become 12..: no gap left
    tamper.head(seq=len(events) - 1)
    report = verify_chain()
    assert report.first_break.seq == 12
    assert "prev_digest" in report.first_break.problem


@pytest.mark.parametrize("chunk", CHUNKS)
def test_a_deleted_last_event_is_named(events, tamper, chunk):
    tamper.delete(len(events))
    report = verify_chain(chunk=chunk)
    assert report.first_break.seq == len(events)
    assert "missing" in report.first_break.problem


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("seq", [2, 8, 21])
def test_an_inserted_event_is_named(events, tamper, chunk, seq):
    forged = tamper.insert(seq)
    tamper.head(seq=len(events) + 1)
    report = verify_chain(chunk=chunk)
    # The forged event itself carries a correct digest and link: the next one no longer links to it.
    assert forged.seq == seq
    assert report.first_break.seq == seq + 1
    assert "prev_digest" in report.first_break.problem


def test_an_event_appended_outside_the_platform_is_named(events, tamper):
    extra = tamper.append_beyond_head()
    report = verify_chain()
    assert report.first_break.seq == extra.seq
    assert "beyond the chain head" in report.first_break.problem


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("seq", [1, 7, 29])
def test_reordered_events_are_named(events, tamper, chunk, seq):
    tamper.swap(seq)
    report = verify_chain(chunk=chunk)
    assert report.first_break.seq == seq
    assert "prev_digest" in report.first_break.problem


def test_a_head_that_disagrees_with_the_last_event_is_named(events, tamper):
    tamper.head(digest="f" * 64)
    report = verify_chain()
    assert report.first_break.seq == len(events)
    assert "chain head" in report.first_break.problem


def test_a_rewritten_chain_breaks_at_its_first_rewritten_event(events, tamper):
    """Recomputing every digest after a change is a forgery the chain cannot see by itself:
    anchors kept outside the platform (audit_verify --anchor) catch it; see test_command."""
    tamper.change(20)
    assert verify_chain().first_break.seq == 20


def test_from_seq_checks_the_tail_only(events, tamper):
    tamper.change(3)
    assert verify_chain().first_break.seq == 3
    report = verify_chain(from_seq=10)
    assert report.ok and report.checked == len(events) - 9


def test_events_appended_during_a_walk_are_left_for_the_next(events):
    head_seq, head_digest, max_seq = read_head()
    assert (head_seq, head_digest, max_seq) == (len(events), events[-1].digest, len(events))
    make_events(2, start=100)
    assert verify_chain().checked == len(events) + 2


def test_split_range_covers_everything_in_whole_chunks():
    assert split_range(1, 95, 4, 10) == [(1, 30), (31, 60), (61, 90), (91, 95)]
    assert split_range(1, 5, 4, 10) == [(1, 5)]
    ranges = split_range(11, 1_000_000, 8, 10_000)
    assert ranges[0][0] == 11 and ranges[-1][1] == 1_000_000
    assert all(b + 1 == c for (_, b), (c, _) in itertools.pairwise(ranges))


def test_stored_time_matches_format_time():
    assert stored_time("2026-11-22 08:00:00") == "2026-11-22T08:00:00.000000Z"
    assert stored_time("2026-11-22 08:00:00.000123") == "2026-11-22T08:00:00.000123Z"


# --- PostgreSQL: the server's rendering and the parallel workers --------------------------------


@on_postgres
def test_a_valid_chunk_takes_the_fast_path(events):
    """The whole-list check holds on valid data (else every run would fall back to the slow walk)."""
    rows = pgscan.copy_rows(connection.connection, 1, len(events))
    assert rows is not None and len(rows) == len(events)
    assert chain.copy_rows_hold(1, len(events), rows, chain.GENESIS_DIGEST) == events[-1].digest


@on_postgres
def test_the_server_streams_exactly_the_python_canonical_form(events):
    from ecoenforce.audit.services import canonical_of

    rows = pgscan.copy_rows(connection.connection, 1, len(events))
    for event, row in zip(events, rows, strict=True):
        assert chain.COPY_PREFIX + row[2:-68] == canonical_of(event), event.seq
        assert row[-64:].decode() == event.digest


@on_postgres
@pytest.mark.parametrize("kind, expected", [("none", None), ("change", 45), ("delete", 60), ("swap", 50)])
def test_parallel_workers_find_the_same_first_break(committed, kind, expected):
    events = make_events(120)
    if kind != "none":
        with connection.cursor() as cur:
            cur.execute("RESET ROLE")  # the owner's power, not the application role's
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        tamper = __import__("tests.audit.conftest", fromlist=["Tamper"]).Tamper()
        {
            "change": lambda: tamper.change(45),
            "delete": lambda: tamper.delete(60),
            "swap": lambda: tamper.swap(50),
        }[kind]()
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    report = verify_chain(workers=2, chunk=10)
    assert report.workers == 2
    if expected is None:
        assert report.ok and report.checked == len(events) and report.rechecked == 0
    else:
        assert report.first_break.seq == expected


def test_a_transactional_test_with_audit_events_can_be_flushed(transactional_db):
    """The append-only trigger must not break the flush after transactional tests (live_server)."""
    make_events(3)
    assert verify_chain().ok


def test_a_live_server_test_with_audit_events_can_be_flushed(live_server):
    import urllib.request

    make_events(2)
    with urllib.request.urlopen(live_server.url + "/accounts/login/") as response:
        assert response.status == 200


# --- the fast path's verdicts against the reference ----------------------------------------------

TEXT_COLUMNS = [
    "actor_name", "ip", "user_agent", "action", "outcome", "target_type",
    "target_id", "target_repr", "reason", "before", "after", "prev_digest", "digest", "algorithm",
]  # fmt: skip


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("column", [*TEXT_COLUMNS, "actor_id", "unit_id", "occurred_at"])
def test_one_changed_character_of_any_column_is_refused_by_the_fast_path_and_named(
    events, tamper, chunk, column
):
    """One character (one microsecond, one unit) of one column of one event: on PostgreSQL the
    server-streamed check refuses that chunk, and the Python walk names the event."""
    event = events[17]
    value = getattr(event, column)
    if column == "occurred_at":
        value = value + dt.timedelta(microseconds=1)
    elif column in ("actor_id", "unit_id"):
        value = 1 if value is None else value + 1
    elif not value:
        value = "x"
    else:
        middle = len(value) // 2
        value = value[:middle] + ("a" if value[middle] != "a" else "b") + value[middle + 1 :]
    tamper.sql(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", [value, event.seq])
    report = verify_chain(chunk=chunk)
    assert report.first_break is not None and report.first_break.seq == event.seq, report.first_break
    assert report.checked == event.seq - 1
    if connection.vendor == "postgresql":
        assert report.rechecked == 1  # the fast check refused the chunk holding the event


def timed_events(monkeypatch, offsets: list[float]) -> None:
    """Events recorded at base + offset seconds, through audit_record (times running backwards where
    the offsets do, as a clock stepped back would make them)."""
    base = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    for i, offset in enumerate(offsets):
        moment = base + dt.timedelta(seconds=offset)
        monkeypatch.setattr("ecoenforce.audit.services.timezone.now", lambda moment=moment: moment)
        with transaction.atomic():
            audit_record(action="test.clock", reason=str(i))


def offsets_with_steps(count: int, steps: dict[int, float]) -> list[float]:
    """One second between events, except that event seq (1-based) steps back by steps[seq] s."""
    offsets, now = [], 0.0
    for seq in range(1, count + 1):
        now += -steps[seq] if seq in steps else 1.0 + seq * 1e-6
        offsets.append(now)
    return offsets


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize(
    "steps",
    [{}, {8: 0.5}, {8: 10.0}, {15: 1.5, 23: 2.5}, {2: 0.000001, 36: 30.0}, {14: 10.0, 15: 10.0}],
)
def test_times_checked_while_scanning_agree_with_the_database(db, monkeypatch, settings, chunk, steps):
    """Backward steps inside chunks, on their edges, tolerated (0.5 s, 1.5 s) or not: the first
    break verify_chain reports is the one the reference query finds over the whole chain."""
    settings.AUDIT_CLOCK_TOLERANCE_SECONDS = 2
    timed_events(monkeypatch, offsets_with_steps(40, steps))
    expected = time_break(1, 40)
    report = verify_chain(chunk=chunk)
    assert report.first_break == expected
    assert (expected is None) is (not any(back > 2 for back in steps.values()))
    for from_seq in (8, 9, 23):  # from the middle: the link in time to the event before counts
        assert verify_chain(from_seq=from_seq, chunk=chunk).first_break == time_break(from_seq, 40)


@on_postgres
@pytest.mark.parametrize("step_at", [None, 41, 55, 120])
def test_parallel_workers_check_the_times_and_the_links_in_time_between_them(committed, monkeypatch, step_at):
    timed_events(monkeypatch, offsets_with_steps(120, {step_at: 5.0} if step_at else {}))
    report = verify_chain(workers=2, chunk=10)  # segments of 20 events: 41 starts one
    assert report.workers == 2
    assert report.first_break == time_break(1, 120)
    assert (report.first_break.seq if report.first_break else None) == step_at


@on_postgres
def test_copy_rows_reads_the_rows_asked_for_and_leaves_the_connection_ready(events, monkeypatch):
    """The C-level read of a chunk: exactly last - first + 1 rows, or None (the careful walk
    judges); a server error is raised; the connection is ready for the next statement each time."""
    import psycopg

    conn = connection.connection
    rows = pgscan.copy_rows(conn, 3, 9)
    assert rows is not None and [r[2:6] for r in rows] == [b"\x00\x00\x00\x01"] * 7
    assert chain.copy_rows_hold(3, 9, rows, events[1].digest, framed=True) == events[8].digest
    sql = pgscan.COPY_SQL
    for wider in ("{last} + 3", "{last} - 3"):  # the server sends more rows, or fewer
        monkeypatch.setattr(pgscan, "COPY_SQL", sql.replace("{last}", wider))
        assert pgscan.copy_rows(conn, 3, 9) is None
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (len(events),)
    monkeypatch.setattr(
        pgscan, "COPY_SQL", "COPY (SELECT 1 / (seq - 6) FROM audit_auditevent WHERE seq BETWEEN {first}"
        " AND {last} ORDER BY seq) TO STDOUT (FORMAT binary)",
    )
    with pytest.raises(psycopg.errors.DivisionByZero), transaction.atomic():
        pgscan.copy_rows(conn, 3, 9)
    assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (len(events),)
