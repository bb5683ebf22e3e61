"""Opening a case from a lead, numbering, officers, items from the catalog, evidence, take-over.

Every write: authorize, validate, write and audit in one transaction. Steps of the procedure go
through `transitions.case_transition`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.cases import clocks, criminal, registry, search
from ecoenforce.cases.files import check_file
from ecoenforce.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseItem,
    CaseOfficer,
    Evidence,
    EvidenceKind,
    Lead,
    LeadStatus,
    Procedure,
)
from ecoenforce.cases.workflow import ACTIVE, State
from ecoenforce.catalog import selectors as catalog_selectors
from ecoenforce.org.models import AccessGrant, Unit
from ecoenforce.org.permissions import Refused, authorize
from ecoenforce.org.roles import Role

logger = logging.getLogger(__name__)

REFERRAL_WORDS = "移送公安机关"  # 《生态环境法典》第一千一百零二条、第一千一百零八条等: "将案件移送公安机关"


def case_snapshot(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "unit": case.unit_id,
        "entity": case.entity_id,
        "title": case.title,
        "state": case.state,
        "act_date": case.act_date.isoformat(),
        "act_end_date": case.act_end_date.isoformat() if case.act_end_date else None,
        "procedure": case.procedure,
        "is_special": case.is_special,
        "items": sorted(case.items.values_list("item_code", flat=True)) if case.pk else [],
        "officers": sorted(case.officers.values_list("officer_id", flat=True)) if case.pk else [],
    }


def prefix_for(unit: Unit) -> str:
    """廊坊市生态环境局 → 廊环罚: the first character of the place name + 环罚 (customary form)."""
    return f"{unit.name[:1]}环罚"


def assign_number(case: Case, year: int) -> None:
    """Next number of the unit and year, e.g. 廊环罚〔2026〕12号 (counter row locked)."""
    counter, _ = CaseCounter.objects.select_for_update().get_or_create(unit=case.unit, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    case.year, case.seq = year, counter.last
    case.number = f"{prefix_for(case.unit)}〔{year}〕{counter.last}号"


def has_valid_certificate(officer: Any, on: dt.date) -> bool:
    return any(c.is_valid_on(on) for c in officer.certificates.all())


def _check_officers(unit: Unit, officers: Sequence[Any], on: dt.date) -> list[str]:
    problems = []
    if len({o.pk for o in officers}) < 2:
        problems.append("承办人员不少于两人（《行政处罚法》第四十二条）")
    for o in officers:
        if not o.has_role(Role.OFFICER):
            problems.append(f"{o.display_name}不是执法人员")
        elif not has_valid_certificate(o, on):
            problems.append(f"{o.display_name}没有有效的执法证件")
        if o.unit is None or not (o.unit.is_within(unit) or unit.is_within(o.unit)):
            problems.append(f"{o.display_name}不属于本案承办单位")
    return problems


def _items(unit: Unit, codes: Iterable[str], act_date: dt.date) -> list[CaseItem]:
    codes = [str(c).strip()[:40] for c in codes if str(c).strip()]
    if not codes:
        raise ValidationError({"items": "请至少选择一项执法事项"})
    catalog = catalog_selectors.effective_catalog(unit, act_date)
    out, missing = [], []
    for code in dict.fromkeys(codes):
        entry = catalog.get(code)
        if entry is None:
            missing.append(code)
            continue
        texts = [str(b.get("text", "")) for b in entry.legal_basis]
        measures = [str(m) for m in (entry.sanction or {}).get("other_measures") or []]
        out.append(
            CaseItem(
                item_code=entry.code,
                item_name=entry.name[:300],
                legal_basis=entry.legal_basis,
                sanction=entry.sanction,
                referral_mandatory=any(REFERRAL_WORDS in t for t in [*texts, *measures]),
            )
        )
    if missing:
        raise ValidationError(
            {
                "items": f"执法事项 {'、'.join(missing)} 不在违法行为发生时（{act_date}）"
                f"本单位有效的执法事项清单中"
            }
        )
    return out


def refresh_search(case: Case) -> None:
    items = " ".join(f"{i.item_code} {i.item_name}" for i in case.items.all())
    entity = case.entity
    case.search_text = search.tokens(
        " ".join(
            [
                case.number,
                case.title,
                case.place,
                entity.name,
                entity.uscc,
                items,
            ]
        )
    )
    Case.objects.filter(pk=case.pk).update(search_text=case.search_text)


def case_open(
    *,
    lead: Lead,
    by: Any,
    title: str,
    act_date: dt.date,
    item_codes: Iterable[str],
    officers: Sequence[Any],
    act_end_date: dt.date | None = None,
    place: str = "",
    is_special: bool = False,
    special_team: str = "",
    procedure: str = Procedure.GENERAL,
) -> Case:
    """File a case from an open lead (立案审批 pending; the summary procedure starts on the spot)."""
    authorize(by, "cases.act", lead.unit, action="cases.case_open")
    if lead.entity_id is None:
        raise ValidationError({"entity": "线索未确定当事人，不能立案"})
    if act_end_date and act_end_date < act_date:
        raise ValidationError({"act_end_date": "违法行为终了日期不能早于发生日期"})
    if act_date > timezone.localdate():
        raise ValidationError({"act_date": "违法行为发生日期不能晚于今天"})
    if procedure not in Procedure.values:
        raise ValidationError({"procedure": "程序只能是普通程序或简易程序"})
    problems = _check_officers(lead.unit, officers, timezone.localdate())
    if problems:
        raise ValidationError({"officers": problems})
    items = _items(lead.unit, item_codes, act_date)
    state = State.SUMMARY if procedure == Procedure.SUMMARY else State.PENDING_FILING
    case = Case(
        unit=lead.unit,
        lead=lead,
        entity=lead.entity,
        title=str(title or "").strip()[:300],
        place=str(place or "").strip()[:300],
        act_date=act_date,
        act_end_date=act_end_date,
        procedure=procedure,
        state=state,
        is_special=bool(is_special),
        special_team=str(special_team or "").strip()[:100],
        created_by=by,
        referral_mandatory=any(i.referral_mandatory for i in items),
    )
    case.criminal_facts = _lead_criminal_facts(lead)
    case.criminal_flags = criminal.evaluate(case.criminal_facts, act_date)
    if case.is_special and not case.special_team:
        raise ValidationError({"special_team": "专案须填写专案组"})
    case.full_clean(exclude=["lead", "number"], validate_constraints=False)
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        if locked.status != LeadStatus.OPEN:
            raise ValidationError({"lead": f"该线索已{locked.get_status_display()}，不能重复立案"})
        if procedure == Procedure.SUMMARY:
            assign_number(case, timezone.localdate().year)
        case.save()
        for item in items:
            item.case = case
        CaseItem.objects.bulk_create(items)
        _assign(case, officers)
        locked.status, locked.decided_by, locked.decided_at = LeadStatus.FILED, by, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        CaseEvent.objects.create(case=case, seq=1, action="open", label="立案登记", to_state=state, actor=by)
        clocks.carry_triage(case, locked)
        refresh_search(case)
        audit_record(actor=by, action="cases.case_open", target=case, after=case_snapshot(case))
        if procedure == Procedure.SUMMARY:  # 简易程序: decided on the spot, no separate filing approval
            registry.case_filed(case, by)
    return case


def _lead_criminal_facts(lead: Lead) -> dict[str, Any]:
    """Figures a source app put under facts["criminal"] (same keys as the 涉嫌犯罪情形 form)."""
    raw = lead.facts.get("criminal") if isinstance(lead.facts, dict) else None
    if not isinstance(raw, dict):
        return {}
    try:
        return criminal.clean_facts(raw)
    except ValidationError:
        logger.warning("lead %s: unusable criminal facts ignored", lead.pk)
        return {}


def _assign(case: Case, officers: Sequence[Any]) -> None:
    today = timezone.localdate()
    rows = []
    for i, o in enumerate(dict.fromkeys(officers)):
        cert = next(c for c in o.certificates.all() if c.is_valid_on(today))
        rows.append(CaseOfficer(case=case, officer=o, is_lead=i == 0, certificate_number=cert.number))
    CaseOfficer.objects.bulk_create(rows)


def evidence_add(
    *, case: Case, by: Any, upload: Any, kind: str, description: str = "", collected_on: dt.date | None = None
) -> Evidence:
    """Add one piece of evidence (checked type and size, SM3 digest) while the case is investigated."""
    authorize(by, "cases.act", case, action="cases.evidence_add")
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": "请选择证据种类"})
    if not case.officers.filter(officer=by).exists():
        raise Refused("只有本案承办人员可以提交证据", action="cases.evidence_add", target=case)
    checked = check_file(upload)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state not in (State.INVESTIGATING, State.SUMMARY):
            raise ValidationError({"state": f"案件处于「{locked.state_label}」阶段，不能再提交证据"})
        ev = Evidence(
            case=locked,
            kind=kind,
            name=checked.name,
            description=str(description or "")[:500],
            size=checked.size,
            content_type=checked.content_type,
            sm3=checked.sm3,
            collected_on=collected_on or timezone.localdate(),
            uploaded_by=by,
        )
        ev.file.save(checked.name, checked.django_file(), save=False)
        ev.full_clean()
        ev.save()
        audit_record(
            actor=by,
            action="cases.evidence_add",
            target=ev,
            after={"case": locked.pk, "name": ev.name, "sm3": ev.sm3, "size": ev.size, "kind": kind},
        )
    return ev


def case_take_over(*, case: Case, by: Any, reason: str, to_unit: Unit | None = None) -> AccessGrant:
    """提级管辖 / 指定管辖: a superior takes the case over (to_unit None: its own unit handles it) or
    designates one of its units. Done with an AccessGrant on the case object, which
    org.jurisdiction ORs into every scope, so the handling unit's officers may see and act."""
    reason = str(reason or "").strip()[:180]
    if not reason:
        raise ValidationError({"reason": "请填写提级管辖的理由"})
    unit = by.unit
    if unit is None or unit.pk == case.unit_id or not case.unit.is_within(unit):
        raise Refused("只能提级管辖或指定管辖下级单位的案件", action="cases.take_over", target=case)
    authorize(by, "cases.take_over", case, action="cases.take_over")
    to_unit = to_unit or unit
    if not to_unit.is_within(unit):
        raise ValidationError({"to_unit": "只能指定本单位或下级单位承办"})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if State(locked.state) not in ACTIVE | {State.SUSPENDED}:
            raise ValidationError({"state": "案件已经办结，不能提级管辖"})
        grant = AccessGrant.objects.create(
            unit=to_unit,
            model_label="cases.case",
            object_id=locked.pk,
            can_write=True,
            reason=f"提级管辖：{reason}",
        )
        locked.handling_unit = to_unit
        locked.save(update_fields=["handling_unit"])
        audit_record(
            actor=by,
            action="cases.take_over",
            target=locked,
            reason=reason,
            after={"grant": grant.pk, "handling_unit": to_unit.pk},
        )
    return grant


def case_set_officers(*, case: Case, officers: Sequence[Any], by: Any) -> Case:
    """Change the handling officers (after a take-over, or a recusal): two with valid certificates."""
    authorize(by, "cases.act", case, action="cases.set_officers")
    if not by.has_role(Role.TEAM_LEADER, Role.BUREAU_HEAD):
        raise Refused("只有负责人可以调整承办人员", action="cases.set_officers", target=case)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        problems = _check_officers(locked.handling_unit or locked.unit, officers, timezone.localdate())
        if problems:
            raise ValidationError({"officers": problems})
        if State(locked.state) not in ACTIVE | {State.SUSPENDED, State.SUMMARY}:
            raise ValidationError({"state": "案件已经办结，不能调整承办人员"})
        before = case_snapshot(locked)
        locked.officers.all().delete()
        _assign(locked, officers)
        audit_record(
            actor=by, action="cases.set_officers", target=locked, before=before, after=case_snapshot(locked)
        )
    return locked
