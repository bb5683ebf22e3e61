"""Handling deadlines as data (data/deadlines.yaml, each with its source and period in force). Pure core."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "deadlines.yaml"


@dataclass(frozen=True)
class DeadlineRule:
    key: str
    label: str
    days: int
    source: str
    quote: str
    in_force_from: date
    in_force_to: date | None

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)


def _rule(row: dict[str, Any]) -> DeadlineRule:
    if row.get("working_days"):
        raise ValueError(f"deadline {row['key']}: working-day rules are not supported")
    return DeadlineRule(
        key=str(row["key"]),
        label=str(row["label"]),
        days=int(row["days"]),
        source=str(row["source"]),
        quote=str(row["quote"]),
        in_force_from=row["in_force_from"],
        in_force_to=row.get("in_force_to"),
    )


@lru_cache(maxsize=4)
def load_rules(path: Path = DATA) -> tuple[DeadlineRule, ...]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(_rule(r) for r in rows)


def rule_for(key: str, on: date, rules: tuple[DeadlineRule, ...] | None = None) -> DeadlineRule:
    for rule in rules if rules is not None else load_rules():
        if rule.key == key and rule.in_force_on(on):
            return rule
    raise LookupError(f"no deadline rule {key!r} in force on {on}")


def due(key: str, start: date, rules: tuple[DeadlineRule, ...] | None = None) -> date:
    """The last day of the period `key` that starts on `start` (the day of receipt is not counted)."""
    return start + timedelta(days=rule_for(key, start, rules).days)


def extended(handle_due: date, extra_days: int, rules: tuple[DeadlineRule, ...] | None = None) -> date:
    limit = rule_for("extension", handle_due, rules).days
    if not 0 < extra_days <= limit:
        raise ValueError(f"extension must be 1..{limit} days")
    return handle_due + timedelta(days=extra_days)
