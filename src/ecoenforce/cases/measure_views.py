"""Screens of their own, phone-friendly, each writing through its service: compulsory measures
(seal/seize with the item list, 30 days and one extension, release), referral to the police
(materials, receipt, feedback), payment plans (deferral / instalments), the criminal-threshold facts.

Thin like views.py: a Refused becomes the recorded 403 page; a ValidationError is shown on the form.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from ecoenforce.cases import criminal, execution, measures, selectors
from ecoenforce.cases.models import Measure, MeasureKind, PaymentPlan, Referral, ReferralKind
from ecoenforce.cases.refusals import messages_of, record_refusal
from ecoenforce.org.permissions import authorize

ITEM_ROWS = 8  # rows of the seizure list on the form; empty rows are ignored


def _refused(request: HttpRequest, action: str, case: Any, exc: ValidationError) -> list[str]:
    record_refusal(by=request.user, action=action, target=case, exc=exc)
    return messages_of(exc)


def _date(raw: str, label: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({"date": f"{label}格式应为 YYYY-MM-DD"}) from None


def _form_key(request: HttpRequest) -> str:
    """The one-time token of the creating form: kept when the same form comes back with an error
    (nothing was written under it), fresh otherwise."""
    return str(request.POST.get("key", "") if request.method == "POST" else "")[:64] or uuid.uuid4().hex


def _case(request: HttpRequest, pk: int, action: str, *, write: bool) -> Any:
    authorize(request.user, "cases.act" if write else "cases.view", action=action)
    return selectors.case_for(request.user, pk)


@login_required
def case_measures(request: HttpRequest, pk: int) -> HttpResponse:
    """查封、扣押: new (with its list), approve an emergency one, extend once, release."""
    write = request.method == "POST"
    case = _case(request, pk, "cases.measure_seize", write=write)
    errors: list[str] = []
    if write:
        op = request.POST.get("op", "")
        try:
            if op == "seize":
                items = [
                    {
                        "name": request.POST.get(f"item_name_{i}", ""),
                        "quantity": request.POST.get(f"item_quantity_{i}", ""),
                        "place": request.POST.get(f"item_place_{i}", ""),
                    }
                    for i in range(ITEM_ROWS)
                ]
                measures.measure_seize(
                    case=case,
                    by=request.user,
                    kind=request.POST.get("kind", ""),
                    items=items,
                    basis=request.POST.get("basis", ""),
                    emergency=request.POST.get("emergency") == "on",
                    idempotency_key=request.POST.get("key"),
                )
                messages.success(request, "查封、扣押已登记")
            else:
                m = get_object_or_404(Measure, pk=request.POST.get("measure") or 0, case=case)
                if op == "approve":
                    measures.measure_approve(measure=m, by=request.user)
                    messages.success(request, "已补办负责人批准")
                elif op == "extend":
                    measures.measure_extend(measure=m, by=request.user, reason=request.POST.get("reason", ""))
                    messages.success(request, "查封、扣押期限已延长")
                elif op == "release":
                    measures.measure_release(
                        measure=m, by=request.user, reason=request.POST.get("reason", "")
                    )
                    messages.success(request, "查封、扣押已解除")
                else:
                    raise ValidationError({"op": "未知的操作"})
            return redirect("cases:measures", pk=case.pk)
        except ValidationError as exc:
            known = op in ("seize", "approve", "extend", "release")
            action = f"cases.measure_{op}" if known else "cases.measure"
            errors = _refused(request, action, case, exc)
    ctx = {
        "case": case,
        "errors": errors,
        "data": request.POST if write else {},
        "rows": range(ITEM_ROWS),
        "key": _form_key(request),
        "kinds": [(k.value, k.label) for k in measures.SEIZURE],
        "seizures": case.measures_taken.filter(kind__in=[MeasureKind.SEAL, MeasureKind.SEIZE]),
        "today": timezone.localdate(),
    }
    return render(request, "cases/measures.html", ctx, status=422 if errors else 200)


@login_required
def case_referral(request: HttpRequest, pk: int) -> HttpResponse:
    """移送公安机关: the referral with its materials, then the receipt and the police's feedback."""
    write = request.method == "POST"
    case = _case(request, pk, "cases.referral", write=write)
    errors: list[str] = []
    if write:
        op = request.POST.get("op", "")
        try:
            if op == "refer":
                measures.referral_record(
                    case=case,
                    by=request.user,
                    kind=request.POST.get("kind", ""),
                    police=request.POST.get("police", ""),
                    materials=request.POST.get("materials", ""),
                    sent_on=_date(request.POST.get("sent_on", ""), "移送日期"),
                    idempotency_key=request.POST.get("key"),
                )
                messages.success(request, "移送已登记")
            elif op == "feedback":
                r = get_object_or_404(Referral, pk=request.POST.get("referral") or 0, case=case)
                measures.referral_feedback(
                    referral=r,
                    by=request.user,
                    receipt_on=_date(request.POST.get("receipt_on", ""), "回执日期"),
                    feedback=request.POST.get("feedback", ""),
                )
                messages.success(request, "回执和反馈已登记")
            else:
                raise ValidationError({"op": "未知的操作"})
            return redirect("cases:referral", pk=case.pk)
        except ValidationError as exc:
            errors = _refused(request, "cases.referral", case, exc)
    ctx = {
        "case": case,
        "errors": errors,
        "data": request.POST if write else {},
        "kinds": ReferralKind.choices,
        "key": _form_key(request),
        "referrals": case.referrals.all(),
        "flags": case.criminal_flags,
    }
    return render(request, "cases/referral.html", ctx, status=422 if errors else 200)


