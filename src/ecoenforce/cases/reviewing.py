"""即办即审 (instant review): check the file when a case asks to close.

Hard defects block closing; soft ones are listed for the reviewer. The checks follow the review
content of 《环境行政处罚案卷评查指南》(环办〔2012〕98号): 主体合法, 事实清楚, 证据充分, 适用法律正确,
程序合法, 文书规范, 执行到位 — as far as the platform can see them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from ecoenforce.cases import criminal, document_door, execution
from ecoenforce.cases.models import Case, Measure, MeasureKind, Procedure, ProposalKind, Publicity, Referral
from ecoenforce.catalog import selectors as catalog_selectors
from ecoenforce.org.roles import Role

SOURCE = "《环境行政处罚案卷评查指南》（环办〔2012〕98号）"
# Kinds of document (documents app) each path requires in the file, once documents is installed.
REQUIRED_DOCUMENTS = {
    "general": ("filing_approval", "advance_notice", "penalty_decision", "service_receipt"),
    "summary": ("penalty_decision",),
}
DOCUMENT_TITLES = {
    "filing_approval": "立案审批表",
    "advance_notice": "行政处罚事先告知书",
    "penalty_decision": "行政处罚决定书",
    "service_receipt": "送达回证",
}


@dataclass
class Review:
    hard: list[str] = field(default_factory=list)
    soft: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"hard": self.hard, "soft": self.soft, "source": [SOURCE]}


def _event_roles(case: Case, action: str) -> list[set[str]]:
    return [
        set(e.actor.role_codes) if e.actor else set()
        for e in case.events.filter(action=action).select_related("actor")
    ]


def _check_people(case: Case, r: Review) -> None:
    valid = [
        co
        for co in case.officers.select_related("officer")
        if any(c.number == co.certificate_number for c in co.officer.certificates.all())
    ]
    if len(valid) < 2:
        r.hard.append("承办人员不足两人或执法证件信息不符（《行政处罚法》第四十二条）")
    filed = _event_roles(case, "approve_filing")
    if case.procedure == Procedure.GENERAL and not any(
        s & {Role.TEAM_LEADER, Role.BUREAU_HEAD} for s in filed
    ):
        r.hard.append("没有负责人批准立案的记录")
    decided = _event_roles(case, "decide")
    if case.procedure == Procedure.GENERAL and not any(Role.BUREAU_HEAD in s for s in decided):
        r.hard.append("处理决定不是由行政机关负责人作出（《行政处罚法》第五十七条）")


def _check_law(case: Case, r: Review) -> None:
    codes = set(case.items.values_list("item_code", flat=True))
    if not codes <= catalog_selectors.effective_catalog(case.unit, case.act_date).codes():
        r.hard.append("执法事项不在违法行为发生时有效的执法事项清单中（适用法律错误）")
    if (
        case.decision_kind == ProposalKind.PENALTY
        and case.engine_amount is not None
        and case.decided_amount != case.engine_amount
        and not case.amount_reason.strip()
    ):
        r.hard.append("决定金额与裁量计算结果不一致且未记录理由")
    if case.legal_review_mandatory and not case.legal_review_passed:
        r.hard.append("应当法制审核而未经审核（《行政处罚法》第五十八条）")


def _check_procedure(case: Case, r: Review) -> None:
    penalty = case.decision_kind == ProposalKind.PENALTY
    if (
        case.procedure == Procedure.GENERAL
        and penalty
        and not case.events.filter(action="send_notice").exists()
    ):
        r.hard.append("作出行政处罚决定前未告知当事人（《行政处罚法》第四十四条、第六十二条）")
    if case.decided_on and not case.served_on:
        r.hard.append("没有送达记录")
    if case.referral_mandatory and not Referral.objects.filter(case=case).exists():
        r.hard.append("依法应当移送公安机关而无移送记录")
    if case.criminal_flags and not criminal.referred(case):
        met = "；".join(f["text"] for f in case.criminal_flags)
        r.soft.append(
            f"案件事实达到涉嫌环境污染犯罪的标准（{met}），尚无移送公安机关的记录"
            f"（{case.criminal_flags[0]['source']}）"
        )
    if Measure.objects.filter(
        case=case, kind__in=[MeasureKind.SEAL, MeasureKind.SEIZE], released_on__isnull=True
    ).exists():
        r.hard.append("尚有未解除的查封、扣押措施")
    extended = case.decision_extended
    for d in case.deadlines.all():
        late = (d.done_on or timezone.localdate()) > d.due_on
        if not late:
            continue
        if d.clock == "decision" and not extended:
            r.hard.append(f"「{d.label}」已逾期且没有批准延长的记录（{d.source}）")
        elif d.clock not in ("decision", "triage", "payment", "hearing_request", "statement"):
            r.soft.append(f"「{d.label}」逾期完成（期限 {d.due_on}，{d.source}）")


def _check_execution(case: Case, r: Review, today: dt.date) -> None:
    if not execution.balance(case, today).settled:
        r.hard.append("罚款或加处罚款尚未缴清")
    if case.decision_kind == ProposalKind.PENALTY and not Publicity.objects.filter(case=case).exists():
        r.soft.append("处罚决定尚未公开（《行政处罚法》第四十八条：具有一定社会影响的应当公开）")
    if case.evidence.count() < 2 and case.procedure == Procedure.GENERAL:
        r.soft.append("证据材料少于两份，请核对证据是否充分")


def _check_documents(case: Case, r: Review) -> None:
    if not document_door.available():
        return
    kinds = {d.kind for d in document_door.documents_of(case) if d.revoked_at is None}
    needed = REQUIRED_DOCUMENTS["summary" if case.procedure == Procedure.SUMMARY else "general"]
    if case.decision_kind != ProposalKind.PENALTY:
        needed = tuple(k for k in needed if k not in ("advance_notice", "penalty_decision"))
    missing = [k for k in needed if k not in kinds]
    if missing:
        r.hard.append(f"案卷缺少文书：{'、'.join(DOCUMENT_TITLES.get(k, k) for k in missing)}")


def instant_review(case: Case, today: dt.date | None = None) -> Review:
    today = today or timezone.localdate()
    r = Review()
    _check_people(case, r)
    _check_law(case, r)
    _check_procedure(case, r)
    _check_execution(case, r, today)
    _check_documents(case, r)
    return r
