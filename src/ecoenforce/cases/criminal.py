"""涉嫌犯罪提示 (criminal-threshold flags): the facts of a case against 法释〔2023〕7号 第一条.

The criteria are data (data/criminal_thresholds.yaml); their figures are the legal parameters
criminal.* read at run time, so a confirmed change on the legal-parameters page applies at once.
`criminal_facts_record` is the one write: it checks, stores the facts and the flags, and audits.
A flagged case without a referral is a soft finding of instant review; an item whose article says
并将案件移送公安机关 stays a hard requirement (case.referral_mandatory, facts.referral_done).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.cases.models import Case, Referral, ReferralKind
from ecoenforce.org.permissions import authorize

DATA = Path(__file__).parent / "data" / "criminal_thresholds.yaml"
MAX_FIGURE = Decimal("1e12")


@dataclass(frozen=True)
class FactField:
    key: str
    kind: str  # decimal | integer | flag
    label: str
    unit: str = ""


@dataclass(frozen=True)
class Criterion:
    code: str
    fact: str
    text: str
    at_least: str = ""  # a legal parameter key; empty for a flag


@dataclass(frozen=True)
class Rules:
    source: str
    article: str
    offence: str
    in_force_from: dt.date
    earlier_note: str
    facts: tuple[FactField, ...]
    criteria: tuple[Criterion, ...]


@functools.cache
def rules() -> Rules:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    facts = tuple(FactField(**f) for f in raw["facts"])
    criteria = tuple(Criterion(**c) for c in raw["criteria"])
    known = {f.key for f in facts}
    unknown = [c.code for c in criteria if c.fact not in known]
    if unknown:
        raise ValueError(f"criminal_thresholds.yaml: criteria on undeclared facts: {unknown}")
    return Rules(
        source=raw["source"],
        article=raw["article"],
        offence=raw["offence"],
        in_force_from=raw["in_force_from"],
        earlier_note=raw["earlier_note"],
        facts=facts,
        criteria=criteria,
    )


def clean_facts(data: Any) -> dict[str, Any]:
    """The form's values checked: numbers non-negative and bounded, flags boolean; blanks dropped."""
    out: dict[str, Any] = {}
    for f in rules().facts:
        raw = data.get(f.key) if hasattr(data, "get") else None
        if f.kind == "flag":
            if raw in (True, "on", "true", "1", 1):
                out[f.key] = True
            continue
        text = str(raw if raw is not None else "").strip()
        if not text:
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError({f.key: f"「{f.label}」应为数字"}) from None
        if not value.is_finite() or value < 0 or value > MAX_FIGURE:
            raise ValidationError({f.key: f"「{f.label}」超出合理范围"})
        if f.kind == "integer" and value != value.to_integral_value():
            raise ValidationError({f.key: f"「{f.label}」应为整数"})
        out[f.key] = int(value) if f.kind == "integer" else str(value)
    return out


def evaluate(facts: dict[str, Any], act_date: dt.date | None = None) -> list[dict[str, str]]:
    """The criteria the facts meet, each with the interpretation's words and its source."""
    from ecoenforce.penalty.params import legal_parameter_values

    r = rules()
    figures = legal_parameter_values("criminal.")
    met: list[dict[str, str]] = []
    for c in r.criteria:
        value = facts.get(c.fact)
        if value in (None, "", False):
            continue
        if c.at_least and Decimal(str(value)) < Decimal(str(figures[c.at_least])):
            continue
        flag = {"code": c.code, "text": c.text, "source": f"{r.source}{r.article}；{r.offence}"}
        if act_date is not None and act_date < r.in_force_from:
            flag["note"] = r.earlier_note
        met.append(flag)
    return met


def referred(case: Case) -> bool:
    return Referral.objects.filter(case=case, kind=ReferralKind.CRIMINAL).exists()


def criminal_facts_record(*, case: Case, by: Any, data: Any) -> Case:
    """Record the facts that bear on the criminal thresholds and flag the case when one is met."""
    authorize(by, "cases.act", case, action="cases.criminal_facts")
    facts = clean_facts(data)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.archived_on or locked.closed_on:
            raise ValidationError({"state": "案件已结案，不能再修改涉嫌犯罪情形"})
        before = {"facts": locked.criminal_facts, "flags": [f["code"] for f in locked.criminal_flags]}
        locked.criminal_facts = facts
        locked.criminal_flags = evaluate(facts, locked.act_date)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["criminal_facts", "criminal_flags", "updated_at"])
        audit_record(
            actor=by,
            action="cases.criminal_facts",
            target=locked,
            before=before,
            after={"facts": facts, "flags": [f["code"] for f in locked.criminal_flags]},
        )
    return locked
