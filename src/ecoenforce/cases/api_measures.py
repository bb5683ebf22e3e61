"""API of the compulsory measures and special paths, the same services as the screens of
measure_views.py: seal/seize (approve, extend once, release), referral to the police and its
feedback, the payment plan, the criminal-threshold facts.

Scoped like every case endpoint (`selectors.case_for` → 404 outside the jurisdiction). A refused
write (ValidationError) changes nothing, is recorded in the audit trail here and answered 422 with
the field and the Chinese message; a Refused (role) is recorded by the API's 403 handler.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from ecoenforce.cases import criminal, execution, measures, selectors
from ecoenforce.cases.models import Measure, MeasureKind, PaymentPlan, Referral
from ecoenforce.cases.refusals import record_refusal
from ecoenforce.org.permissions import authorize

router = Router()
NO_NUL = r"^[^\x00]*$"
T = TypeVar("T")


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ItemIn(Schema):
    name: str = Field(..., max_length=100, pattern=NO_NUL)
    quantity: str = Field("", max_length=40, pattern=NO_NUL)
    place: str = Field("", max_length=100, pattern=NO_NUL)


class SeizeIn(Schema):
    kind: str = Field(..., max_length=16, pattern=r"^[a-z_]+$", description="seal 查封 / seize 扣押")
    items: list[ItemIn] = Field(..., max_length=100)
    basis: str = Field("", max_length=300, pattern=NO_NUL)
    emergency: bool = False
    idempotency_key: str = Field("", max_length=64, pattern=NO_NUL)


class ReasonIn(Schema):
    reason: str = Field("", max_length=300, pattern=NO_NUL)


class MeasureOut(Schema):
    id: int
    kind: str
    kind_label: str
    decided_on: dt.date
    basis: str
    items: list[dict[str, str]]
    emergency: bool
    approved_on: dt.date | None
    due_on: dt.date | None
    extended: bool
    released_on: dt.date | None
    release_reason: str


class ReferralIn(Schema):
    kind: str = Field(..., max_length=16, pattern=r"^[a-z_]+$", description="criminal / detention")
    police: str = Field(..., max_length=100, pattern=NO_NUL)
    materials: str = Field(..., max_length=5000, pattern=NO_NUL)
    sent_on: dt.date | None = None
    idempotency_key: str = Field("", max_length=64, pattern=NO_NUL)


class FeedbackIn(Schema):
    receipt_on: dt.date | None = None
    feedback: str = Field("", max_length=5000, pattern=NO_NUL)


class ReferralOut(Schema):
    id: int
    kind: str
    kind_label: str
    police: str
    materials: str
    sent_on: dt.date
    receipt_on: dt.date | None
    feedback: str
    feedback_on: dt.date | None


class InstalmentIn(Schema):
    due: dt.date
    amount: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)


class PaymentPlanIn(Schema):
    kind: str = Field(..., max_length=16, pattern=r"^[a-z_]+$", description="deferral / instalments")
    schedule: list[InstalmentIn] = Field(..., max_length=60)
    reason: str = Field("", max_length=2000, pattern=NO_NUL)


class PaymentPlanOut(Schema):
    kind: str
    kind_label: str
    schedule: list[dict[str, str]]
    reason: str
    approved_on: dt.date


class CriminalIn(Schema):
    facts: dict[str, str | int | float | bool] = Field(..., max_length=50)


class CriminalOut(Schema):
    facts: dict[str, Any]
    flags: list[dict[str, Any]]


def _audited(request: HttpRequest, action: str, case: Any, write: Callable[[], T]) -> T:
    try:
        return write()
    except ValidationError as exc:
        record_refusal(by=request.user, action=action, target=case, exc=exc)
        raise


def _case(request: HttpRequest, case_id: int, action: str, *, write: bool = True) -> Any:
    authorize(request.user, "cases.act" if write else "cases.view", action=action)
    return selectors.case_for(request.user, case_id)


def _measure(m: Measure) -> dict[str, Any]:
    return {
        "id": m.pk,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "decided_on": m.decided_on,
        "basis": m.basis,
        "items": m.items,
        "emergency": m.emergency,
        "approved_on": m.approved_on,
        "due_on": m.due_on,
        "extended": m.extended,
        "released_on": m.released_on,
        "release_reason": m.release_reason,
    }


def _referral(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "police": r.police,
        "materials": r.materials,
        "sent_on": r.sent_on,
        "receipt_on": r.receipt_on,
        "feedback": r.feedback,
        "feedback_on": r.feedback_on,
    }


# ------------------------------------------------------------------ seal and seize


@router.get("/{int:case_id}/measures", response={200: list[MeasureOut], **ERRORS}, summary="查封、扣押")
def list_measures(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _case(request, case_id, "cases.view", write=False)
    rows = case.measures_taken.filter(kind__in=[MeasureKind.SEAL, MeasureKind.SEIZE])
    return [_measure(m) for m in rows]


@router.post(
    "/{int:case_id}/measures",
    response={201: MeasureOut, **ERRORS},
    summary="实施查封、扣押（附清单；情况紧急当场实施的，二十四小时内补办批准）",
)
def seize(request: HttpRequest, case_id: int, payload: SeizeIn) -> Status[Any]:
    case = _case(request, case_id, "cases.measure_seize")
    m = _audited(
        request,
        "cases.measure_seize",
        case,
        lambda: measures.measure_seize(
            case=case,
            by=request.user,
            kind=payload.kind,
            items=[i.dict() for i in payload.items],
            basis=payload.basis,
            emergency=payload.emergency,
            idempotency_key=payload.idempotency_key or None,
        ),
    )
    return Status(201, _measure(m))


def _measure_op(request: HttpRequest, case_id: int, measure_id: int, op: str, **kw: Any) -> dict[str, Any]:
    action = f"cases.measure_{op}"
    case = _case(request, case_id, action)
    m = get_object_or_404(Measure, pk=measure_id, case=case)
    services: dict[str, Callable[..., Measure]] = {
        "approve": measures.measure_approve,
        "extend": measures.measure_extend,
        "release": measures.measure_release,
    }
    service = services[op]
    return _measure(_audited(request, action, case, lambda: service(measure=m, by=request.user, **kw)))


@router.post(
    "/{int:case_id}/measures/{int:measure_id}/approve",
    response={200: MeasureOut, **ERRORS},
    summary="补办负责人批准（二十四小时内）",
)
def approve_measure(request: HttpRequest, case_id: int, measure_id: int) -> dict[str, Any]:
    return _measure_op(request, case_id, measure_id, "approve")


@router.post(
    "/{int:case_id}/measures/{int:measure_id}/extend",
    response={200: MeasureOut, **ERRORS},
    summary="延长查封、扣押期限（只能延长一次）",
)
def extend_measure(request: HttpRequest, case_id: int, measure_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _measure_op(request, case_id, measure_id, "extend", reason=payload.reason)


@router.post(
    "/{int:case_id}/measures/{int:measure_id}/release",
    response={200: MeasureOut, **ERRORS},
    summary="解除查封、扣押",
)
def release_measure(request: HttpRequest, case_id: int, measure_id: int, payload: ReasonIn) -> dict[str, Any]:
    return _measure_op(request, case_id, measure_id, "release", reason=payload.reason)


# ------------------------------------------------------------------ referral to the police


@router.get("/{int:case_id}/referrals", response={200: list[ReferralOut], **ERRORS}, summary="移送公安机关")
def list_referrals(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = _case(request, case_id, "cases.view", write=False)
    return [_referral(r) for r in case.referrals.order_by("sent_on", "id")]


@router.post(
    "/{int:case_id}/referrals", response={201: ReferralOut, **ERRORS}, summary="移送公安机关（附移送材料）"
)
def refer(request: HttpRequest, case_id: int, payload: ReferralIn) -> Status[Any]:
    case = _case(request, case_id, "cases.referral")
    r = _audited(
        request,
        "cases.referral",
        case,
        lambda: measures.referral_record(
            case=case,
            by=request.user,
            kind=payload.kind,
            police=payload.police,
            materials=payload.materials,
            sent_on=payload.sent_on,
            idempotency_key=payload.idempotency_key or None,
        ),
    )
    return Status(201, _referral(r))


@router.post(
    "/{int:case_id}/referrals/{int:referral_id}/feedback",
    response={200: ReferralOut, **ERRORS},
    summary="登记公安机关回执和反馈",
)
def referral_feedback(
    request: HttpRequest, case_id: int, referral_id: int, payload: FeedbackIn
) -> dict[str, Any]:
    case = _case(request, case_id, "cases.referral_feedback")
    r = get_object_or_404(Referral, pk=referral_id, case=case)
    done = _audited(
        request,
        "cases.referral_feedback",
        case,
        lambda: measures.referral_feedback(
            referral=r, by=request.user, receipt_on=payload.receipt_on, feedback=payload.feedback
        ),
    )
    return _referral(done)


# ------------------------------------------------------------------ payment plan, criminal facts


@router.post(
    "/{int:case_id}/payment-plan",
    response={201: PaymentPlanOut, **ERRORS},
    summary="批准暂缓或者分期缴纳罚款（《行政处罚法》第六十六条）",
)
def payment_plan(request: HttpRequest, case_id: int, payload: PaymentPlanIn) -> Status[Any]:
    case = _case(request, case_id, "cases.payment_plan")
    schedule = [{"due": r.due.isoformat(), "amount": str(r.amount)} for r in payload.schedule]
    plan: PaymentPlan = _audited(
        request,
        "cases.payment_plan",
        case,
        lambda: execution.payment_plan_approve(
            case=case, by=request.user, kind=payload.kind, schedule=schedule, reason=payload.reason
        ),
    )
    return Status(
        201,
        {
            "kind": plan.kind,
            "kind_label": plan.get_kind_display(),
            "schedule": plan.schedule,
            "reason": plan.reason,
            "approved_on": plan.approved_on,
        },
    )


@router.put(
    "/{int:case_id}/criminal-facts",
    response={200: CriminalOut, **ERRORS},
    summary="登记涉嫌犯罪情形（法释〔2023〕7号第一条），返回达到的移送标准",
)
def criminal_facts(request: HttpRequest, case_id: int, payload: CriminalIn) -> dict[str, Any]:
    case = _case(request, case_id, "cases.criminal_facts")
    done = _audited(
        request,
        "cases.criminal_facts",
        case,
        lambda: criminal.criminal_facts_record(case=case, by=request.user, data=payload.facts),
    )
    return {"facts": done.criminal_facts, "flags": done.criminal_flags}
