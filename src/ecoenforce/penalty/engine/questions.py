"""What an officer must establish to compute the penalty of one enforcement item.

``questions_for`` reads the item's statutory sanction, the rule set (its weight table for the item,
or the generic 从轻/一般/从重 choice), the exemption list entries of the item and the national
rules (行政处罚法第三十二条 grounds, 第三十三条 conditions), and returns the questions: factor
questions with their levels, the base amounts a multiple needs, the circumstances, 公开道歉承诺,
减轻 and the exemption-list facts.  The calculator page builds its form from it and the API
returns ``to_dict()``.  Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .benchmarks import NATIONAL_HEAVIER, ApologyRule, Level, MediumRule, RuleSet, Table
from .exemption import ART33_CONDITIONS, Condition, ConditionKind, ExemptionEntry, ExemptionList
from .periodic import periodic_kind
from .sanction import BASES, Sanction, SanctionKind, fmt_pct, fmt_rate
from .types import GRADE_LABELS, MEDIA, MITIGATING_GROUNDS, UNPROVABLE, Grade, plain

__all__ = ["Choice", "ExemptionQuestions", "FactorQuestion", "Questions", "questions_for"]

UNPROVABLE_LABEL = "确无法查明（按最低档次计算）"


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    note: str = ""
    unverified: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"value": self.value, "label": self.label, "note": self.note, "unverified": self.unverified}


@dataclass(frozen=True, slots=True)
class FactorQuestion:
    id: str
    question: str
    choices: tuple[Choice, ...]
    lowest: str

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "question": self.question, "lowest": self.lowest,
                "choices": [c.to_dict() for c in self.choices]}


@dataclass(frozen=True, slots=True)
class ExemptionQuestions:
    """The facts the item's exemption-list entries look at (only those)."""

    list_name: str
    entries: tuple[tuple[str, str, tuple[str, ...]], ...]  # (id, title, condition labels)
    flags: tuple[Choice, ...]
    measures: tuple[Choice, ...]
    areas: tuple[Choice, ...]
    first_offence: bool
    exceedances: bool
    correction: bool
    transcription: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "list_name": self.list_name, "transcription": self.transcription,
            "entries": [{"id": i, "title": t, "conditions": list(c)} for i, t, c in self.entries],
            "flags": [c.to_dict() for c in self.flags], "measures": [c.to_dict() for c in self.measures],
            "areas": [c.to_dict() for c in self.areas], "first_offence": self.first_offence,
            "exceedances": self.exceedances, "correction": self.correction,
        }


@dataclass(frozen=True, slots=True)
class Questions:
    item_code: str
    sanction: Sanction
    rule_set: RuleSet | None
    table: Table | None
    factors: tuple[FactorQuestion, ...]
    bases: tuple[Choice, ...]
    grades: tuple[Choice, ...]
    mitigating: tuple[Choice, ...]
    heavier: tuple[Choice, ...]
    art33: tuple[Choice, ...]
    apology: ApologyRule | None
    apology_exclusions: tuple[Choice, ...]
    exemption: ExemptionQuestions | None
    problem: str | None = None  # why nothing can be computed for this item
    medium: FactorQuestion | None = None  # the table row depends on the medium (广东 §3.4.2)
    periodic: str | None = None  # "daily" 按日连续处罚 / "late_fee" 加处罚款: dates are asked

    @property
    def computable(self) -> bool:
        return self.problem is None

    @property
    def warning_allowed(self) -> bool:
        return self.sanction.warning and self.sanction.kind is not SanctionKind.WARNING_ONLY

    @property
    def warning_only(self) -> bool:
        return self.sanction.kind is SanctionKind.WARNING_ONLY

    @property
    def escalation(self) -> str | None:
        return None if self.sanction.escalation is None else self.sanction.escalation.condition

    @property
    def mitigation_allowed(self) -> bool:
        low = self.sanction.min
        return self.sanction.is_fine and low is not None and low > 0

    def to_dict(self) -> dict[str, object]:
        ap = self.apology
        return {
            "item_code": self.item_code, "computable": self.computable, "problem": self.problem,
            "sanction": self.sanction.describe(), "sanction_kind": self.sanction.kind.value,
            "rule_set_id": None if self.rule_set is None else self.rule_set.id,
            "rule_set": None if self.rule_set is None else self.rule_set.name,
            "table": None if self.table is None else {
                "section": self.table.section, "title": self.table.title, "start": plain(self.table.start)},
            "factors": [f.to_dict() for f in self.factors],
            "bases": [c.to_dict() for c in self.bases],
            "base_floor": None if self.sanction.base_floor is None else plain(self.sanction.base_floor),
            "grades": [c.to_dict() for c in self.grades],
            "warning_allowed": self.warning_allowed, "warning_only": self.warning_only,
            "escalation": self.escalation, "mitigation_allowed": self.mitigation_allowed,
            "mitigating": [c.to_dict() for c in self.mitigating],
            "heavier": [c.to_dict() for c in self.heavier],
            "art33": [c.to_dict() for c in self.art33],
            "apology": None if ap is None else {
                "min_rate": plain(ap.min_rate), "max_rate": plain(ap.max_rate), "source": str(ap.source),
                "exclusions": [c.to_dict() for c in self.apology_exclusions]},
            "exemption": None if self.exemption is None else self.exemption.to_dict(),
            "medium": None if self.medium is None else self.medium.to_dict(),
            "periodic": self.periodic,
        }


