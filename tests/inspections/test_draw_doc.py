"""docs/draw.md quotes exactly the numbers the algorithm gives for its worked example."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.draw_example import example

from ecoenforce.inspections import draw

DOC = (Path(__file__).resolve().parents[2] / "docs" / "draw.md").read_text(encoding="utf-8")


def test_worked_example_numbers_are_the_algorithms() -> None:
    doc = example()
    key = bytes.fromhex(doc["seed"]["key"])
    hmac = draw.HmacSM3(key)
    quoted = [
        doc["plan"]["pool_digest"],
        doc["commitment"],
        doc["seed"]["key"],
        doc["result_digest"],
        *doc["plan"]["seed_source"]["commitments"],
    ]
    quoted += [hmac.digest(f"E {e[0]}".encode()).hex() for e in doc["pool"]["entities"][:5]]
    quoted += [hmac.digest(f"O {o[0]}".encode()).hex() for o in doc["pool"]["officers"]]
    for value in quoted:
        assert f"`{value}`" in DOC, value
    result_block = DOC.split("Result:\n```\n")[1].split("```")[0]
    assert json.loads(result_block) == doc["result"]["selected"]
    assert draw.verify(doc) == []


def test_seed_key_as_specified() -> None:
    doc = example()
    parts = b"ecoenforce-draw-seed-v1\n" + doc["commitment"].encode() + b"\n"
    for v in doc["seed"]["values"]:
        parts += len(v.encode()).to_bytes(4, "big") + v.encode()
    assert draw.sm3_hex(parts) == doc["seed"]["key"]
