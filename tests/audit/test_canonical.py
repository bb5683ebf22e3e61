"""docs/audit.md is enough to recompute every digest: an independent SM3 and the documented rules.

Nothing here imports the platform's canonical form or hash: `doc_canonical` is written from the
documentation, `sm3` (tests/audit/sm3_reference.py) from GB/T 32905.
"""

from __future__ import annotations

import re
import struct
from datetime import UTC
from pathlib import Path

from django.db import connection

from ecoenforce.audit.models import AuditEvent, AuditHead
from tests.audit.sm3_reference import sm3

DOCS = Path(__file__).resolve().parents[2] / "docs" / "audit.md"

# The documented order (docs/audit.md, "The canonical form").
DOC_ORDER = (
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


def doc_canonical(event: AuditEvent) -> bytes:
    """The canonical form exactly as docs/audit.md states it."""

    def field(text: str) -> bytes:
        data = text.encode("utf-8")
        return struct.pack(">I", len(data)) + data

    out = field(event.algorithm) + field("2")
    for name in DOC_ORDER:
        value = getattr(event, name)
        if name == "occurred_at":
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        out += field("" if value is None else str(value))
    return out


def test_reference_sm3_matches_the_standard_vectors():
    # GB/T 32905-2016, appendix A: A.1 "abc" and A.2 "abcd" x 16 (512 bits).
    assert sm3(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_every_digest_recomputes_from_the_columns_with_an_independent_sm3(events, world):
    prev = "0" * 64
    all_events = list(AuditEvent.objects.order_by("seq"))
    assert len(all_events) > len(events)
    for event in all_events:
        assert event.prev_digest == prev, event.seq
        assert sm3(doc_canonical(event)) == event.digest, event.seq
        prev = event.digest
    assert AuditHead.objects.get(id=1).digest == prev


def test_the_events_as_the_database_returns_them_recompute(events):
    """Read back through a raw cursor (no model instance cache) the digests still hold."""
    with connection.cursor() as cur:
        cur.execute("SELECT seq FROM audit_auditevent ORDER BY seq")
        seqs = [r[0] for r in cur.fetchall()]
    for seq in seqs:
        event = AuditEvent.objects.get(seq=seq)
        assert sm3(doc_canonical(event)) == event.digest


def _doc_section(title: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, f"docs/audit.md lacks the section {title!r}"
    return match.group(1)


def _doc_tables(section: str) -> list[list[tuple[int, str]]]:
    """The worked examples' tables: (declared length, text) per row, text as the doc writes it."""
    tables: list[list[tuple[int, str]]] = []
    for block in re.findall(r"\| # \| length \| text \|\n\|[-|]+\|\n((?:\|.*\|\n)+)", section):
        rows = []
        for line in block.splitlines():
            _, _number, length, text, _ = (cell.strip() for cell in line.split("|"))
            if text == "(empty)":
                value = ""
            elif text.startswith("64 × `"):
                value = text[len("64 × `")] * 64
            else:
                value = re.match(r"`([^`]*)`", text).group(1)  # type: ignore[union-attr]
            rows.append((int(length.strip("`"), 16), value))
        tables.append(rows)
    return tables


def test_both_worked_examples_are_reproducible_from_the_doc_alone():
    section = _doc_section("Worked example")
    first, second = _doc_tables(section)
    digests = []
    for rows in (first, second):
        assert len(rows) == 18
        for declared, text in rows:
            assert declared == len(text.encode()), text
        digests.append(sm3(b"".join(struct.pack(">I", n) + t.encode() for n, t in rows)))
    canonical = re.search(r"```text\n(.*?)\n```", section, re.S)
    assert canonical
    first_bytes = b"".join(struct.pack(">I", n) + t.encode() for n, t in first)
    assert bytes.fromhex("".join(canonical.group(1).split())) == first_bytes and len(first_bytes) == 309
    assert re.search(rf"`{digests[0]}` \(the digest\)", section)
    assert second[17][1] == digests[0]  # the second links to the first
    assert re.search(rf"`{digests[1]}` \(the second digest\)", section)
    assert sum(4 + n for n, _ in second) == 258


def test_the_verifier_snippet_in_the_docs_runs(events):
    """The ~20-line verifier in docs/audit.md, run as written against this database."""
    section = _doc_section("Verifying outside the platform")
    code = re.search(r"```python\n(.*?)\n```", section, re.S)
    assert code, "no python snippet"
    rows = list(
        AuditEvent.objects.order_by("seq").values_list(
            *DOC_ORDER[:1], "occurred_at", *DOC_ORDER[2:], "digest", "algorithm"
        )
    )
    namespace: dict[str, object] = {"sm3_hex": sm3}
    exec(compile(code.group(1), "docs/audit.md", "exec"), namespace)
    verify = namespace["verify"]
    assert verify(rows) is None  # type: ignore[operator]
    broken = [list(r) for r in rows]
    broken[3][12] = "changed"
    assert verify(broken) == 4  # type: ignore[operator]


def test_gmssl_recomputes_the_digests_too(events):
    """A second independent SM3 (the pure-Python gmssl package), when installed."""
    import pytest

    pytest.importorskip("gmssl")
    from gmssl import func
    from gmssl import sm3 as gm_sm3

    for event in AuditEvent.objects.order_by("seq"):
        assert gm_sm3.sm3_hash(func.bytes_to_list(doc_canonical(event))) == event.digest
