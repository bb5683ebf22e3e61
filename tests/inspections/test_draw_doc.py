"""docs/draw.md quotes exactly the numbers the algorithm gives for its worked examples (§7: version 1,
§7b: version 2), and version 2's keystream is the one an independent SM4 implementation gives."""

from __future__ import annotations

import json
from pathlib import Path

from gmssl.sm4 import SM4_ENCRYPT, CryptSM4
from scripts.draw_example import example

from ecoenforce.inspections import draw

DOC = (Path(__file__).resolve().parents[2] / "docs" / "draw.md").read_text(encoding="utf-8")


def _quoted(doc: dict) -> list[str]:  # type: ignore[type-arg]
    key = bytes.fromhex(doc["seed"]["key"])
    hmac = draw.HmacSM3(key)
    quoted = [
        doc["plan"]["pool_digest"],
        doc["commitment"],
        doc["seed"]["key"],
        doc["result_digest"],
        *doc["plan"]["seed_source"]["commitments"],
    ]
    return quoted + [hmac.digest(f"O {o[0]}".encode()).hex() for o in doc["pool"]["officers"]]


def test_worked_example_numbers_are_the_algorithms() -> None:
    doc = example(1)
    key = bytes.fromhex(doc["seed"]["key"])
    hmac = draw.HmacSM3(key)
    quoted = _quoted(doc) + [hmac.digest(f"E {e[0]}".encode()).hex() for e in doc["pool"]["entities"][:5]]
    for value in quoted:
        assert f"`{value}`" in DOC, value
    result_block = DOC.split("Result:\n```\n")[1].split("```")[0]
    assert json.loads(result_block) == doc["result"]["selected"]
    assert doc["algorithm"] == "ecoenforce-draw/1" and "algorithm" not in doc["plan"]
    assert draw.verify(doc) == []


def test_worked_example_version_2() -> None:
    doc = example(2)
    key = bytes.fromhex(doc["seed"]["key"])
    sm4_key = draw.sm4_key(key)
    assert sm4_key == draw.sm3(b"ecoenforce-draw-sm4-v2\n" + key)[:16]
    cipher = CryptSM4()  # gmssl: a pure-Python SM4, independent of OpenSSL
    cipher.set_key(sm4_key, SM4_ENCRYPT)
    stream = b"".join(bytes(cipher.crypt_ecb(j.to_bytes(16, "big")))[:16] for j in range(3))
    quoted = [*_quoted(doc), sm4_key.hex(), stream.hex()]
    quoted += [stream[8 * i : 8 * i + 8].hex() for i in range(6)]
    for value in quoted:
        assert f"`{value}`" in DOC, value
    result_block = DOC.split("Result (version 2):\n```\n")[1].split("```")[0]
    assert json.loads(result_block) == doc["result"]["selected"]
    assert doc["pool"]["due"] == ["911310000000000055"]
    assert draw.verify(doc) == []


def test_seed_key_as_specified() -> None:
    for version in (1, 2):
        doc = example(version)
        parts = b"ecoenforce-draw-seed-v1\n" + doc["commitment"].encode() + b"\n"
        for v in doc["seed"]["values"]:
            parts += len(v.encode()).to_bytes(4, "big") + v.encode()
        assert draw.sm3_hex(parts) == doc["seed"]["key"]


def test_pool_digest_as_specified() -> None:
    """The digest of §2 built naively, line by line, for a pool with empty townships and a due entity."""
    doc = example(2)
    pool = doc["pool"]
    lines = sorted(f"E {e[0]} {e[1]} {e[2]} {e[3] or '-'}\n" for e in pool["entities"])
    lines += sorted(f"O {o[0]} {o[1] or '-'}\n" for o in pool["officers"])
    lines += sorted({f"R {r[0]} {r[1]}\n" for r in pool["recusals"]})
    lines += sorted(f"D {d}\n" for d in pool["due"])
    assert draw.sm3_hex(("ecoenforce-draw-pool-v1\n" + "".join(lines)).encode()) == doc["plan"]["pool_digest"]
