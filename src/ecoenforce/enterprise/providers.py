"""Read-only providers other apps register to show an enterprise its own records.

`register_provider(key, label=..., rows=fn)` where fn(entity) returns a list of `Row`s about that
entity only (inspections, rectification orders, penalty decisions, deadlines). The enterprise pages
show every registered provider; an app not installed simply registers nothing.
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
    legal_basis: str = ""  # the words of the law behind the finding (普法)
    subject_type: str = ""
    subject_id: str = ""
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    rows: Callable[[Any], list[Row]]


_PROVIDERS: dict[str, Provider] = {}


def register_provider(key: str, *, label: str, rows: Callable[[Any], list[Row]]) -> None:
    _PROVIDERS[key] = Provider(key, label, rows)


def providers() -> list[Provider]:
    return list(_PROVIDERS.values())
