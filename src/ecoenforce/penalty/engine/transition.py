"""从旧兼从轻 (《中华人民共和国行政处罚法》第三十七条): which law applies when it changed between the act
and the decision.

第三十七条：“实施行政处罚，适用违法行为发生时的法律、法规、规章的规定。但是，作出行政处罚决定时，法律、
法规、规章已被修改或者废止，且新的规定处罚较轻或者不认为是违法的，适用新的规定。”

* The dates (``check_dates``): the act date, the end date of a continuing act (连续或者继续状态 — the
  law in force at its end is the act-time law; 《生态环境行政处罚办法》 counts such acts from their end)
  and the decision date.  Bad dates raise ``PenaltyInputError`` with the field as path.
* The choice (``choose``): each side is the computation under one item (``Side``); when the
  decision-time item no longer punishes the act, the new law applies; otherwise the new law applies
  only when it is lighter.
* "Lighter" (``compare``) — platform convention, 未核实 until a legal reviewer confirms it: four
  dimensions, each compared old → new: the statutory maximum for these facts (none = unbounded), the
  statutory minimum, the computed amount, and the non-monetary measures (警告 … 行政拘留, by kind).
  The new law is lighter when it is lighter in at least one dimension and heavier in none; when it
  is lighter in one and heavier in another (mixed), it is not "较轻" and the act-time law applies.
  So the applied statutory range is never heavier than the act-time range.

Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .errors import PenaltyInputError
from .sanction import LegalSource, fmt_yuan
from .types import Decision, PenaltyResult, Step

__all__ = [
    "ART37",
    "EARLIEST_ACT",
    "ActDates",
    "Applied",
    "Side",
    "Transition",
    "Verdict",
    "check_dates",
    "choose",
    "compare",
    "measure_kinds",
    "parse_date",
]

ART37 = LegalSource("《中华人民共和国行政处罚法》", "第三十七条")
CONVENTION = LegalSource("平台“处罚较轻”比较口径", "见说明", unverified=True)
EARLIEST_ACT = dt.date(1990, 1, 1)
MAX_DECISION_AHEAD = dt.timedelta(days=366)

# Non-monetary measures by kind, lightest first; a kind is found by its words in the sanction text.
MEASURE_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("警告", ("警告",)),
    ("通报批评", ("通报批评",)),
    ("没收", ("没收",)),
    ("限制生产、停产整治", ("限制生产", "停产整治")),
    ("暂扣、降低资质或吊销许可证件", ("暂扣", "降低资质", "吊销")),
    ("责令停产停业、关闭", ("责令停业", "停产停业", "关闭", "拆除")),
    ("限制从业", ("限制从业", "禁止从业")),
    ("行政拘留", ("拘留",)),
)


def parse_date(value: object, path: str, *, required: bool = True) -> dt.date | None:
    """A date from a ``date`` or an ISO ``YYYY-MM-DD`` string; ``PenaltyInputError`` otherwise."""
    if value is None or value == "":
        if required:
            raise PenaltyInputError("请填写日期（YYYY-MM-DD）", path)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) <= 10:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PenaltyInputError(f"日期格式应为 YYYY-MM-DD，实际为「{str(value)[:20]}」", path)


@dataclass(frozen=True, slots=True)
class ActDates:
    act_date: dt.date
    act_end_date: dt.date | None
    decision_date: dt.date

    @property
    def governing(self) -> dt.date:
        """The date whose law is the act-time law: the end of a continuing act, else the act date."""
        return self.act_end_date or self.act_date


def check_dates(act_date: object, act_end_date: object, decision_date: object, *,
                today: dt.date) -> ActDates:
    """The three dates, checked: the act neither in the future nor before 1990, its end not before its
    start, the decision not before the act (its end) and at most a year ahead."""
    act = parse_date(act_date, "act_date")
    end = parse_date(act_end_date, "act_end_date", required=False)
    decision = parse_date(decision_date, "decision_date", required=False) or today
    assert act is not None
    if act < EARLIEST_ACT:
        raise PenaltyInputError("违法行为发生日期不能早于1990年1月1日", "act_date")
    if act > today:
        raise PenaltyInputError("违法行为发生日期不能晚于今天", "act_date")
    if end is not None and end < act:
        raise PenaltyInputError("连续或者继续状态的终了日期不能早于违法行为发生日期", "act_end_date")
    if end is not None and end > today:
        raise PenaltyInputError("连续或者继续状态的终了日期不能晚于今天", "act_end_date")
    dates = ActDates(act, end, decision)
    if decision < dates.governing:
        which = "连续或者继续状态的终了日期" if end is not None else "违法行为发生日期"
        raise PenaltyInputError(f"处罚决定日期不能早于{which}", "decision_date")
    if decision > today + MAX_DECISION_AHEAD:
        raise PenaltyInputError("处罚决定日期不能晚于今天起一年", "decision_date")
    return dates


@dataclass(frozen=True, slots=True)
class Side:
    """The computation under one law: the item in force on one date and the engine's result."""

    role: str  # "act" | "decision"
    on: dt.date
    item_code: str
    item_name: str
    law: str  # 《…》
    article: str  # 第…条…
    measures: tuple[str, ...]  # non-monetary measures of the sanction (other_measures, serious)
    result: PenaltyResult | None  # None: this law no longer punishes the act

    @property
    def punishes(self) -> bool:
        return self.result is not None

    @property
    def label(self) -> str:
        return "违法行为发生时" if self.role == "act" else "作出处罚决定时"

    def summary(self) -> str:
        if self.result is None:
            return f"{self.label}（{self.on.isoformat()}）的规定不再处罚该行为"
        r = self.result
        span = f"{_yuan(r.statutory_min, '无下限')}至{_yuan(r.statutory_max, '无上限')}"
        outcome = {Decision.FINE: f"罚款{fmt_yuan(r.amount)}", Decision.WARNING: "警告",
                   Decision.NO_PENALTY: "不予处罚"}[r.decision]
        return (f"{self.label}（{self.on.isoformat()}）：{self.law}{self.article}（{self.item_code}），"
                f"法定幅度{span}，计算结果{outcome}")


