"""The fast paths give exactly the previous results: decode against a frozen copy of the old decoder
(hj212_oracle.py), the XOR-fold CRC against the standard's bit-by-bit text, make_packet against Packet().

Same result means the same Packet in every field (warnings, CP text and groups included) or the same
error class and message, under every Tolerance. The inputs: the real packets, generated packets in and
around the standard layout (times of 14, 17 or other lengths, split pieces, every Flag, Chinese
values, long keys), and mutated frames, half of them with the CRC fixed so the parser is reached.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoenforce.monitoring.hj212 import DEFAULT, STRICT, Cp, HJ212Error, Packet, Tolerance, decode, encode
from ecoenforce.monitoring.hj212.codec import _STANDARD_FRAME, _VAL_CHAR
from ecoenforce.monitoring.hj212.crc import crc16, crc16_bitwise, crc16_table
from ecoenforce.monitoring.hj212.packet import make_packet

from . import hj212_oracle as oracle

EXAMPLES = [
    json.loads(line)["packet"].encode()
    for line in (Path(__file__).parent / "data/hj212-examples.jsonl").open()
]
TOLERANCES = [DEFAULT, STRICT, Tolerance(max_segment=150), Tolerance(modbus_crc=True)] + [
    Tolerance(**{f.name: False}) for f in dataclasses.fields(Tolerance) if f.type in (bool, "bool")
]
MN = "010000A8900016F000169DC0"
SETTINGS = settings(
    max_examples=int(os.environ.get("HJ212_FAST_EXAMPLES", "1000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def outcome(fn, raw, tol):  # type: ignore[no-untyped-def]
    try:
        p = fn(raw, tol)
    except HJ212Error as exc:
        return (type(exc), str(exc))
    fields = tuple(getattr(p, f.name) for f in dataclasses.fields(Packet))
    return (type(p), fields, p.cp.text(), p.cp.groups, hash(p), repr(p))


def same(raw, tols=TOLERANCES) -> None:  # type: ignore[no-untyped-def]
    for tol in tols:
        assert outcome(decode, raw, tol) == outcome(oracle.decode, raw, tol), (raw, tol)


def frame(segment: bytes, crc: int | None = None, *, lower: bool = False, crlf: bool = True) -> bytes:
    value = crc16_bitwise(segment) if crc is None else crc
    text = b"%04x" % value if lower else b"%04X" % value
    return b"##%04d%s%s%s" % (len(segment) % 10000, segment, text, b"\r\n" if crlf else b"")


def standard(i: int) -> bytes:
    """A standard hourly upload (the fast path's case)."""
    cp = Cp.of(
        {"DataTime": f"202611{1 + i % 28:02d}{i % 24:02d}0000"},
        *({f"{c}-Avg": f"{i * 0.37:.3f}", f"{c}-Flag": "N"} for c in ("w01018", "w21003", "a34004")),
    )
    return encode(
        Packet(st="32", cn="2061", pw="123456", mn=MN, qn=f"20261130100000{i % 1000:03d}", flag=5, cp=cp)
    )


# --- the CRC ---------------------------------------------------------------------------------------


def test_crc_fold_equals_bitwise_at_every_length_and_lane_offset():
    rng = random.Random(2017)
    lengths = list(range(0, 600)) + [n + d for n in (1024, 1536, 2048, 4096, 9999) for d in (-9, -1, 0, 1, 7)]
    for n in lengths:
        data = rng.randbytes(n)
        assert crc16(data) == crc16_bitwise(data) == crc16_table(data), n
    assert crc16(b"123456789") == 0x2F80
    assert crc16(b"\x00" * 1000) == crc16_bitwise(b"\x00" * 1000)
    assert crc16(b"\xff" * 1001) == crc16_bitwise(b"\xff" * 1001)


@SETTINGS
@given(st.binary(max_size=3000))
def test_crc_fold_equals_bitwise_on_generated_data(data):
    assert crc16(data) == crc16_table(data) == crc16_bitwise(data)


def test_a_one_bit_change_changes_the_crc_the_same_way():
    base = EXAMPLES[0][6:-6]
    for i in range(len(base)):
        for bit in (0, 3, 7):
            flipped = bytearray(base)
            flipped[i] ^= 1 << bit
            assert crc16(bytes(flipped)) == crc16_bitwise(bytes(flipped))


def test_the_value_character_ranges_are_exactly_not_the_six_delimiters():
    value_char = re.compile(_VAL_CHAR)
    for code in range(0x110000):
        assert bool(value_char.fullmatch(chr(code))) is (chr(code) not in ";,=&\r\n"), hex(code)


# --- make_packet -----------------------------------------------------------------------------------


@given(
    st.text(max_size=4), st.text(max_size=4), st.text(max_size=8), st.text(max_size=30),
    st.one_of(st.none(), st.text(max_size=17)), st.one_of(st.none(), st.integers(0, 255)),
    st.one_of(st.none(), st.integers(1, 9999)), st.lists(st.text(max_size=5), max_size=3),
)  # fmt: skip
def test_make_packet_equals_the_dataclass_constructor(st_, cn, pw, mn, qn, flag, pnum, warns):
    cp = Cp.of({"DataTime": "20261130100000", "a-Rtd": "1"})
    pno = pnum
    warnings = tuple(warns)
    made = make_packet(st_, cn, pw, mn, cp, qn, flag, pnum, pno, (("RF", "1"),), warnings)
    ref = Packet(st=st_, cn=cn, pw=pw, mn=mn, cp=cp, qn=qn, flag=flag, pnum=pnum, pno=pno,
                 extra=(("RF", "1"),), warnings=warnings)  # fmt: skip
    assert type(made) is Packet and made == ref and hash(made) == hash(ref) and repr(made) == repr(ref)
    assert dataclasses.replace(made, cn="9014") == dataclasses.replace(ref, cn="9014")
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.cn = "1"  # type: ignore[misc]


# --- decode against the oracle ----------------------------------------------------------------------


def test_real_packets_under_every_tolerance():
    for raw in EXAMPLES:
        same(raw)
        same(bytearray(raw))
        same(raw[:-2])  # without CRLF
        same(raw.replace(b"\r\n", b"\n"))


def test_standard_packets_take_the_fast_path_and_agree():
    frames = [standard(i) for i in range(300)]
    assert all(_STANDARD_FRAME.fullmatch(f.decode()) for f in frames)  # the fast path is what is tested
    for raw in frames:
        same(raw)


def test_every_edge_of_the_fast_path_agrees():
    """The product of the values the fast path decides on, in the standard layout otherwise."""
    flags = ["0", "3", "4", "5", "6", "7", "8", "004", "255", "256", "999"]
    pieces = [
        None,
        ("1", "1"),
        ("2", "1"),
        ("1", "2"),
        ("0", "0"),
        ("0001", "0001"),
        ("9999", "9999"),
        ("2", "0"),
    ]
    cps = ["", "DataTime=20261130100000", "DataTime=20261130100000123", "DataTime=2026113010000",
           "RunTime=5,a-Rtd=1", "a-Rtd=1;DataTime=20261130100000", "Time=20261130100000",
           "BeginTime=20261130100000,EndTime=20261130100000X", "i12001-Info=设备正常",
           "a-Rtd=1;"]  # fmt: skip
    n = 0
    for flag in flags:
        for piece in pieces:
            split = f"PNUM={piece[0]};PNO={piece[1]};" if piece else ""
            for cp in cps:
                segment = (
                    f"QN=20261130100000123;ST=32;CN=2061;PW=123456;MN={MN};Flag={flag};{split}CP=&&{cp}&&"
                )
                for lower in (False, True):
                    same(frame(segment.encode(), lower=lower))
                n += bool(_STANDARD_FRAME.fullmatch(frame(segment.encode()).decode()))
    assert n > 300  # most of them reach the fast path's checks


def test_odd_inputs_agree():
    for raw in (
        b"",
        b"##",
        b"##0000\r\n",
        b"##0007CP=&&&&" + b"%04X\r\n" % crc16(b"CP=&&&&"),
        "str",
        None,
        5,
    ):
        for tol in (DEFAULT, STRICT):
            assert outcome(decode, raw, tol) == outcome(oracle.decode, raw, tol)


# CP items, chosen to hit every branch of the time check and the CP grammar; mostly well-formed
TIME_VALUES = ["20261130100000", "20261130100000123", "2026113010000", "202611301000001", "",
               "2026113010000X", "２０２６１１３０１００００"]  # fmt: skip
GOOD_KEYS = ["DataTime", "BeginTime", "EndTime", "SystemTime", "RestartTime", "RunTime", "Time", "XDataTime",
             "w01018-Avg", "a34004-Flag", "SB1-RS", "i12001-Info", "k" * 40]  # fmt: skip
BAD_KEYS = ["k" * 41, "", "a b", "数据"]
GOOD_VALUES = ["1.5", "N", "", "设备正常", "20261130100000", "-0.1", "½"]
BAD_VALUES = ["a=b", "x&y", "1\r\n"]


def mostly(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(good), st.sampled_from(good), st.sampled_from(good), st.sampled_from(bad)
    )


item = st.builds(
    lambda k, v: f"{k}={v}",
    mostly(GOOD_KEYS, BAD_KEYS),
    st.one_of(mostly(GOOD_VALUES, BAD_VALUES), st.sampled_from(TIME_VALUES)),
)
cp_text = st.lists(st.tuples(mostly([";", ","], [";;", "", ";,"]), item), max_size=8).map(
    lambda parts: "".join(sep + it for sep, it in parts)[1:] if parts else ""
)


def usually(valid: str, *others: str | None) -> st.SearchStrategy[str | None]:
    """The standard's value most of the time, so many frames are near the fast path's edge."""
    return st.one_of(st.just(valid), st.just(valid), st.just(valid), st.sampled_from(others))


header = st.fixed_dictionaries(
    {
        "QN": usually("20261130100000123", "2026113010000012", "2026113010000012x", None),
        "ST": usually("32", "22", "3", "91"),
        "CN": usually("2061", "2011", "9014", "201"),
        "PW": usually("123456", "1", "1234567", "ab-1", ""),
        "MN": usually(MN, MN.lower(), "LD130133000015", "aqms-1100", MN + "0"),
        "Flag": usually("5", None, "4", "6", "7", "004", "0", "3", "8", "9", "255", "256"),
        "PNUM": st.one_of(st.none(), st.none(), st.sampled_from(["1", "2", "3", "0", "0002", "10000"])),
        "PNO": st.one_of(st.none(), st.none(), st.sampled_from(["1", "2", "3", "0", "0001", "12345"])),
    }
)


@SETTINGS
@given(
    header,
    cp_text,
    st.sampled_from(["ok", "lower", "bad", "nocrlf", "len+1"]),
    st.booleans(),
    st.sampled_from(["", "RF=1", "rf=1", "XX=1", "ST=32", "FLAG=5", "mn=" + MN, "PW", "PNO=1"]),
    st.integers(0, 9),
)
def test_generated_frames_agree(fields, cp, crc_mode, shuffle, odd_item, where):
    """Also header items the general path must name: other case, RF, unknown, repeated, without '='."""
    items = [f"{k}={v}" for k, v in fields.items() if v is not None]
    if shuffle:
        items.reverse()
    if odd_item:
        items.insert(where % (len(items) + 1), odd_item)
    segment = (";".join(items) + f";CP=&&{cp}&&").encode()
    raw = frame(
        segment,
        crc=(crc16_bitwise(segment) ^ 1) if crc_mode == "bad" else None,
        lower=crc_mode == "lower",
        crlf=crc_mode != "nocrlf",
    )
    if crc_mode == "len+1":
        raw = b"##%04d" % (len(segment) + 1) + raw[6:]
    same(raw)


def test_mutated_frames_agree():
    rng = random.Random(8)
    alphabet = b"#0123456789ABCDEFabcdef=;,&-\r\nQNSTCPWMFlagDataTime\xe4\xb8\xad\x00\xff"
    seeds = EXAMPLES + [standard(i) for i in range(20)]
    n = int(os.environ.get("HJ212_FAST_MUTATIONS", "20000"))
    decoded = 0
    for i in range(n):
        raw = bytearray(seeds[i % len(seeds)])
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(raw) + 1)
            op = rng.random()
            if op < 0.4:
                raw[pos : pos + 1] = bytes([rng.choice(alphabet)])
            elif op < 0.7:
                del raw[pos : pos + rng.randint(1, 8)]
            else:
                raw[pos:pos] = bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))
        data = bytes(raw)
        if i % 2 and len(data) >= 12 and data.startswith(b"##"):
            data = frame(data[6:-6])  # fix length and CRC so the parser is reached
        same(data, (DEFAULT, STRICT))
        decoded += outcome(decode, data, DEFAULT)[0] is Packet
    assert decoded > n // 10  # many mutated frames still decode, so the success path is compared too
