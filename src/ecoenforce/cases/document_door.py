"""The one door from cases into the documents app (DOCX/PDF, verification codes, the case file).

While `ecoenforce.documents` is not installed every call does nothing and returns None (or an
empty list), so the procedure runs without it; nothing else in `cases` imports documents.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

SUBJECT_TYPE = "cases.case"


def available() -> bool:
    return apps.is_installed("ecoenforce.documents")


def issue(*, kind: str, context: dict[str, Any], case: Any, by: Any, key: str = "") -> Any | None:
    """Issue a document of `kind` for the case (idempotent on `key`); None without documents."""
    if not available():
        return None
    from ecoenforce.documents.services import document_issue

    return document_issue(
        kind=kind,
        context=context,
        unit=case.handling_unit or case.unit,
        by=by,
        subject_type=SUBJECT_TYPE,
        subject_id=case.pk,
        idempotency_key=key,
    )


def documents_of(case: Any) -> list[Any]:
    if not available():
        return []
    from ecoenforce.documents.models import IssuedDocument

    return list(
        IssuedDocument.objects.filter(subject_type=SUBJECT_TYPE, subject_id=str(case.pk)).order_by(
            "issued_at", "pk"
        )
    )


def build_casefile(*, case: Any, by: Any) -> Any | None:
    """Bind the case file (卷内目录, page numbers, manifest); None without documents or documents."""
    docs = [d for d in documents_of(case) if d.revoked_at is None]
    if not docs:
        return None
    from ecoenforce.documents.services import casefile_build, casefile_freeze

    casefile = casefile_build(
        documents=docs,
        title=f"{case.number} {case.title}"[:200],
        unit=case.handling_unit or case.unit,
        by=by,
        subject_type=SUBJECT_TYPE,
        subject_id=case.pk,
    )
    return casefile_freeze(casefile=casefile, by=by)  # archiving freezes the file


# Which document a step issues (documents app kinds, data/kinds.yaml there); filled by `context_for`.
STEP_DOCUMENTS: dict[str, str] = {
    "approve_filing": "filing_approval",
    "send_notice": "advance_notice",
    "schedule_hearing": "hearing_notice",
    "decide": "penalty_decision",
    "serve": "service_receipt",
    "close": "closing_approval",
}
RECONSIDERATION = "本级人民政府或者上一级生态环境主管部门"
COURT = "有管辖权的人民法院"
# 《行政处罚法》第六十七条第三款 (15 days), 第七十二条 (3 % a day)
PAYMENT_ROUTE = "自收到本决定书之日起十五日内缴至指定银行；到期不缴纳的，每日按罚款数额的百分之三加处罚款"


def on_step(*, case: Any, action: str, by: Any, key: str | None) -> Any | None:
    """Issue the document that goes with a step, when the documents app is installed."""
    kind = STEP_DOCUMENTS.get(action)
    if kind is None or not available():
        return None
    if kind == "penalty_decision" and case.decision_kind != "penalty":
        return None
    return issue(
        kind=kind,
        context=context_for(case, kind),
        case=case,
        by=by,
        key=f"case-{case.pk}-{action}-{key or case.events.count()}",
    )


def _common(case: Any) -> dict[str, Any]:
    e = case.entity
    officers = "、".join(
        f"{o.officer.display_name}（{o.certificate_number}）" for o in case.officers.select_related("officer")
    )
    basis = "；".join(f"{b.get('text', '')}" for i in case.items.all() for b in i.legal_basis)[:4000] or "—"
    evidence = [
        f"{ev.get_kind_display()}：{ev.name}（SM3 {ev.sm3[:16]}…）" for ev in case.evidence.all()
    ] or ["—"]
    return {
        "doc_number": case.number or "（待立案）",
        "party_name": e.name,
        "party_id": e.uscc,
        "legal_representative": e.legal_representative,
        "party_address": e.address,
        "officers": officers,
        "facts": case.report or case.title,
        "legal_basis": basis,
        "evidence": evidence,
    }


def _hearing(case: Any) -> dict[str, Any]:
    from ecoenforce.cases.models import Hearing

    h = Hearing.objects.filter(case=case).select_related("presiding").first()  # fresh: just scheduled
    return {
        "case_name": case.title,
        "hearing_time": str(h.hearing_date if h and h.hearing_date else "—"),
        "hearing_place": case.unit.name,
        "hearing_form": "公开",
        "presiding_officer": str(h.presiding if h and h.presiding else "—"),
        "contact": case.unit.name,
    }


def context_for(case: Any, kind: str) -> dict[str, Any]:
    c = _common(case)
    amount = f"{case.decided_amount or case.proposed_amount or 0} 元"
    by_kind: dict[str, dict[str, Any]] = {
        "filing_approval": {
            "case_source": case.lead.source_label if case.lead else "执法人员自行发现",
            "case_summary": case.title,
            "handler_opinion": "建议立案调查",
            "leader_opinion": "同意立案",
        },
        "advance_notice": {
            "proposed_penalty": f"拟处罚款 {amount}",
            "hearing_right": "你（单位）有权在收到本告知书之日起五日内要求听证"
            if case.hearing_eligible
            else "",
            "contact": case.unit.name,
        },
        "hearing_notice": _hearing(case),
        "penalty_decision": {
            "discretion": list((case.engine_result or {}).get("derivation") or ["—"]),
            "penalty_content": f"罚款 {amount}",
            "amount": amount,
            "payment_route": PAYMENT_ROUTE,
            "reconsideration_body": RECONSIDERATION,
            "court": COURT,
        },
        "service_receipt": {
            "document_title": "行政处罚决定书",
            "document_number": case.number,
            "recipient": case.entity.name,
            "service_place": case.entity.address or "—",
            "service_method": "直接送达",
            "servers": c["officers"],
        },
        "closing_approval": {
            "case_number": case.number,
            "decision_summary": case.get_decision_kind_display() or "—",
            "execution": "已执行完毕",
            "handler_opinion": "建议结案",
            "leader_opinion": "同意结案",
        },
    }
    return c | by_kind.get(kind, {})