class Verdict(StrEnum):
    SAME = "same"
    LIGHTER = "lighter"
    HEAVIER = "heavier"
    MIXED = "mixed"


VERDICT_LABELS = {Verdict.SAME: "轻重相同", Verdict.LIGHTER: "新的规定处罚较轻",
                  Verdict.HEAVIER: "新的规定处罚较重", Verdict.MIXED: "新旧规定各有轻重"}


class Applied(StrEnum):
    ACT = "act"
    DECISION = "decision"


@dataclass(frozen=True, slots=True)
class Transition:
    compared: bool  # False: the same provision at both dates
    applied: Applied
    verdict: Verdict | None
    ground: str
    comparison: tuple[str, ...]
    act: Side
    decision: Side | None

    @property
    def applied_side(self) -> Side:
        return self.decision if self.applied is Applied.DECISION and self.decision else self.act

    def steps(self) -> tuple[Step, ...]:
        """The derivation's first steps: both computations, the comparison, the choice and its ground."""
        out = [Step(self.act.summary(), "违法行为发生时的规定", str(ART37))]
        if self.decision is not None and self.compared:
            out.append(Step(self.decision.summary(), "作出处罚决定时的规定", str(ART37)))
        for line in self.comparison:
            out.append(Step(line, "比较新旧规定的轻重", str(CONVENTION), unverified=True))
        out.append(Step(self.ground, "从旧兼从轻", str(ART37), unverified=self.verdict is Verdict.MIXED))
        return tuple(out)

    def to_dict(self) -> dict[str, object]:
        return {
            "compared": self.compared, "applied": self.applied.value,
            "verdict": None if self.verdict is None else self.verdict.value,
            "verdict_label": None if self.verdict is None else VERDICT_LABELS[self.verdict],
            "ground": self.ground, "comparison": list(self.comparison),
            "act": _side_dict(self.act),
            "decision": None if self.decision is None else _side_dict(self.decision),
        }


def _side_dict(s: Side) -> dict[str, object]:
    r = s.result
    return {
        "on": s.on.isoformat(), "item_code": s.item_code, "item_name": s.item_name, "law": s.law,
        "article": s.article, "punishes": s.punishes, "measures": list(s.measures),
        "decision": None if r is None else r.decision.value,
        "amount": None if r is None else str(r.amount),
        "statutory_min": None if r is None or r.statutory_min is None else str(r.statutory_min),
        "statutory_max": None if r is None or r.statutory_max is None else str(r.statutory_max),
        "summary": s.summary(),
    }


