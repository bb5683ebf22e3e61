"""The requirement facts the workflow table asks about, computed from the case (and a step's form data).

Each function answers one requirement code of workflow.REQUIREMENTS; `facts_for` answers them all.
A step's own data (the hearing date it sets, the amount it decides) is passed as `data` so the
check sees the state the step would create.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from ecoenforce.cases import clocks, deadlines, execution
from ecoenforce.cases.case_services import has_valid_certificate
from ecoenforce.cases.daycount import DayKind, Period, add_period
from ecoenforce.cases.models import Case, Measure, MeasureKind, ProposalKind, Referral
from ecoenforce.catalog import selectors as catalog_selectors

Fact = Callable[[Case, Mapping[str, Any], dt.date], bool]


def _amount(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def two_certified_officers(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    officers = [co.officer for co in case.officers.select_related("officer")]
    return sum(1 for o in officers if has_valid_certificate(o, today)) >= 2


def items_in_catalog(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    codes = set(case.items.values_list("item_code", flat=True))
    return bool(codes) and codes <= catalog_selectors.effective_catalog(case.unit, case.act_date).codes()


def has_evidence(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    return case.evidence.exists()


def has_proposal(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    kind = data.get("proposal_kind", case.proposal_kind)
    if kind not in ProposalKind.values:
        return False
    return kind != ProposalKind.PENALTY or bool(
        data.get("proposed_amount_ok", case.proposed_amount is not None)
    )


def _clock_open(case: Case, code: str, on: dt.date) -> bool:
    d = clocks.running(case, code)
    return d is not None and on <= d.due_on


def _clock_expired(case: Case, code: str, today: dt.date) -> bool:
    d = case.deadlines.filter(clock=code).order_by("-id").first()
    return d is not None and today > d.due_on


def hearing_window_open(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    return _clock_open(case, "hearing_request", data.get("requested_on") or today)


def statement_period_over(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    return (
        case.statement_done or bool(data.get("statement_waived")) or _clock_expired(case, "statement", today)
    )


def hearing_window_closed(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    if not case.hearing_eligible or case.hearing_waived or data.get("hearing_waived"):
        return True
    return _clock_expired(case, "hearing_request", today)


def hearing_notice_in_time(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    hearing_date = data.get("hearing_date")
    if not isinstance(hearing_date, dt.date):
        return False
    c = deadlines.clock("hearing_notice")
    earliest = add_period(today, Period(c.count(), DayKind(c.kind)), deadlines.is_workday)
    return hearing_date >= earliest


def presiding_not_handler(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    presiding = data.get("presiding")
    if presiding is None and hasattr(case, "hearing"):
        presiding = case.hearing.presiding
    if presiding is None:
        return False
    return not case.officers.filter(officer=presiding).exists()


def decision_in_time(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    d = clocks.running(case, "decision_extension") or clocks.running(case, "decision")
    if d is None:
        return True  # no decision clock (summary procedure)
    return d.paused_since is None and today <= d.due_on


def amount_consistent_or_reviewed(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    kind = data.get("decision_kind", case.decision_kind)
    if kind != ProposalKind.PENALTY:
        return True
    amount = _amount(data.get("amount"))
    if amount is None:
        return False
    if case.engine_amount is not None and amount == case.engine_amount:
        return True
    reason = str(data.get("reason") or case.amount_reason or "").strip()
    return bool(reason) and case.legal_review_passed


def summary_amount_ok(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    from ecoenforce.penalty.params import legal_parameter

    amount = _amount(data.get("amount"))
    if amount is None or amount < 0:
        return False
    limit = Decimal(str(legal_parameter("threshold.summary_fine_org")))
    return amount <= limit


def fully_paid_or_no_fine(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    return execution.balance(case, today).settled


def payment_overdue(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    bal = execution.balance(case, today)
    return bal.due_on is not None and today > bal.due_on and not bal.settled


def reminder_expired(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    return _clock_expired(case, "reminder", today)


def no_open_measures(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    return not Measure.objects.filter(
        case=case, kind__in=[MeasureKind.SEAL, MeasureKind.SEIZE], released_on__isnull=True
    ).exists()


def referral_done(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    return not case.referral_mandatory or Referral.objects.filter(case=case).exists()


def instant_review_clean(case: Case, data: Mapping[str, Any], today: dt.date) -> bool:
    from ecoenforce.cases.reviewing import instant_review

    return not instant_review(case, today).hard


FACTS: dict[str, Fact] = {
    "two_certified_officers": two_certified_officers,
    "items_in_catalog": items_in_catalog,
    "has_evidence": has_evidence,
    "has_proposal": has_proposal,
    "proposal_is_penalty": lambda c, d, t: c.proposal_kind == ProposalKind.PENALTY,
    "proposal_not_penalty": lambda c, d, t: bool(c.proposal_kind) and c.proposal_kind != ProposalKind.PENALTY,
    "hearing_eligible": lambda c, d, t: c.hearing_eligible,
    "hearing_window_open": hearing_window_open,
    "statement_period_over": statement_period_over,
    "hearing_window_closed": hearing_window_closed,
    "hearing_notice_in_time": hearing_notice_in_time,
    "presiding_not_handler": presiding_not_handler,
    "legal_review_not_mandatory": lambda c, d, t: not c.legal_review_mandatory,
    "deliberation_not_mandatory": lambda c, d, t: not c.deliberation_mandatory,
    "legal_review_passed": lambda c, d, t: c.legal_review_passed or not c.legal_review_mandatory,
    "decision_in_time": decision_in_time,
    "amount_consistent_or_reviewed": amount_consistent_or_reviewed,
    "fully_paid_or_no_fine": fully_paid_or_no_fine,
    "payment_overdue": payment_overdue,
    "reminder_expired": reminder_expired,
    "no_open_measures": no_open_measures,
    "referral_done": referral_done,
    "instant_review_clean": instant_review_clean,
    "summary_amount_ok": summary_amount_ok,
    "extension_not_used": lambda c, d, t: not c.decision_extended,
}


def facts_for(
    case: Case, codes: tuple[str, ...], data: Mapping[str, Any] | None = None, today: dt.date | None = None
) -> dict[str, bool]:
    """Answer only the requirements asked (some are queries)."""
    today = today or timezone.localdate()
    return {code: FACTS[code](case, data or {}, today) for code in codes}