@login_required
def case_payment_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """暂缓或者分期缴纳罚款, approved by the head (《行政处罚法》第六十六条第二款)."""
    write = request.method == "POST"
    case = _case(request, pk, "cases.payment_plan", write=write)
    errors: list[str] = []
    if write:
        kind = request.POST.get("kind", "")
        schedule = [
            {"due": request.POST.get(f"due_{i}", ""), "amount": request.POST.get(f"amount_{i}", "")}
            for i in range(ITEM_ROWS)
            if request.POST.get(f"due_{i}") or request.POST.get(f"amount_{i}")
        ]
        try:
            execution.payment_plan_approve(
                case=case,
                by=request.user,
                kind=kind,
                schedule=schedule,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, "暂缓或者分期缴纳已批准")
            return redirect("cases:detail", pk=case.pk)
        except ValidationError as exc:
            errors = _refused(request, "cases.payment_plan", case, exc)
    ctx = {
        "case": case,
        "errors": errors,
        "data": request.POST if write else {},
        "rows": range(ITEM_ROWS),
        "plan": PaymentPlan.objects.filter(case=case).first(),
        "fine": execution.fine_of(case),
    }
    return render(request, "cases/payment_plan.html", ctx, status=422 if errors else 200)


@login_required
def case_criminal(request: HttpRequest, pk: int) -> HttpResponse:
    """涉嫌犯罪情形: the facts against 法释〔2023〕7号第一条; the flags follow."""
    write = request.method == "POST"
    case = _case(request, pk, "cases.criminal_facts", write=write)
    errors: list[str] = []
    if write:
        try:
            criminal.criminal_facts_record(case=case, by=request.user, data=request.POST)
            messages.success(request, "涉嫌犯罪情形已登记")
            return redirect("cases:detail", pk=case.pk)
        except ValidationError as exc:
            errors = _refused(request, "cases.criminal_facts", case, exc)
    data = request.POST if write else case.criminal_facts
    rules = criminal.rules()
    fields = [{"f": f, "value": data.get(f.key, "")} for f in rules.facts]
    ctx = {"case": case, "errors": errors, "fields": fields, "rules": rules}
    return render(request, "cases/criminal.html", ctx, status=422 if errors else 200)