def _yuan(value: Decimal | None, none: str) -> str:
    return none if value is None else fmt_yuan(value)


def measure_kinds(texts: Iterable[str]) -> frozenset[str]:
    joined = "；".join(texts)
    return frozenset(kind for kind, words in MEASURE_KINDS if any(w in joined for w in words))


def _cmp(old: Decimal | None, new: Decimal | None, *, none_is_max: bool) -> int:
    """-1 new lighter, 0 same, 1 new heavier; None = unbounded (max) or no floor (min)."""
    if old == new:
        return 0
    if old is None or new is None:
        return (-1 if new is None else 1) if not none_is_max else (1 if new is None else -1)
    return -1 if new < old else 1


def _fined(r: PenaltyResult) -> Decimal:
    return r.amount if r.decision is Decision.FINE else Decimal(0)


def compare(old: PenaltyResult, old_measures: Iterable[str], new: PenaltyResult,
            new_measures: Iterable[str]) -> tuple[Verdict, tuple[str, ...]]:
    """Old (act-time) against new (decision-time) for the same facts; the verdict and one line per
    dimension."""
    dims = [
        ("法定最高罚款", _cmp(old.statutory_max, new.statutory_max, none_is_max=True),
         _yuan(old.statutory_max, "无上限"), _yuan(new.statutory_max, "无上限")),
        ("法定最低罚款", _cmp(old.statutory_min, new.statutory_min, none_is_max=False),
         _yuan(old.statutory_min, "无下限"), _yuan(new.statutory_min, "无下限")),
        ("按相同事实计算的罚款", _cmp(_fined(old), _fined(new), none_is_max=True),
         _yuan(_fined(old), ""), _yuan(_fined(new), "")),
    ]
    old_kinds, new_kinds = measure_kinds(old_measures), measure_kinds(new_measures)
    added, removed = new_kinds - old_kinds, old_kinds - new_kinds
    words = {-1: "新的规定较轻", 0: "相同", 1: "新的规定较重"}
    lines = [f"{name}：原规定{a}，新规定{b}，{words[c]}" for name, c, a, b in dims]
    signs = {c for _, c, _, _ in dims}
    if added:
        signs.add(1)
        lines.append(f"新的规定增加了{('、'.join(sorted(added)))}，较重")
    if removed:
        signs.add(-1)
        lines.append(f"新的规定不再设定{('、'.join(sorted(removed)))}，较轻")
    if 1 in signs and -1 in signs:
        verdict = Verdict.MIXED
    elif 1 in signs:
        verdict = Verdict.HEAVIER
    elif -1 in signs:
        verdict = Verdict.LIGHTER
    else:
        verdict = Verdict.SAME
    return verdict, tuple(lines)


def choose(act: Side, decision: Side | None) -> Transition:
    """Apply 第三十七条 to the two sides (``decision`` None or identical provision: no change)."""
    if act.result is None:
        raise PenaltyInputError("违法行为发生时的规定不处罚该行为，不得给予行政处罚", "item_code")
    if decision is None:
        ground = "违法行为发生时与作出处罚决定时适用同一规定，无需比较新旧规定"
        return Transition(False, Applied.ACT, None, ground, (), act, None)
    if decision.result is None:
        ground = ("作出处罚决定时，原规定已被修改或者废止，新的规定不认为该行为违法或者不再处罚，"
                  "依照第三十七条但书适用新的规定")
        return Transition(True, Applied.DECISION, None, ground, (), act, decision)
    verdict, lines = compare(act.result, act.measures, decision.result, decision.measures)
    if verdict is Verdict.LIGHTER:
        ground = ("作出处罚决定时原规定已被修改或者废止，且新的规定处罚较轻，"
                  f"依照第三十七条但书适用新的规定：{decision.law}{decision.article}")
        applied = Applied.DECISION
    else:
        reason = {Verdict.SAME: "新旧规定处罚轻重相同", Verdict.HEAVIER: "新的规定处罚较重",
                  Verdict.MIXED: "新旧规定各有轻重，不能认定新的规定处罚较轻"}[verdict]
        ground = f"{reason}，依照第三十七条适用违法行为发生时的规定：{act.law}{act.article}"
        applied = Applied.ACT
    return Transition(True, applied, verdict, ground, lines, act, decision)
