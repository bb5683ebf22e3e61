"""Malformed input never raises anything but HJ212Error: hypothesis frames plus 100,000 mutated frames."""

import json
import os
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoenforce.monitoring.hj212 import FrameReader, HJ212Error, decode, encode
from ecoenforce.monitoring.hj212.crc import crc16

SEEDS = [
    json.loads(line)["packet"].encode()
    for line in (Path(__file__).parent / "data/hj212-examples.jsonl").open()
]
ALPHABET = b"#0123456789ABCDEFabcdef=;,&-\r\nQNSTCPWMFlagDataTimeRtd\xe4\xb8\xad\x00\xff"


def _decode_or_typed_error(raw: bytes) -> None:
    try:
        p = decode(raw)
    except HJ212Error:
        return
    # whatever decodes must encode back to something that decodes to the same content
    assert decode(encode(p)).cp == p.cp


def _with_valid_crc(raw: bytes) -> bytes:
    """Many mutations would die at the CRC; fix the CRC so the parser behind it is exercised too."""
    if len(raw) < 12 or not raw.startswith(b"##"):
        return raw
    segment = raw[6:-6]
    return b"##%04d%s%04X\r\n" % (len(segment) % 10000, segment, crc16(segment))


@settings(
    max_examples=int(os.environ.get("HJ212_FUZZ_EXAMPLES", "3000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.sampled_from(SEEDS),
    cuts=st.lists(st.tuples(st.integers(0, 700), st.binary(max_size=6)), max_size=4),
    fix_crc=st.booleans(),
    junk=st.binary(max_size=40),
)
def test_hypothesis_frames_raise_only_hj212error(seed, cuts, fix_crc, junk):
    raw = bytearray(seed)
    for pos, insert in cuts:
        pos %= len(raw) + 1
        raw[pos : pos + len(insert)] = insert
    data = bytes(raw)
    if fix_crc:
        data = _with_valid_crc(data)
    _decode_or_typed_error(data)
    _decode_or_typed_error(junk)
    reader = FrameReader()
    chunks = reader.feed(junk + data + junk) + reader.flush()
    assert b"".join(c.data for c in chunks) == junk + data + junk  # every byte accounted for
    for chunk in chunks:
        _decode_or_typed_error(chunk.data)


def test_100000_mutated_frames_raise_only_hj212error():
    rng = random.Random(212)
    decoded = 0
    for i in range(100_000):
        raw = bytearray(SEEDS[i % len(SEEDS)])
        for _ in range(rng.randint(1, 3)):
            op = rng.random()
            pos = rng.randrange(len(raw) + 1)
            if op < 0.4:
                raw[pos : pos + 1] = bytes([rng.choice(ALPHABET)])
            elif op < 0.7:
                del raw[pos : pos + rng.randint(1, 8)]
            else:
                raw[pos:pos] = bytes(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4)))
        data = _with_valid_crc(bytes(raw)) if i % 2 else bytes(raw)
        try:
            decode(data)
            decoded += 1
        except HJ212Error:
            pass
    assert 0 < decoded < 100_000  # both paths were exercised
