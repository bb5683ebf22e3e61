"""Steps from legal review to archiving, suspension and the summary procedure; the step registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from ecoenforce.audit.chain import canonical_json, sm3_hex
from ecoenforce.cases import clocks, document_door, penalty_door, steps
from ecoenforce.cases.models import Case, ProposalKind
from ecoenforce.cases.reviewing import instant_review
from ecoenforce.cases.steps import Clean, _date, _money, _text
from ecoenforce.cases.workflow import SUSPEND_GROUNDS, TERMINATE_GROUNDS

DECISION_TO_ENGINE = {ProposalKind.PENALTY: "fine", ProposalKind.NO_PENALTY: "no_penalty"}


def prepare_opinion(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
    return {"opinion": _text(data, "opinion", required="请填写审核意见")}


def apply_legal_review(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    case.legal_review_passed = True
    return clean


def prepare_deliberate(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
    raw = data.get("participants") or ""
    people = [p.strip() for p in (raw.split("、") if isinstance(raw, str) else raw) if str(p).strip()]
    if len(people) < 3:
        raise ValidationError({"participants": "集体讨论的参加人员不少于三人"})
    return {"participants": people[:30], "conclusion": _text(data, "conclusion", required="请填写讨论结论")}


def prepare_decide(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
    kind = str(data.get("decision_kind") or case.proposal_kind or "")
    if kind not in ProposalKind.values:
        raise ValidationError({"decision_kind": "请选择决定"})
    amount = _money(data, "amount", label="罚款金额", required=False)
    if kind == ProposalKind.PENALTY and amount is None:
        amount = case.proposed_amount
    if kind != ProposalKind.PENALTY:
        amount = None
    reason = _text(data, "amount_reason", 2000) or (
        case.amount_reason if amount == case.proposed_amount else ""
    )
    return {"decision_kind": kind, "amount": amount, "reason": reason}


def apply_decide(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    case.decision_kind, case.decided_amount, case.decided_on = clean["decision_kind"], clean["amount"], today
    if clean["reason"]:
        case.amount_reason = clean["reason"]
    engine_decision = DECISION_TO_ENGINE.get(clean["decision_kind"])
    item = case.items.values_list("item_code", flat=True).first()
    if engine_decision and item and case.penalty_facts is not None and case.engine_amount is not None:
        penalty_door.record_decision(
            by=by,
            unit=case.unit,
            officer=case.officers.get(is_lead=True).officer,
            item_code=item,
            facts=case.penalty_facts,
            amount=clean["amount"] or Decimal("0"),
            decision=engine_decision,
            reason=case.amount_reason,
            decided_on=today,
            case_id=case.pk,
            act_date=case.act_date,
            act_end_date=case.act_end_date,
            grade=(case.engine_result.get("result") or {}).get("grade"),
            entity=case.entity,
        )
    return {
        "decision_kind": clean["decision_kind"],
        "amount": str(clean["amount"] or ""),
        "reason": clean["reason"],
    }


def prepare_serve(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
    served = _date(data, "served_on", today, label="送达日期")
    if served > today or (case.decided_on and served < case.decided_on):
        raise ValidationError({"served_on": "送达日期应在决定日期与今天之间"})
    method = _text(data, "method", 40) or "直接送达"
    return {"served_on": served, "method": method}


def apply_serve(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    case.served_on = clean["served_on"]
    return {"served_on": clean["served_on"].isoformat(), "method": clean["method"]}


def apply_close(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    review = instant_review(case, today)
    case.review_findings, case.closed_on = review.as_dict(), today
    return {"soft": review.soft}


def apply_archive(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    """Freeze the file: the case file (documents) or, without it, a manifest of the evidence digests."""
    casefile = document_door.build_casefile(case=case, by=by)
    if casefile is not None:
        digest = casefile.manifest_sm3
    else:
        manifest = [{"name": e.name, "sm3": e.sm3, "size": e.size} for e in case.evidence.order_by("id")]
        digest = sm3_hex(canonical_json({"case": case.number, "evidence": manifest}).encode())
    case.manifest_digest, case.archived_on = digest, today
    return {"manifest_sm3": digest}


def prepare_grounds(grounds: tuple[str, ...]) -> Callable[[Case, Mapping[str, Any], dt.date], Clean]:
    def prepare(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
        ground = str(data.get("ground") or "")
        if ground not in grounds:
            raise ValidationError({"ground": "请选择法定情形"})
        return {"ground": ground}

    return prepare


def apply_suspend(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    case.resume_state = case.state
    clocks.pause_all(case, today)
    return clean


def apply_resume(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    clocks.resume_all(case, today)
    target = case.resume_state
    case.resume_state = ""
    return {"resume_to": target}


def apply_terminate(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    case.deadlines.filter(done_on__isnull=True).update(done_on=today)
    return clean


def apply_extend(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    current = clocks.running(case, "decision")
    case.decision_extended = True
    start = current.due_on if current else today
    clocks.stop(case, "decision", today)
    extension = clocks.start(case, "decision_extension", start)
    return {"new_due": extension.due_on.isoformat()}


def prepare_on_spot(case: Case, data: Mapping[str, Any], today: dt.date) -> Clean:
    return {
        "amount": _money(data, "amount", label="罚款金额"),
        "facts": _text(data, "facts", required="请填写违法事实"),
    }


def apply_on_spot(case: Case, by: Any, clean: Clean, today: dt.date) -> Clean:
    case.decision_kind, case.decided_amount = ProposalKind.PENALTY, clean["amount"]
    case.proposal_kind, case.proposed_amount, case.report = (
        ProposalKind.PENALTY,
        clean["amount"],
        clean["facts"],
    )
    case.decided_on = case.served_on = today
    return {"amount": str(clean["amount"]), "facts": clean["facts"]}


Prepare = Callable[[Case, Mapping[str, Any], dt.date], Clean]
Apply = Callable[[Case, Any, Clean, dt.date], Clean]
STEPS: dict[str, tuple[Prepare | None, Apply | None]] = {
    "approve_filing": (None, steps.apply_approve_filing),
    "refuse_filing": (None, steps.apply_refuse_filing),
    "submit_report": (steps.prepare_report, steps.apply_report),
    "close_statement": (steps.prepare_close_statement, steps.apply_close_statement),
    "request_hearing": (steps.prepare_request_hearing, steps.apply_request_hearing),
    "schedule_hearing": (steps.prepare_schedule_hearing, steps.apply_schedule_hearing),
    "hold_hearing": (steps.prepare_hold_hearing, steps.apply_hold_hearing),
    "pass_legal_review": (prepare_opinion, apply_legal_review),
    "deliberate": (prepare_deliberate, None),
    "decide": (prepare_decide, apply_decide),
    "serve": (prepare_serve, apply_serve),
    "close": (None, apply_close),
    "archive": (None, apply_archive),
    "extend_decision": (None, apply_extend),
    "suspend": (prepare_grounds(SUSPEND_GROUNDS), apply_suspend),
    "resume": (None, apply_resume),
    "terminate": (prepare_grounds(TERMINATE_GROUNDS), apply_terminate),
    "decide_on_spot": (prepare_on_spot, apply_on_spot),
}
