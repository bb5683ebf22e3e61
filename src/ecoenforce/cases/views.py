"""Case pages: to-do, list (filters, full-text search, Excel), case page, step forms, leads, deadlines.

Thin: reads through selectors (scoped; out of scope → 404), writes through the services. A Refused
becomes the recorded 403 page; a ValidationError is shown on the form, nothing written.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ecoenforce.cases import clocks, criminal, document_door, excel, execution, paths, selectors, workflow
from ecoenforce.cases.case_services import evidence_add
from ecoenforce.cases.measures import publicity_publish
from ecoenforce.cases.models import EvidenceKind, PaymentKind, ProposalKind
from ecoenforce.cases.paging import CappedPaginator, SearchPaginator
from ecoenforce.cases.refusals import record_refusal
from ecoenforce.cases.reviewing import instant_review
from ecoenforce.cases.steps import presiding_choices
from ecoenforce.cases.transitions import actor_roles, case_transition
from ecoenforce.org.permissions import authorize

PAGE_SIZE = 25


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "cases.view", action="cases.todo")
    ctx = selectors.todo_for(request.user)
    ctx["deadlines"] = [clocks.describe(d, ctx["today"]) for d in ctx["deadlines"]]
    return render(request, "cases/todo.html", ctx)


def _filters(request: HttpRequest) -> dict[str, Any]:
    g = request.GET
    return {
        "q": g.get("q", "")[:100],
        "state": g.get("state", "")[:24],
        "unit": g.get("unit", "")[:12],
        "year": g.get("year", "")[:4],
        "overdue": g.get("overdue") == "1",
    }


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "cases.view", action="cases.list")
    filters = _filters(request)
    qs = selectors.filter_cases(selectors.cases_for(request.user), user=request.user, **filters)
    if request.GET.get("format") == "xlsx":
        authorize(request.user, "cases.export", action="cases.export")
        return excel.response(excel.cases_workbook(qs[: excel.MAX_ROWS]), "案件列表.xlsx")
    paginator = SearchPaginator if filters["q"].strip() else CappedPaginator
    page = paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    states = [(s.value, workflow.STATE_LABELS[s]) for s in workflow.State]
    ctx = {"page": page, "filters": filters, "states": states, "query": query.urlencode()}
    template = "cases/_case_rows.html" if request.headers.get("HX-Request") else "cases/list.html"
    return render(request, template, ctx)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "cases.view", action="cases.view")
    case = selectors.case_for(request.user, pk)
    roles = actor_roles(case, request.user)
    ctx = {
        "case": case,
        "events": case.events.select_related("actor").order_by("seq"),
        "deadlines": [clocks.describe(d) for d in case.deadlines.order_by("due_on")],
        "evidence": case.evidence.all(),
        "items": case.items.all(),
        "officers": case.officers.select_related("officer"),
        "measures": case.measures_taken.all(),
        "referrals": case.referrals.all(),
        "payments": case.payments.all(),
        "balance": execution.balance(case),
        "documents": document_door.documents_of(case),
        "actions": workflow.available(workflow.State(case.state), roles)
        if request.user.has_perm("cases.act", case)
        else [],
        "evidence_kinds": EvidenceKind.choices,
        "payment_kinds": PaymentKind.choices,
        "publicity": getattr(case, "publicity", None) if hasattr(case, "publicity") else None,
        "findings": case.review_findings,
        "can_act": request.user.has_perm("cases.act", case),
        "has_criminal_referral": criminal.referred(case) if case.criminal_flags else False,
    }
    if not ctx["findings"] and any(a.code == "close" for a in ctx["actions"]):
        ctx["findings"] = instant_review(case).as_dict()  # what closing will check, before asking
    return render(request, "cases/detail.html", ctx)


def _step_context(case: Any, spec: workflow.Action, data: Any, errors: list[str], key: str) -> dict[str, Any]:
    return {
        "case": case,
        "spec": spec,
        "data": data,
        "errors": errors,
        "key": key,
        "proposal_kinds": ProposalKind.choices,
        "measures": paths.hearing_measures(),
        "legal_grounds": paths.legal_grounds(),
        "deliberation_grounds": paths.deliberation_grounds(),
        "suspend_grounds": workflow.SUSPEND_GROUNDS,
        "terminate_grounds": workflow.TERMINATE_GROUNDS,
        "officers": case.officers.select_related("officer"),
        "presiding_choices": presiding_choices(case) if spec.code == "schedule_hearing" else [],
    }


def _step_data(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    data: dict[str, Any] = {k: post.get(k) for k in post if k not in ("csrfmiddlewaretoken", "key", "reason")}
    for multi in ("measures", "legal_grounds", "deliberation_grounds"):
        data[multi] = post.getlist(multi)
    for flag in ("statement_waived", "hearing_waived"):
        data[flag] = post.get(flag) == "on"
    return data


@login_required
def case_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    authorize(request.user, "cases.act", action=f"cases.{action}")
    case = selectors.case_for(request.user, pk)
    spec = workflow.ACTIONS.get(action)
    if spec is None:
        from django.http import Http404

        raise Http404("未知的办案步骤")
    if request.method == "POST":
        data = _step_data(request)
        try:
            case_transition(
                case=case,
                action=action,
                by=request.user,
                data=data,
                reason=request.POST.get("reason", ""),
                idempotency_key=request.POST.get("key"),
            )
        except ValidationError as exc:
            ctx = _step_context(case, spec, request.POST, _errors(exc), request.POST.get("key", ""))
            return render(request, "cases/step.html", ctx, status=422)
        messages.success(request, f"已办理：{spec.label}")
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/step.html", _step_context(case, spec, {}, [], uuid.uuid4().hex))


@login_required
@require_POST
def case_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "cases.act", action="cases.evidence_add")
    case = selectors.case_for(request.user, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": "请选择要上传的文件"})
        evidence_add(
            case=case,
            by=request.user,
            upload=upload,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", ""),
        )
        messages.success(request, "证据已上传")
    except ValidationError as exc:
        record_refusal(by=request.user, action="cases.evidence_add", target=case, exc=exc)
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_payment(request: HttpRequest, pk: int) -> HttpResponse:
    from datetime import date

    authorize(request.user, "cases.act", action="cases.payment_record")
    case = selectors.case_for(request.user, pk)
    try:
        try:
            paid_on = date.fromisoformat(request.POST.get("paid_on", ""))
        except ValueError:
            raise ValidationError({"paid_on": "缴款日期格式应为 YYYY-MM-DD"}) from None
        execution.payment_record(
            case=case,
            by=request.user,
            kind=request.POST.get("kind", ""),
            amount=request.POST.get("amount", ""),
            paid_on=paid_on,
            receipt_no=request.POST.get("receipt_no", ""),
        )
        messages.success(request, "缴款已登记")
    except ValidationError as exc:
        record_refusal(by=request.user, action="cases.payment_record", target=case, exc=exc)
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "cases.act", action="cases.publish")
    case = selectors.case_for(request.user, pk)
    try:
        publicity_publish(case=case, by=request.user)
        messages.success(request, "处罚决定已在执法公示栏公开")
    except ValidationError as exc:
        record_refusal(by=request.user, action="cases.publish", target=case, exc=exc)
        for m in _errors(exc):
            messages.error(request, m)
    return redirect("cases:detail", pk=case.pk)


@login_required
def deadline_board(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "cases.view", action="cases.deadlines")
    rows = [clocks.describe(d) for d in selectors.deadline_board(request.user)[:500]]
    return render(request, "cases/deadlines.html", {"rows": rows})
