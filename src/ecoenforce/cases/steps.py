"""What each step writes besides the state: its form data checked (`prepare`) and applied (`apply`).

`prepare(case, data, today)` cleans the step form's data (ValidationError in Chinese per field) and
returns it; the workflow requirements are checked against it; `apply(case, by, clean, today)` then
writes the step's own fields and returns what the timeline event keeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from ecoenforce.cases import paths, penalty_door
from ecoenforce.cases.case_services import assign_number, refresh_search
from ecoenforce.cases.models import Case, Hearing, LeadStatus, ProposalKind
from ecoenforce.org.models import User

Clean = dict[str, Any]


def _text(data: Mapping[str, Any], key: str, limit: int = 5000, *, required: str = "") -> str:
    value = str(data.get(key) or "").replace("\x00", "").strip()[:limit]
    if required and not value:
        raise ValidationError({key: required})
    return value


def _date(data: Mapping[str, Any], key: str, default: dt.date | None = None, *, label: str) -> dt.date:
    raw = data.get(key)
    if raw in (None, ""):
        if default is None:
            raise ValidationError({key: f"请填写{label}"})
        return default
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError({key: f"{label}格式应为 YYYY-MM-DD"}) from None


def _money(data: Mapping[str, Any], key: str, *, label: str, required: bool = True) -> Decimal | None:
    raw = data.get(key)
    if raw in (None, ""):
        if required:
            raise ValidationError({key: f"请填写{label}"})
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({key: f"{label}应为数字"}) from None
    if value < 0 or value > Decimal("1e11"):
        raise ValidationError({key: f"{label}超出合理范围"})
    return value


def _flags(data: Mapping[str, Any], key: str, allowed: Mapping[str, str]) -> list[str]:
    raw = data.get(key) or []
    values = [raw] if isinstance(raw, str) else list(raw)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValidationError({key: f"未知的选项：{'、'.join(map(str, bad))}"})
    return [str(v) for v in values]


# ------------------------------------------------------------------ filing and investigation


def apply_approve_filing(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    assign_number(case, today.year)
    refresh_search(case)  # the number is searchable from now on
    case.filed_on = today
    return {"number": case.number}


def apply_refuse_filing(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    if case.lead is not None:
        case.lead.status = LeadStatus.NOT_FILED
        case.lead.save(update_fields=["status"])
    return {}


def prepare_report(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
    kind = str(data.get("proposal_kind") or "")
    if kind not in ProposalKind.values:
        raise ValidationError({"proposal_kind": "请选择拟处理意见"})
    clean: Clean = {
        "proposal_kind": kind,
        "report": _text(data, "report", required="请填写调查终结报告（事实与证据）"),
    }
    clean["measures"] = _flags(data, "measures", {m: m for m in paths.hearing_measures()})
    clean["legal_grounds"] = _flags(data, "legal_grounds", paths.legal_grounds())
    clean["deliberation_grounds"] = _flags(data, "deliberation_grounds", paths.deliberation_grounds())
    clean["penalty_facts"] = data.get("penalty_facts") or {}
    if not isinstance(clean["penalty_facts"], dict):
        raise ValidationError({"penalty_facts": "裁量情节格式错误"})
    clean["amount_reason"] = _text(data, "amount_reason", 2000)
    clean["proposed_amount"] = _money(data, "proposed_amount", label="拟罚款金额", required=False)
    if kind == ProposalKind.PENALTY:
        item_code = str(data.get("item_code") or case.items.values_list("item_code", flat=True).first() or "")
        proposal = penalty_door.compute(
            unit=case.unit,
            item_code=item_code,
            act_date=case.act_date,
            act_end_date=case.act_end_date,
            decision_date=today,
            facts=clean["penalty_facts"],
        )
        clean["engine"] = proposal
        if clean["proposed_amount"] is None:
            clean["proposed_amount"] = proposal.amount
        if clean["proposed_amount"] != proposal.amount and not clean["amount_reason"]:
            raise ValidationError(
                {"amount_reason": "拟罚款金额与裁量计算结果不一致，须写明理由（并将经法制审核）"}
            )
    clean["proposed_amount_ok"] = kind != ProposalKind.PENALTY or clean["proposed_amount"] is not None
    return clean


def apply_report(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    case.proposal_kind, case.report, case.measures = (
        clean["proposal_kind"],
        clean["report"],
        clean["measures"],
    )
    case.amount_reason = clean["amount_reason"]
    engine = clean.get("engine")
    if engine is not None:
        case.proposed_amount, case.engine_amount = clean["proposed_amount"], engine.amount
        case.engine_result = {
            "result": engine.result,
            "derivation": engine.derivation,
            "applied_on": engine.applied_on.isoformat(),
            "rule_set_id": engine.rule_set_id,
        }
        case.penalty_facts = engine.facts
    else:
        case.proposed_amount = case.engine_amount = None
    amount = case.proposed_amount if case.proposal_kind == ProposalKind.PENALTY else None
    triggers = (
        paths.hearing_triggers(amount, case.measures) if case.proposal_kind == ProposalKind.PENALTY else []
    )
    case.hearing_eligible = bool(triggers)
    grounds = list(clean["legal_grounds"])
    if case.proposed_amount is not None and case.proposed_amount != case.engine_amount:
        grounds.append("amount_deviation")
    case.legal_review_grounds = grounds
    case.legal_review_mandatory = bool(grounds)
    delib = list(clean["deliberation_grounds"]) + (["special"] if case.is_special else [])
    case.deliberation_mandatory = bool(delib)
    return {
        "proposal_kind": case.proposal_kind,
        "proposed_amount": str(case.proposed_amount or ""),
        "engine_amount": str(case.engine_amount or ""),
        "hearing_triggers": triggers,
        "legal_grounds": grounds,
        "deliberation_grounds": delib,
    }


# ------------------------------------------------------------------ notice, statement, hearing


def prepare_close_statement(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
    return {
        "statement": _text(data, "statement", 5000),
        "statement_waived": bool(data.get("statement_waived")),
        "hearing_waived": bool(data.get("hearing_waived")),
    }


def apply_close_statement(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    case.statement_done = True
    case.hearing_waived = case.hearing_waived or clean["hearing_waived"]
    return {k: clean[k] for k in ("statement", "statement_waived", "hearing_waived")}


def prepare_request_hearing(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
    requested = _date(data, "requested_on", today, label="当事人提出听证申请的日期")
    if requested > today:
        raise ValidationError({"requested_on": "申请日期不能晚于今天"})
    return {"requested_on": requested}


def apply_request_hearing(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    Hearing.objects.update_or_create(case=case, defaults={"requested_on": clean["requested_on"]})
    # 《行政处罚法》第五十八条第一款第（二）项: a decision after a hearing goes through legal review
    case.legal_review_grounds = sorted({*case.legal_review_grounds, "hearing"})
    case.legal_review_mandatory = True
    return {"requested_on": clean["requested_on"].isoformat()}


def presiding_choices(case: Case) -> list[User]:
    """Who may preside: an active officer of the acting unit who is not one of the case's handlers
    (《行政处罚法》第六十四条第（四）项: 听证由行政机关指定的非本案调查人员主持)."""
    handlers = case.officers.values_list("officer_id", flat=True)
    return list(
        User.objects.filter(unit_id=case.handling_unit_id or case.unit_id, is_active=True)
        .exclude(pk__in=handlers)
        .order_by("username")
    )


def prepare_schedule_hearing(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
    hearing_date = _date(data, "hearing_date", label="听证日期")
    raw = data.get("presiding")
    pk = raw.pk if isinstance(raw, User) else str(raw or "").strip()
    if not pk:
        raise ValidationError({"presiding": "请选择听证主持人"})
    presiding = next((u for u in presiding_choices(case) if str(u.pk) == str(pk)), None)
    if presiding is None:
        raise ValidationError({"presiding": "听证主持人应为本机关指定的非本案调查人员，请从列表中选择"})
    return {"hearing_date": hearing_date, "presiding": presiding, "place": _text(data, "place", 200)}


def apply_schedule_hearing(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    Hearing.objects.filter(case=case).update(
        notice_on=today, hearing_date=clean["hearing_date"], presiding=clean["presiding"]
    )
    return {
        "hearing_date": clean["hearing_date"].isoformat(),
        "presiding": clean["presiding"].pk,
        "place": clean["place"],
    }


def prepare_hold_hearing(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
    hearing = getattr(case, "hearing", None)
    if hearing is None or hearing.hearing_date is None or today < hearing.hearing_date:
        raise ValidationError({"report": "未到通知的听证日期"})
    return {"report": _text(data, "report", required="请填写听证报告")}


def apply_hold_hearing(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    Hearing.objects.filter(case=case).update(held_on=today, report=clean["report"])
    case.statement_done = True
    return {"report": clean["report"]}
