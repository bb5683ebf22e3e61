"""The discretion engine's input and output types: the facts an officer establishes
(``PenaltyFacts``) and the result with its derivation (``PenaltyResult`` of ``Step``s).

Kept apart from the engine (``catalog.discretion``) and the rule-set model
(``catalog.benchmarks``) so that the calculator, the API and the recorded decisions share one
definition; ``catalog.penalty_facts`` turns the facts into JSON and back.  Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from .exemption import ExemptionFacts, ExemptionOutcome

__all__ = [
    "GRADE_LABELS",
    "MEDIA",
    "MITIGATING_GROUNDS",
    "UNPROVABLE",
    "Apology",
    "Decision",
    "Grade",
    "LateFeeFacts",
    "Mitigation",
    "PenaltyFacts",
    "PenaltyResult",
    "RecheckCycle",
    "Step",
    "plain",
]

UNPROVABLE = "unprovable"  # a factor that cannot be established → lowest tier (广东第五条)
MITIGATING_GROUNDS: Mapping[str, str] = MappingProxyType(
    {
        "eliminated_harm": "主动消除或者减轻违法行为危害后果",
        "coerced": "受他人胁迫或者诱骗实施违法行为",
        "confessed_unknown": "主动供述行政机关尚未掌握的违法行为",
        "meritorious": "配合行政机关查处违法行为有立功表现",
        "other_law": "法律、法规、规章规定其他应当从轻或者减轻行政处罚的情形",
    }
)


# The medium of the discharge, where a table row depends on it (广东裁量表 §3.4.2 has one table per medium).
MEDIA: Mapping[str, str] = MappingProxyType({"air": "大气污染物", "water": "水污染物"})


class Grade(StrEnum):
    LIGHTER = "lighter"
    GENERAL = "general"
    HEAVIER = "heavier"


GRADE_LABELS: Mapping[Grade, str] = {Grade.LIGHTER: "从轻", Grade.GENERAL: "一般", Grade.HEAVIER: "从重"}


class Decision(StrEnum):
    NO_PENALTY = "no_penalty"
    WARNING = "warning"
    FINE = "fine"




@dataclass(frozen=True, slots=True)
class Apology:
    """公开道歉承诺 (广东第十四条): chosen reduction rate and the exclusions that apply."""

    rate: Decimal
    exclusions: frozenset[str] = frozenset()
    corrected_before_decision: bool = True


@dataclass(frozen=True, slots=True)
class Mitigation:
    """减轻处罚: the requested amount below the statutory minimum and its recorded legal ground."""

    amount: object
    ground: str


@dataclass(frozen=True, slots=True)
class RecheckCycle:
    """One 责令改正 order and its re-inspection (按日连续处罚)."""

    order_served: dt.date
    rechecked: dt.date
    violation_found: bool = True  # 拒不改正 (still discharging, or obstructing the recheck: 28号令第十三条)


@dataclass(frozen=True, slots=True)
class LateFeeFacts:
    """加处罚款: the last day to pay, the day paid (or the day the fee is counted to) and the days of
    行政复议/行政诉讼 not counted (行政处罚法第七十三条第三款)."""

    due_date: dt.date
    paid_date: dt.date
    paused_days: int = 0


@dataclass(frozen=True, slots=True)
class PenaltyFacts:
    levels: Mapping[str, str] = field(default_factory=dict)  # factor id → level id | UNPROVABLE
    bases: Mapping[str, object] = field(default_factory=dict)  # base code → amount (yuan)
    mitigating: frozenset[str] = frozenset()  # 行政处罚法第三十二条 codes
    art33: frozenset[str] = frozenset()  # 行政处罚法第三十三条 conditions
    apply_first_offence_waiver: bool = False  # officer applies 首违不罚 ("可以")
    no_fault_excluded_by_law: bool = False
    heavier: frozenset[str] = frozenset()
    grade: Grade | None = None  # explicit 从轻/一般/从重; derived from circumstances when None
    apology: Apology | None = None
    mitigation: Mitigation | None = None
    prefer_warning: bool = False
    exemption: ExemptionFacts | None = None
    escalated: bool = False  # the condition of the sanction's escalation tier is established
    medium: str | None = None  # MEDIA key, asked where the table row depends on it
    daily_cycles: tuple[RecheckCycle, ...] = ()  # 按日连续处罚: each order and its re-inspection
    late_fee: LateFeeFacts | None = None  # 加处罚款: due and payment dates


@dataclass(frozen=True, slots=True)
class Step:
    """One derivation step: Chinese description, the rule applied, its legal source, the numbers."""

    description: str
    rule: str
    source: str
    raw_values: tuple[tuple[str, object], ...] = ()
    unverified: bool = False

    @property
    def values(self) -> dict[str, str]:
        """The numbers as text (Decimals without exponent or trailing zeros)."""
        return {k: plain(v) for k, v in self.raw_values}


@dataclass(frozen=True, slots=True)
class PenaltyResult:
    item_code: str
    decision: Decision
    amount: Decimal
    mode: str  # "exemption" | "warning" | "table" | "generic"
    steps: tuple[Step, ...]
    other_measures: tuple[str, ...] = ()
    serious: str | None = None
    daily_penalty_applicable: bool = False
    statutory_min: Decimal | None = None
    statutory_max: Decimal | None = None
    grade: Grade | None = None
    rule_set_id: str | None = None
    exemption: ExemptionOutcome | None = None
    notices: tuple[str, ...] = ()  # what the officer must know (a row not applied, a late re-inspection …)
    days: int | None = None  # 按日连续处罚 / 加处罚款: the days counted

    @property
    def unverified(self) -> bool:
        return any(s.unverified for s in self.steps)

    def to_dict(self) -> dict[str, object]:
        return {
            "item_code": self.item_code, "decision": self.decision.value, "amount": str(self.amount),
            "mode": self.mode, "grade": None if self.grade is None else self.grade.value,
            "rule_set_id": self.rule_set_id, "other_measures": list(self.other_measures),
            "serious": self.serious, "daily_penalty_applicable": self.daily_penalty_applicable,
            "statutory_min": None if self.statutory_min is None else str(self.statutory_min),
            "statutory_max": None if self.statutory_max is None else str(self.statutory_max),
            "unverified": self.unverified, "notices": list(self.notices), "days": self.days,
            "steps": [
                {"description": s.description, "rule": s.rule, "source": s.source,
                 "values": s.values, "unverified": s.unverified}
                for s in self.steps
            ],
        }


def plain(value: object) -> str:
    """A step value as text; Decimals without exponent or trailing zeros (70000.00 → 70000)."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    return str(value)
