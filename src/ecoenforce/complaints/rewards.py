"""Report reward rules as data (data/reward_rules.yaml): which rule applies, eligibility, tier and caps.

Pure core; the services (reward_services) apply it and record the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "reward_rules.yaml"


@dataclass(frozen=True)
class Tier:
    key: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class RewardRule:
    key: str
    division_code: str
    title: str
    source: str
    in_force_from: date
    in_force_to: date | None
    approver_role: str
    eligibility: tuple[tuple[str, str], ...]
    tiers: tuple[Tier, ...]
    cap_per_report: Decimal
    cap_per_reporter_per_year: Decimal

    def tier(self, key: str) -> Tier:
        for t in self.tiers:
            if t.key == key:
                return t
        raise KeyError(key)


def _rule(row: dict[str, Any]) -> RewardRule:
    return RewardRule(
        key=str(row["key"]),
        division_code=str(row["division_code"]),
        title=str(row["title"]),
        source=str(row["source"]),
        in_force_from=row["in_force_from"],
        in_force_to=row.get("in_force_to"),
        approver_role=str(row["approver_role"]),
        eligibility=tuple((str(e["key"]), str(e["text"])) for e in row["eligibility"]),
        tiers=tuple(Tier(str(t["key"]), str(t["label"]), Decimal(str(t["amount"]))) for t in row["tiers"]),
        cap_per_report=Decimal(str(row["cap_per_report"])),
        cap_per_reporter_per_year=Decimal(str(row["cap_per_reporter_per_year"])),
    )


@lru_cache(maxsize=4)
def load_rules(path: Path = DATA) -> tuple[RewardRule, ...]:
    return tuple(_rule(r) for r in yaml.safe_load(path.read_text(encoding="utf-8")))


def rule_for(
    division_codes: list[str], on: date, rules: tuple[RewardRule, ...] | None = None
) -> RewardRule | None:
    """The rule of the most specific unit among `division_codes` (the unit, then its superiors)."""
    candidates = rules if rules is not None else load_rules()
    for code in division_codes:
        for rule in candidates:
            in_force = rule.in_force_from <= on and (rule.in_force_to is None or on <= rule.in_force_to)
            if rule.division_code == code and in_force:
                return rule
    return None


def unmet(rule: RewardRule, facts: dict[str, bool]) -> list[str]:
    """The eligibility conditions not met, in the rule's own words."""
    return [text for key, text in rule.eligibility if not facts.get(key, False)]


def amount(rule: RewardRule, tier_key: str, paid_this_year: Decimal) -> Decimal:
    """The tier's amount within the caps per report and per reporter per year (never below zero)."""
    value = min(rule.tier(tier_key).amount, rule.cap_per_report)
    return max(Decimal("0"), min(value, rule.cap_per_reporter_per_year - paid_this_year))