def questions_for(
    *, item_code: str, sanction: Sanction, rule_set: RuleSet | None, exemptions: ExemptionList | None = None,
    aliases: tuple[str, ...] = (),
) -> Questions:
    table = None if rule_set is None else rule_set.table(item_code)
    apology = None if rule_set is None else rule_set.apology
    heavier = NATIONAL_HEAVIER if rule_set is None else rule_set.heavier
    return Questions(
        item_code=item_code, sanction=sanction, rule_set=rule_set, table=table,
        factors=() if table is None else tuple(
            _factor(f.id, f.question, f.levels, f.lowest) for f in table.factors),
        bases=_bases(sanction),
        grades=(Choice("", "自动（按从轻、从重情节确定）"),
                *(Choice(g.value, GRADE_LABELS[g]) for g in Grade)),
        mitigating=tuple(Choice(k, v, "《行政处罚法》第三十二条") for k, v in MITIGATING_GROUNDS.items()),
        heavier=tuple(Choice(c.code, c.label, str(c.source)) for c in heavier),
        art33=tuple(Choice(k, v, "《行政处罚法》第三十三条") for k, v in ART33_CONDITIONS.items()),
        apology=apology,
        apology_exclusions=() if apology is None else tuple(
            Choice(x.code, x.label, "由平台自动判断" if x.auto_minimum or x.auto_from_heavier else "")
            for x in apology.exclusions),
        exemption=_exemption(exemptions, item_code, aliases),
        problem=_problem(sanction),
        medium=None if table is None or table.medium is None else _medium(table.medium),
        periodic=None if (kind := periodic_kind(sanction)) is None else kind.value,
    )


def _medium(m: MediumRule) -> FactorQuestion:
    choices = tuple(
        Choice(code, label,
               "" if code == m.applies_to else m.missing.get(code, "无对应裁量表") + "，按通用规则计算",
               code != m.applies_to)
        for code, label in MEDIA.items())
    return FactorQuestion("medium", m.question, choices, m.applies_to)


def _factor(fid: str, question: str, levels: Iterable[Level], lowest: str) -> FactorQuestion:
    choices = [Choice(lv.id, lv.label, f"+{fmt_pct(lv.weight)}", lv.label_unverified) for lv in levels]
    choices.append(Choice(UNPROVABLE, UNPROVABLE_LABEL))
    return FactorQuestion(fid, question, tuple(choices), lowest)


def _bases(sanction: Sanction) -> tuple[Choice, ...]:
    codes: list[str] = []
    if sanction.kind is SanctionKind.MULTIPLE and sanction.base:
        codes.append(sanction.base)
    esc = sanction.escalation
    if esc is not None and esc.kind is SanctionKind.MULTIPLE and esc.base and esc.base not in codes:
        codes.append(esc.base)
    out = []
    for code in codes:
        note = ""
        if code == sanction.base and sanction.min is not None and sanction.max is not None:
            note = f"法定{fmt_rate(sanction.min)}～{fmt_rate(sanction.max)}"
        if code == sanction.base and sanction.base_floor is not None:
            note += f"；不足{plain(sanction.base_floor)}元的按{plain(sanction.base_floor)}元计算"
        out.append(Choice(code, BASES.get(code, code), note.strip("；")))
    return tuple(out)


def _problem(s: Sanction) -> str | None:
    if s.kind is SanctionKind.NONE:
        return "该事项的法定罚则不含罚款或警告，无需裁量罚款"
    if s.is_fine and s.min is None and s.max is None and s.escalation is None:
        return "法律未规定罚款幅度，须先依地方性法规或规章确定幅度后才能计算"
    return None


def _walk(conditions: Iterable[Condition]) -> Iterable[Condition]:
    for c in conditions:
        yield c
        yield from _walk(c.children)


def _exemption(exemptions: ExemptionList | None, item_code: str,
               aliases: tuple[str, ...]) -> ExemptionQuestions | None:
    if exemptions is None:
        return None
    entries: tuple[ExemptionEntry, ...] = exemptions.entries_for(item_code, aliases)
    if not entries:
        return None
    conds = [c for e in entries for c in _walk(e.conditions)]
    kinds = {c.kind for c in conds}
    flags = sorted({c.fact for c in conds if c.kind is ConditionKind.FLAG and c.fact})
    measures = sorted({c.fact for c in conds if c.kind is ConditionKind.MEASURE_MAX and c.fact})
    return ExemptionQuestions(
        list_name=exemptions.name,
        entries=tuple((e.id, e.title, tuple(c.label for c in e.conditions)) for e in entries),
        flags=tuple(Choice(f, exemptions.flags[f]) for f in flags),
        measures=tuple(Choice(m, exemptions.measures[m]) for m in measures),
        areas=tuple(Choice(code, label, "不适用免罚" if code in exemptions.excluded_areas else "")
                    for code, label in exemptions.areas.items()),
        first_offence=ConditionKind.FIRST_OFFENCE in kinds,
        exceedances=bool(kinds & {ConditionKind.ONLY_EXCEEDANCE, ConditionKind.NO_CATEGORY}),
        correction=ConditionKind.CORRECTED_BY_DEADLINE in kinds,
        transcription=exemptions.transcription,
    )
