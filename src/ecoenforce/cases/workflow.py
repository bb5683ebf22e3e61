"""The case procedure as data — pure (no Django), checked by mypy --strict.

A table of states and actions: for each action, the states it may be taken from, the state it
leads to (None: the case stays where it is), who may take it, what must hold first
(requirements, each with its Chinese refusal and its legal source), and which statutory clocks it
starts and stops. `case_transition` (transitions.py) locks the case, computes the requirement
facts, asks `check` and then writes. Tests walk every state × action from this table.

Roles here are the platform's roles plus two relations to the case: "handler" (an officer assigned
to the case with a valid certificate) and "presiding" (the hearing's presiding officer, who must not
be a handler — 《行政处罚法》第六十四条第（四）项).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class State(StrEnum):
    PENDING_FILING = "pending_filing"
    INVESTIGATING = "investigating"
    INVESTIGATED = "investigated"
    REVIEWED = "reviewed"
    NOTIFIED = "notified"
    HEARING_REQUESTED = "hearing_requested"
    HEARING_SCHEDULED = "hearing_scheduled"
    LEGAL_REVIEW = "legal_review"
    DELIBERATION = "deliberation"
    PENDING_DECISION = "pending_decision"
    DECIDED = "decided"
    SERVED = "served"
    COURT_ENFORCEMENT = "court_enforcement"
    EXECUTED = "executed"
    CLOSED = "closed"
    ARCHIVED = "archived"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    NOT_FILED = "not_filed"
    SUMMARY = "summary"


STATE_LABELS: Mapping[State, str] = {
    State.PENDING_FILING: "待立案审批",
    State.INVESTIGATING: "调查取证",
    State.INVESTIGATED: "调查终结，待案件审查",
    State.REVIEWED: "案件审查完毕，待告知",
    State.NOTIFIED: "已事先告知，陈述申辩期",
    State.HEARING_REQUESTED: "当事人已要求听证",
    State.HEARING_SCHEDULED: "已通知听证",
    State.LEGAL_REVIEW: "待法制审核",
    State.DELIBERATION: "待集体讨论",
    State.PENDING_DECISION: "待作出决定",
    State.DECIDED: "已作出决定，待送达",
    State.SERVED: "已送达，执行中",
    State.COURT_ENFORCEMENT: "已申请法院强制执行",
    State.EXECUTED: "执行完毕，待结案",
    State.CLOSED: "已结案，待归档",
    State.ARCHIVED: "已归档",
    State.SUSPENDED: "已中止",
    State.TERMINATED: "已终止",
    State.NOT_FILED: "不予立案",
    State.SUMMARY: "简易程序（当场处罚）",
}

# States in which the case is still being handled (suspension and termination apply to them).
ACTIVE: frozenset[State] = frozenset(
    {
        State.PENDING_FILING,
        State.INVESTIGATING,
        State.INVESTIGATED,
        State.REVIEWED,
        State.NOTIFIED,
        State.HEARING_REQUESTED,
        State.HEARING_SCHEDULED,
        State.LEGAL_REVIEW,
        State.DELIBERATION,
        State.PENDING_DECISION,
    }
)
FINAL: frozenset[State] = frozenset({State.ARCHIVED, State.TERMINATED, State.NOT_FILED})


@dataclass(frozen=True)
class Requirement:
    code: str
    message: str  # the refusal, in Chinese, when it does not hold
    source: str = ""


R = Requirement
REQUIREMENTS: Mapping[str, Requirement] = {
    r.code: r
    for r in (
        R("two_certified_officers", "承办人员不少于两人且均持有有效执法证件", "《行政处罚法》第四十二条"),
        R(
            "items_in_catalog",
            "案件的执法事项须在违法行为发生时本单位有效的执法事项清单中",
            "《行政处罚法》第四条、第三十四条",
        ),
        R("has_evidence", "尚无证据材料，不能终结调查", "《行政处罚法》第五十四条、第五十五条"),
        R(
            "has_proposal",
            "调查终结报告须载明拟处理意见（处罚、不予处罚、违法事实不成立或移送）",
            "《生态环境行政处罚办法》（生态环境部令第30号）",
        ),
        R("proposal_is_penalty", "拟处理意见不是行政处罚，无须事先告知", "《行政处罚法》第四十四条"),
        R(
            "proposal_not_penalty",
            "拟给予行政处罚的，须先告知当事人拟作出的处罚内容及其陈述、申辩权",
            "《行政处罚法》第四十四条、第六十二条",
        ),
        R("hearing_eligible", "拟作出的处罚不属于应当告知听证权利的情形", "《行政处罚法》第六十三条"),
        R("hearing_window_open", "要求听证的期限已过", "《行政处罚法》第六十四条第（一）项"),
        R(
            "statement_period_over",
            "陈述、申辩期限未满且当事人未放弃陈述申辩",
            "《行政处罚法》第四十五条、第六十二条",
        ),
        R(
            "hearing_window_closed",
            "当事人要求听证的期限未满，且未放弃听证",
            "《行政处罚法》第六十四条第（一）项",
        ),
        R(
            "hearing_notice_in_time",
            "听证日期须在通知当事人之后至少七个工作日",
            "《行政处罚法》第六十四条第（二）项、第八十五条",
        ),
        R("presiding_not_handler", "听证主持人须为非本案调查人员", "《行政处罚法》第六十四条第（四）项"),
        R(
            "legal_review_not_mandatory",
            "本案属于应当进行法制审核的情形，不得跳过",
            "《行政处罚法》第五十八条",
        ),
        R(
            "deliberation_not_mandatory",
            "本案情节复杂或属重大违法行为，应当集体讨论决定",
            "《行政处罚法》第五十七条第二款",
        ),
        R("legal_review_passed", "未经法制审核或审核未通过的，不得作出决定", "《行政处罚法》第五十八条"),
        R("decision_in_time", "已超过作出处罚决定的期限且未经批准延长", "《行政处罚法》第六十条"),
        R(
            "amount_consistent_or_reviewed",
            "决定金额与裁量计算结果不一致，须记录理由并经法制审核",
            "《行政处罚法》第三十四条；《生态环境行政处罚办法》",
        ),
        R("fully_paid_or_no_fine", "罚款及加处罚款尚未缴清", "《行政处罚法》第六十七条、第七十二条"),
        R("payment_overdue", "缴款期限未届满，不能申请强制执行", "《行政强制法》第五十三条、第五十四条"),
        R("reminder_expired", "催告书送达后十日履行期未满", "《行政强制法》第五十四条"),
        R("no_open_measures", "尚有未解除的查封、扣押措施", "《行政强制法》第二十五条、第二十八条"),
        R("referral_done", "本案事项依法应当移送公安机关，尚无移送记录", "《生态环境法典》法律责任编"),
        R(
            "instant_review_clean",
            "即办即审发现须纠正的问题，不能结案",
            "《环境行政处罚案卷评查指南》（环办〔2012〕98号）",
        ),
        R(
            "summary_amount_ok",
            "当场处罚仅限对公民二百元以下、对法人或其他组织三千元以下罚款或警告",
            "《行政处罚法》第五十一条",
        ),
        R(
            "extension_not_used",
            "处罚决定期限已经延长过一次",
            "《生态环境行政处罚办法》（生态环境部令第30号）",
        ),
    )
}


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    sources: frozenset[State]
    target: State | None
    roles: frozenset[str]
    requires: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    needs_reason: bool = False
    form: tuple[str, ...] = field(default_factory=tuple)  # fields the step form asks for


S = State
HANDLER, LEADER, HEAD, LEGAL, PRESIDING = (
    "handler",
    "team_leader",
    "bureau_head",
    "legal_reviewer",
    "presiding",
)
APPROVERS = frozenset({LEADER, HEAD})
_REVIEW_STATES = frozenset({S.INVESTIGATED, S.REVIEWED, S.LEGAL_REVIEW, S.DELIBERATION, S.PENDING_DECISION})
_DEADLINE_STATES = ACTIVE - {S.PENDING_FILING}


def _a(
    code: str,
    label: str,
    sources: frozenset[State] | set[State],
    target: State | None,
    roles: frozenset[str] | set[str],
    **kw: object,
) -> Action:
    return Action(code, label, frozenset(sources), target, frozenset(roles), **kw)  # type: ignore[arg-type]


ACTIONS: Mapping[str, Action] = {
    a.code: a
    for a in (
        _a(
            "approve_filing",
            "批准立案",
            {S.PENDING_FILING},
            S.INVESTIGATING,
            APPROVERS,
            requires=("two_certified_officers", "items_in_catalog"),
            starts=("decision",),
            stops=("triage",),
        ),
        _a(
            "refuse_filing",
            "不予立案",
            {S.PENDING_FILING},
            S.NOT_FILED,
            APPROVERS,
            stops=("triage",),
            needs_reason=True,
        ),
        _a(
            "submit_report",
            "提交调查终结报告",
            {S.INVESTIGATING},
            S.INVESTIGATED,
            {HANDLER},
            requires=("two_certified_officers", "has_evidence", "has_proposal"),
            form=("proposal", "report"),
        ),
        _a(
            "return_investigation",
            "退回补充调查",
            _REVIEW_STATES | {S.NOTIFIED},
            S.INVESTIGATING,
            APPROVERS | {LEGAL},
            needs_reason=True,
        ),
        _a(
            "review_case",
            "案件审查通过",
            {S.INVESTIGATED},
            S.REVIEWED,
            APPROVERS,
            requires=("has_proposal", "items_in_catalog"),
        ),
        _a(
            "send_notice",
            "送达事先告知书",
            {S.REVIEWED},
            S.NOTIFIED,
            {HANDLER},
            requires=("proposal_is_penalty", "decision_in_time"),
            starts=("statement", "hearing_request"),
        ),
        _a(
            "skip_notice",
            "无须告知，转入审核",
            {S.REVIEWED},
            S.LEGAL_REVIEW,
            {HANDLER},
            requires=("proposal_not_penalty",),
        ),
        _a(
            "request_hearing",
            "登记当事人听证申请",
            {S.NOTIFIED},
            S.HEARING_REQUESTED,
            {HANDLER},
            requires=("hearing_eligible", "hearing_window_open"),
            stops=("hearing_request",),
        ),
        _a(
            "schedule_hearing",
            "送达听证通知书",
            {S.HEARING_REQUESTED},
            S.HEARING_SCHEDULED,
            APPROVERS,
            requires=("hearing_notice_in_time", "presiding_not_handler"),
            form=("hearing_date", "presiding"),
        ),
        _a(
            "hold_hearing",
            "举行听证并形成听证报告",
            {S.HEARING_SCHEDULED},
            S.LEGAL_REVIEW,
            {PRESIDING},
            requires=("presiding_not_handler",),
            form=("report",),
        ),
        _a(
            "close_statement",
            "陈述申辩期结束，转入审核",
            {S.NOTIFIED},
            S.LEGAL_REVIEW,
            {HANDLER},
            requires=("statement_period_over", "hearing_window_closed"),
            stops=("statement", "hearing_request"),
        ),
        _a("pass_legal_review", "法制审核通过", {S.LEGAL_REVIEW}, S.DELIBERATION, {LEGAL}, form=("opinion",)),
        _a(
            "skip_legal_review",
            "不属于法制审核情形",
            {S.LEGAL_REVIEW},
            S.DELIBERATION,
            APPROVERS,
            requires=("legal_review_not_mandatory",),
            needs_reason=True,
        ),
        _a(
            "deliberate",
            "集体讨论决定",
            {S.DELIBERATION},
            S.PENDING_DECISION,
            {HEAD},
            form=("participants", "conclusion"),
        ),
        _a(
            "skip_deliberation",
            "不属于集体讨论情形",
            {S.DELIBERATION},
            S.PENDING_DECISION,
            {HEAD},
            requires=("deliberation_not_mandatory",),
            needs_reason=True,
        ),
        _a(
            "decide",
            "作出决定",
            {S.PENDING_DECISION},
            S.DECIDED,
            {HEAD},
            requires=("legal_review_passed", "decision_in_time", "amount_consistent_or_reviewed"),
            stops=("decision",),
            starts=("service",),
            form=("decision_kind", "amount", "reason"),
        ),
        _a(
            "serve",
            "送达决定书",
            {S.DECIDED},
            S.SERVED,
            {HANDLER},
            stops=("service",),
            starts=("payment", "publicity"),
            form=("served_on", "method"),
        ),
        _a(
            "finish_execution",
            "执行完毕",
            {S.SERVED, S.COURT_ENFORCEMENT},
            S.EXECUTED,
            {HANDLER} | APPROVERS,
            requires=("fully_paid_or_no_fine",),
            stops=("payment", "court_application"),
        ),
        _a(
            "send_reminder",
            "送达催告书",
            {S.SERVED},
            None,
            {HANDLER},
            requires=("payment_overdue",),
            starts=("reminder", "court_application"),
        ),
        _a(
            "apply_court",
            "申请人民法院强制执行",
            {S.SERVED},
            S.COURT_ENFORCEMENT,
            {HEAD},
            requires=("payment_overdue", "reminder_expired"),
            stops=("court_application",),
        ),
        _a(
            "close",
            "结案（即办即审）",
            {S.EXECUTED},
            S.CLOSED,
            APPROVERS,
            requires=("no_open_measures", "referral_done", "instant_review_clean"),
        ),
        _a("archive", "归档", {S.CLOSED}, S.ARCHIVED, APPROVERS),
        _a(
            "extend_decision",
            "批准延长办案期限",
            _DEADLINE_STATES,
            None,
            {HEAD},
            requires=("extension_not_used",),
            needs_reason=True,
            starts=("decision_extension",),
        ),
        _a("suspend", "中止案件调查", ACTIVE, S.SUSPENDED, {HEAD}, needs_reason=True),
        _a("resume", "恢复案件调查", {S.SUSPENDED}, None, {HEAD}, needs_reason=True),
        _a("terminate", "终止案件调查", ACTIVE | {S.SUSPENDED}, S.TERMINATED, {HEAD}, needs_reason=True),
        # 简易程序 (《行政处罚法》第五十一条、第五十二条): decided and served on the spot.
        _a(
            "decide_on_spot",
            "当场作出处罚决定并交付",
            {S.SUMMARY},
            S.SERVED,
            {HANDLER},
            requires=("two_certified_officers", "items_in_catalog", "summary_amount_ok"),
            starts=("payment",),
            form=("amount",),
        ),
    )
}
assert all(r in REQUIREMENTS for a in ACTIONS.values() for r in a.requires)

# Grounds for 中止 / 终止 (《生态环境行政处罚办法》第三十五条、第三十六条, per enforcement-rules.md [S]).
SUSPEND_GROUNDS = (
    "当事人因不可抗力或者其他特殊情况无法配合调查",
    "需要等待鉴定、检测、评估结果或者其他机关的认定",
    "案件涉及法律适用等问题，需要送请有权机关作出解释或者确认",
    "其他依法应当中止调查的情形",
)
TERMINATE_GROUNDS = (
    "涉嫌违法的公民死亡或者法人、其他组织终止，无权利义务承受人",
    "违法事实不成立或者超过追责时效",
    "移送其他行政机关或者司法机关处理",
    "其他依法应当终止调查的情形",
)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[str, ...] = ()
    target: State | None = None

    @property
    def message(self) -> str:
        return "；".join(self.reasons)


def check(state: State, action_code: str, roles: frozenset[str], facts: Mapping[str, bool]) -> Verdict:
    """May an actor with `roles` take `action_code` on a case in `state`, given the requirement facts?

    Order of refusals: unknown action, wrong state, wrong role, then every unmet requirement.
    A requirement missing from `facts` counts as unmet (fail closed)."""
    action = ACTIONS.get(action_code)
    if action is None:
        return Verdict(False, ("未知的办案步骤",))
    if state not in action.sources:
        return Verdict(False, (f"案件处于「{STATE_LABELS[state]}」阶段，不能「{action.label}」",))
    if not roles & action.roles:
        return Verdict(False, (f"您在本案中的身份不能「{action.label}」",))
    unmet = tuple(REQUIREMENTS[r].message for r in action.requires if not facts.get(r, False))
    if unmet:
        return Verdict(False, unmet)
    return Verdict(True, (), action.target)


def actions_from(state: State) -> list[Action]:
    return [a for a in ACTIONS.values() if state in a.sources]


def available(state: State, roles: frozenset[str]) -> list[Action]:
    """Actions an actor could take now, requirements aside (the buttons of the case page)."""
    return [a for a in actions_from(state) if roles & a.roles]
