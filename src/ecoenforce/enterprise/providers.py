"""Read-only providers other apps register to show an enterprise its own records.

`register_provider(key, label=..., rows=fn, file=fn)`: `rows(entity)` returns `Row`s about that entity
only (inspections, orders to correct, decisions, deadlines, documents issued to it) — only what has
been served or published to it, never an internal step or a reporter. `file(entity, ref)` (optional)
returns the bytes of one of the entity's own files, or None when `ref` is not the entity's: the
enterprise pages then answer 404. An app not installed simply registers nothing. The owning apps
register from their AppConfig.ready() and import nothing of enterprise but this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Row:
    title: str
    status: str = ""
    deadline: date | None = None
    legal_basis: str = ""  # the words of the law behind the finding (普法), e.g. 《…法》第六十七条
    subject_type: str = ""
    subject_id: str = ""
    details: dict[str, str] = field(default_factory=dict)
    deadline_label: str = "期限"
    # ref passed back to the provider's `file` callback, and the file's label (下载决定书)
    file_ref: str = ""
    file_label: str = ""
    verify_code: str = ""  # a document's verification code (the public verify page checks it)
    answerable: bool = False  # the enterprise may upload rectification evidence answering this row


@dataclass(frozen=True)
class FileOut:
    data: bytes
    content_type: str
    filename: str


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    rows: Callable[[Any], list[Row]]
    file: Callable[[Any, str], FileOut | None] | None = None


_PROVIDERS: dict[str, Provider] = {}


def register_provider(
    key: str,
    *,
    label: str,
    rows: Callable[[Any], list[Row]],
    file: Callable[[Any, str], FileOut | None] | None = None,
) -> None:
    _PROVIDERS[key] = Provider(key, label, rows, file)


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())


def provider(key: str) -> Provider | None:
    return _PROVIDERS.get(key)
