"""The pure core (no database): canonical form, verify_rows, chunk_holds, join_segments."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoenforce.audit import chain


def build(count: int, *, reason: str = "") -> list[tuple[list[object], str]]:
    rows, prev = [], chain.GENESIS_DIGEST
    start = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    for seq in range(1, count + 1):
        row: list[object] = [
            seq,
            chain.format_time(start + timedelta(seconds=seq)),
            seq % 3 or None,
            f"u{seq}",
            7,
            "10.0.0.1",
            "ua",
            "case.transition",
            "ok",
            "cases.case",
            str(seq),
            f"案件{seq}",
            reason,
            "",
            '{"a":1}',
            prev,
        ]
        prev = chain.event_digest(row)
        rows.append((row, prev))
    return rows


def test_format_time_is_utc_with_six_fraction_digits():
    moment = datetime(2026, 11, 22, 16, 0, 0, tzinfo=timezone(timedelta(hours=8)))
    assert chain.format_time(moment) == "2026-11-22T08:00:00.000000Z"
    assert chain.format_time(moment.replace(microsecond=5)) == "2026-11-22T08:00:00.000005Z"


def test_canonical_bytes_are_length_prefixed_fields_in_order():
    row = [
        1,
        "2026-11-22T08:00:00.000000Z",
        None,
        "张三",
        7,
        "",
        "",
        "auth.login",
        "ok",
        "",
        "",
        "",
        "",
        "",
        "",
        "0" * 64,
    ]

    def f(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    expected = (
        f(b"SM3")
        + f(b"2")
        + f(b"1")
        + f(b"2026-11-22T08:00:00.000000Z")
        + f(b"")
        + f("张三".encode())
        + f(b"7")
        + f(b"")
        + f(b"")
        + f(b"auth.login")
        + f(b"ok")
        + f(b"") * 6
        + f(b"0" * 64)
    )
    assert chain.canonical_bytes(row) == expected
    assert expected[:7] == b"\x00\x00\x00\x03SM3" and expected[-68:-64] == b"\x00\x00\x00\x40"


def test_canonical_text_refuses_types_it_does_not_define():
    with pytest.raises(TypeError):
        chain.canonical_bytes([1.5] * len(chain.FIELDS))
    with pytest.raises(TypeError):
        chain.canonical_bytes([True] * len(chain.FIELDS))


@given(st.lists(st.text(), min_size=2, max_size=2))
def test_the_canonical_form_is_injective_where_json_like_forms_trip(values):
    """Two different field splits never give the same bytes (each field carries its length)."""
    a, b = values
    row1 = [1, "t", None, a + b, None, *[""] * 10, "p"]
    row2 = [1, "t", None, a, None, b, *[""] * 9, "p"]
    if b:
        assert chain.canonical_bytes(row1) != chain.canonical_bytes(row2)


def test_verify_rows_accepts_a_valid_chain():
    rows = build(20)
    result = chain.verify_rows(rows, end_seq=20)
    assert result.ok and result.checked == 20 and result.last_digest == rows[-1][1]


def test_verify_rows_names_a_changed_event():
    rows = build(10)
    rows[4][0][12] = "changed"
    assert chain.verify_rows(rows).first_break == chain.Break(5, "digest does not match the event's content")


def test_verify_rows_names_a_missing_event_and_a_missing_tail():
    rows = build(10)
    brk = chain.verify_rows(rows[:3] + rows[4:]).first_break
    assert brk is not None and brk.seq == 4 and "missing" in brk.problem
    brk = chain.verify_rows(rows[:9], end_seq=10).first_break
    assert brk is not None and brk.seq == 10 and "missing" in brk.problem


def test_verify_rows_names_reordered_events():
    rows = build(10)
    rows[3], rows[4] = rows[4], rows[3]
    rows[3][0][0], rows[4][0][0] = 4, 5  # renumbered so seq looks contiguous
    assert chain.verify_rows(rows).first_break.seq == 4


def test_verify_rows_checks_the_algorithm_column():
    rows = build(3)
    items = [(row, digest, "SM3") for row, digest in rows]
    assert chain.verify_rows(items).ok
    items[1] = (rows[1][0], rows[1][1], "SHA256")
    assert chain.verify_rows(items).first_break.seq == 2


def test_segments_join_into_one_verdict():
    rows = build(30)
    parts = [
        chain.verify_rows(rows[a - 1 : b], start_seq=a, start_prev=None, end_seq=b)
        for a, b in ((1, 10), (11, 20), (21, 30))
    ]
    joined = chain.join_segments(parts)
    assert joined.ok and joined.checked == 30 and joined.last_digest == rows[-1][1]


def test_segments_joined_check_the_links_between_them():
    rows, other = build(30), build(30, reason="another chain")
    parts = [
        chain.verify_rows(rows[0:10], start_seq=1, start_prev=None, end_seq=10),
        chain.verify_rows(other[10:20], start_seq=11, start_prev=None, end_seq=20),
    ]
    assert parts[1].ok  # each segment holds by itself
    brk = chain.join_segments(parts).first_break
    assert brk is not None and brk.seq == 11 and "prev_digest" in brk.problem


def _copy_rows(rows: list[tuple[list[object], str]]) -> list[bytes]:
    return [chain.copy_row(row, digest) for row, digest in rows]


def test_copy_rows_hold_on_valid_events_and_only_then():
    rows = build(12)
    assert chain.copy_rows_hold(1, 12, _copy_rows(rows), chain.GENESIS_DIGEST) == rows[-1][1]
    assert chain.copy_rows_hold(5, 12, _copy_rows(rows[4:]), None) == rows[-1][1]
    assert chain.copy_rows_hold(5, 12, _copy_rows(rows[4:]), "x" * 64) is None  # wrong link into the chunk
    rows[6][0][12] = "changed"
    assert chain.copy_rows_hold(1, 12, _copy_rows(rows), chain.GENESIS_DIGEST) is None


def test_copy_rows_hold_refuses_a_gap_a_short_chunk_a_swap_or_bad_framing():
    rows = build(12)
    good = _copy_rows(rows)
    assert chain.copy_rows_hold(1, 13, good, chain.GENESIS_DIGEST) is None  # one short
    assert chain.copy_rows_hold(1, 11, good[:5] + good[6:], chain.GENESIS_DIGEST) is None  # a gap
    swapped = [*good[:5], good[6], good[5], *good[7:]]
    assert chain.copy_rows_hold(1, 12, swapped, chain.GENESIS_DIGEST) is None
    # A digest field that is not 64 bytes would shift the slices: framing is checked (or
    # guaranteed by the query, framed=True).
    row, digest = rows[11]
    assert (
        chain.copy_rows_hold(1, 12, [*good[:11], chain.copy_row(row, "a" + digest)], chain.GENESIS_DIGEST)
        is None
    )
    assert chain.copy_rows_hold(1, 0, [], chain.GENESIS_DIGEST) is None


def test_sm3_implementations_agree():
    from cryptography.hazmat.primitives import hashes

    data = "审计".encode() * 100
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    assert chain.sm3_hex(data) == h.finalize().hex() == chain._cryptography_sm3_hex(data)


# --- the fast path against the reference, on many generated chains ---------------------------------

_TEXTS = ["", "a", "审计", "😀", 'q"\\', "tab\tnl\n", "\x00", "x" * 70, "用户名或密码错误"]


def random_chain(
    rng: random.Random, first: int, count: int, *, back: float = 0.0
) -> list[tuple[list[object], str]]:
    """`count` chained events from seq `first` with varied text; each time steps forward a random
    amount, or (with probability `back`) back by up to 5 s."""
    rows, prev = [], f"{rng.getrandbits(256):064x}"
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(microseconds=rng.randrange(10**12))
    for seq in range(first, first + count):
        step = -rng.randrange(5_000_000) if rng.random() < back else rng.randrange(3_000_000)
        moment += timedelta(microseconds=step)
        row: list[object] = [
            seq,
            chain.format_time(moment),
            rng.choice([None, rng.randrange(1, 10**6)]),
            rng.choice(_TEXTS) + rng.choice(_TEXTS),
            rng.choice([None, rng.randrange(1, 999)]),
            *(rng.choice(_TEXTS) for _ in range(10)),
            prev,
        ]
        prev = chain.event_digest(row)
        rows.append((row, prev))
    return rows


# Ranges that cross a power of ten: the seq's width, which the time field's offset follows, changes.
FIRSTS = [1, 5, 95, 996, 9_990, 99_999, 999_990]


@pytest.mark.parametrize("seed", range(60))
def test_a_changed_field_is_refused_by_the_fast_path_and_named_by_the_reference(seed):
    rng = random.Random(seed)
    first = rng.choice(FIRSTS)
    rows = random_chain(rng, first, rng.randrange(1, 30))
    last, start_prev = first + len(rows) - 1, str(rows[0][0][chain.PREV_INDEX])
    assert chain.copy_rows_hold(first, last, _copy_rows(rows), start_prev) == rows[-1][1]
    assert chain.verify_rows(rows, start_seq=first, start_prev=start_prev).ok
    # One character (or number) of one field of one event changed, its digest kept.
    i = rng.randrange(len(rows))
    column = rng.randrange(len(chain.FIELDS) + 1)  # the 16 fields, or the stored digest
    row, digest = list(rows[i][0]), rows[i][1]
    if column == len(chain.FIELDS):
        digest = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    elif isinstance(row[column], str) and row[column]:
        text = str(row[column])
        at = rng.randrange(len(text))
        row[column] = text[:at] + ("b" if text[at] != "b" else "c") + text[at + 1 :]
    elif column == chain.SEQ_INDEX:
        row[column] = int(row[column]) + rng.choice([-1, 1, 10])  # type: ignore[call-overload]
    else:
        row[column] = 1 if row[column] in (None, "") else None
    changed = [*rows[:i], (row, digest), *rows[i + 1 :]]
    assert chain.copy_rows_hold(first, last, _copy_rows(changed), start_prev) is None
    brk = chain.verify_rows(changed, start_seq=first, start_prev=start_prev).first_break
    assert brk is not None
    if column != chain.SEQ_INDEX:
        assert brk.seq == first + i


@pytest.mark.parametrize("seed", range(40))
def test_a_changed_byte_of_a_copy_row_is_refused_by_the_fast_path(seed):
    rng = random.Random(seed)
    first = rng.choice(FIRSTS)
    rows = random_chain(rng, first, rng.randrange(1, 20))
    copy, prev = _copy_rows(rows), str(rows[0][0][chain.PREV_INDEX])
    i = rng.randrange(len(copy))
    at = rng.randrange(2, len(copy[i]))  # any byte after the field count (not part of the form)
    changed = bytearray(copy[i])
    changed[at] ^= 1 << rng.randrange(8)
    copy[i] = bytes(changed)
    assert chain.copy_rows_hold(first, first + len(rows) - 1, copy, prev) is None


@pytest.mark.parametrize("seed", range(80))
def test_the_fast_time_check_agrees_with_comparing_the_times(seed):
    rng = random.Random(seed)
    first = rng.choice(FIRSTS)
    rows = random_chain(rng, first, rng.randrange(1, 40), back=rng.choice([0.0, 0.02, 0.3]))
    times = chain.copy_row_times(first, _copy_rows(rows))
    assert times == [chain.field_bytes(str(row[1])) for row, _ in rows]
    moments = [datetime.fromisoformat(str(row[1])) for row, _ in rows]
    ascending = all(a <= b for a, b in itertools.pairwise(moments))
    assert chain.times_ascend(times) is ascending


def test_the_fast_time_check_refuses_a_malformed_time_field():
    times = [chain.field_bytes(f"2026-11-22T08:00:0{s}.000000Z") for s in (0, 1)]
    assert chain.times_ascend(times) and chain.times_ascend([]) and chain.times_ascend([times[0]] * 3)
    assert not chain.times_ascend([*times, chain.field_bytes("12026-11-22T08:00:01.000000Z")])
    assert not chain.times_ascend([chain.field_bytes("2026-11-22T08:00:01.00000Z"), *times])
