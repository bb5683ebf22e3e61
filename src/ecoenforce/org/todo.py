"""The home page's to-do panel: each app registers what waits for a user (from its apps.py ready()).

org sits below every app, so the registry lives here and no app imports another to fill the panel.
A source is asked only when the user holds its permission; its `items` callable must itself scope
what it counts to the user's jurisdiction (use the app's selectors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TodoItem:
    """One line of the panel: what waits, how many, and the page where it is done."""

    label: str
    url: str
    count: int = 1
    urgent: bool = False  # overdue or nearly so: shown in red


@dataclass(frozen=True)
class TodoSource:
    key: str
    label: str
    perms: tuple[str, ...]
    items: Callable[[Any], list[TodoItem]]
    order: int


@dataclass(frozen=True)
class TodoGroup:
    label: str
    items: list[TodoItem]


_SOURCES: dict[str, TodoSource] = {}


def register_todo(
    key: str,
    *,
    label: str,
    items: Callable[[Any], list[TodoItem]],
    perms: tuple[str, ...] = (),
    order: int = 100,
) -> None:
    """Register (or replace, so ready() may run twice) a source; asked when the user holds any of `perms`."""
    _SOURCES[key] = TodoSource(key, label, perms, items, order)


def sources() -> list[TodoSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def todo_for(user: Any) -> list[TodoGroup]:
    """The non-empty groups of the user's to-do panel, in registration order."""
    if not getattr(user, "is_authenticated", False):
        return []
    groups = []
    for source in sources():
        if source.perms and not any(user.has_perm(p) for p in source.perms):
            continue
        items = [i for i in source.items(user) if i.count > 0]
        if items:
            groups.append(TodoGroup(source.label, items))
    return groups
