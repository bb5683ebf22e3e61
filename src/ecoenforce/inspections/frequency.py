"""Minimum inspection frequency per stratum (最低检查频次): the defaults file's rule, tightened by the
unit or any of its superiors.

Decision: a unit may only make the rule stricter (a shorter interval) than what applies to it from
above — its superiors' own rules and the defaults file — and the rule in force for a unit is the
shortest of all of them, so a superior that tightens later is never undercut by an older, laxer rule
of a subordinate. The draw's due-entity computation (pool.build_pool) reads `effective`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import SupervisionClass
from ecoenforce.inspections.defaults import minimum_frequency
from ecoenforce.inspections.models import FrequencyRule
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import authorize

MAX_MONTHS = 120


@dataclass(frozen=True)
class Frequency:
    stratum: str
    months: int
    source: str  # the law or document the interval comes from, shown on the settings page
    set_by: str  # the unit's name, or "" for the defaults file
    own: bool  # set by this very unit
    unverified: bool = False


def _candidates(unit: Unit, day: date, *, include_own: bool) -> dict[str, list[Frequency]]:
    out: dict[str, list[Frequency]] = {}
    for stratum, rule in minimum_frequency(day).items():
        out.setdefault(stratum, []).append(
            Frequency(
                stratum, int(rule["months"]), str(rule["source"]), "", False, bool(rule.get("unverified"))
            )
        )
    chain = [u for u in unit.ancestors() if u.pk != unit.pk] + ([unit] if include_own else [])
    names = {u.pk: u.name for u in chain}
    for r in FrequencyRule.objects.filter(unit__in=chain):
        out.setdefault(r.stratum, []).append(
            Frequency(r.stratum, r.months, r.source, names[r.unit_id], r.unit_id == unit.pk)
        )
    return out


def _shortest(found: dict[str, list[Frequency]]) -> dict[str, Frequency]:
    # on a tie the unit's own (or the nearest) rule is shown: it is the one the unit maintains
    return {s: min(reversed(rules), key=lambda f: f.months) for s, rules in found.items()}


def effective(unit: Unit, day: date) -> dict[str, Frequency]:
    """Stratum → the minimum-frequency rule in force for the unit on `day` (the shortest interval)."""
    return _shortest(_candidates(unit, day, include_own=True))


def from_above(unit: Unit, day: date) -> dict[str, Frequency]:
    """Stratum → the rule the unit inherits (superiors and the defaults file): its own may not be longer."""
    return _shortest(_candidates(unit, day, include_own=False))


def own_rules(unit: Unit) -> list[FrequencyRule]:
    """The rules the unit set itself (those it may delete), by stratum."""
    return list(FrequencyRule.objects.filter(unit=unit).order_by("stratum"))


def frequency_rule_set(
    *, unit: Unit, stratum: str, months: int | str, source: str, by: User, day: date
) -> FrequencyRule:
    """Set the unit's own minimum frequency for a stratum (audited); only stricter than from above."""
    authorize(by, "inspections.configure", unit, action="frequency_rule.set")
    if stratum not in SupervisionClass.values:
        raise ValidationError({"stratum": "请选择监管类别"})
    try:
        value = int(str(months).strip())
    except ValueError:
        raise ValidationError({"months": "最长间隔应为1至120之间的整数（月）"}) from None
    if not 1 <= value <= MAX_MONTHS:
        raise ValidationError({"months": "最长间隔应为1至120之间的整数（月）"})
    above = from_above(unit, day).get(stratum)
    if above is not None and value > above.months:
        who = f"上级单位（{above.set_by}）" if above.set_by else "默认规则"
        raise ValidationError(
            {"months": f"本单位只能规定更严格的频次：{who}已规定每{above.months}个月至少检查一次"}
        )
    rule = FrequencyRule.objects.filter(unit=unit, stratum=stratum).first() or FrequencyRule(
        unit=unit, stratum=stratum
    )
    before = {"months": rule.months, "source": rule.source} if rule.pk else None
    rule.months, rule.source = value, (source or "").strip()
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        audit_record(
            actor=by,
            action="frequency_rule.set",
            target=rule,
            before=before,
            after={"stratum": stratum, "months": value, "source": rule.source},
        )
    return rule


def frequency_rule_delete(*, unit: Unit, stratum: str, by: User) -> None:
    """Delete the unit's own minimum frequency for a stratum (audited in the same transaction).

    What applies afterwards is what the unit inherits (its superiors' rules, the defaults file):
    deleting can only relax the unit's own tightening, never undercut a superior."""
    authorize(by, "inspections.configure", unit, action="frequency_rule.delete")
    with transaction.atomic():
        rule = FrequencyRule.objects.select_for_update().filter(unit=unit, stratum=stratum).first()
        if rule is None:
            raise ValidationError({"stratum": "本单位未规定该类别的最低检查频次"})
        audit_record(
            actor=by,
            action="frequency_rule.delete",
            target=rule,
            before={"stratum": rule.stratum, "months": rule.months, "source": rule.source},
        )
        rule.delete()
