"""The case file's manifest (卷内文件清单) and its digest (pure: no Django).

The manifest is canonical JSON (sorted keys, no spaces, UTF-8, not ASCII-escaped) so that anyone
can recompute its SM3 digest from the published JSON with a few lines of code: the digest covers
exactly the bytes `canonical(manifest)`. Page ranges for the table of contents are computed here
as well, so the layout rule is tested without rendering.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One document in the file: what the table of contents and the manifest say about it."""

    kind: str
    title: str
    issuer: str
    issued_on: str  # ISO date
    code: str
    pdf_sm3: str
    pages: int


@dataclass(frozen=True)
class Placed:
    number: int  # 序号, from 1
    entry: Entry
    first_page: int  # 页号, from 1 (the table of contents is not numbered, as customary)
    last_page: int

    @property
    def page_range(self) -> str:
        if self.first_page == self.last_page:
            return str(self.first_page)
        return f"{self.first_page}-{self.last_page}"


def place(entries: Sequence[Entry]) -> list[Placed]:
    """Number the documents and give each its page range in the bound file."""
    placed: list[Placed] = []
    page = 1
    for number, entry in enumerate(entries, start=1):
        if entry.pages < 1:
            raise ValueError(f"document {entry.code} has no pages")
        placed.append(Placed(number, entry, page, page + entry.pages - 1))
        page += entry.pages
    return placed


def canonical(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def build(
    *, title: str, built_at: str, placed: Sequence[Placed], volume_sm3: str, algorithm: str = "SM3"
) -> dict[str, Any]:
    """The manifest: every document's digest and place, and the bound volume's digest."""
    return {
        "version": MANIFEST_VERSION,
        "algorithm": algorithm,
        "title": title,
        "built_at": built_at,
        "volume_sm3": volume_sm3,
        "documents": [
            {
                "number": p.number,
                "kind": p.entry.kind,
                "title": p.entry.title,
                "issuer": p.entry.issuer,
                "issued_on": p.entry.issued_on,
                "code": p.entry.code,
                "pdf_sm3": p.entry.pdf_sm3,
                "pages": p.entry.pages,
                "first_page": p.first_page,
                "last_page": p.last_page,
            }
            for p in placed
        ],
    }


def digest(manifest: dict[str, Any], sm3_hex: Callable[[bytes], str]) -> str:
    return sm3_hex(canonical(manifest))
