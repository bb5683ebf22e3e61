"""The handlers' and officers' pages. Thin: authorize, selectors for reads, services for writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ecoenforce.complaints import excel, reward_services, selectors
from ecoenforce.complaints.forms import (
    DispatchForm,
    ExtendForm,
    HandlerComplaintForm,
    MergeForm,
    ReplyForm,
    RewardApproveForm,
    RewardPayForm,
    RewardProposeForm,
    TransferImportForm,
    VerifyForm,
)
from ecoenforce.complaints.identity import LABELS, identity_reveal
from ecoenforce.complaints.models import Complaint
from ecoenforce.complaints.services import (
    Upload,
    complaint_close,
    complaint_dispatch,
    complaint_extend,
    complaint_merge,
    complaint_reply,
    complaint_submit,
    complaint_verify,
)
from ecoenforce.org.jurisdiction import visible_units
from ecoenforce.org.permissions import authorize, can


def _errors_to_form(form: Form, exc: ValidationError) -> None:
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for field, msgs in items:
        for m in msgs:
            form.add_error(field if field in form.fields else None, m)


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "complaints.view", action="complaints.list")
    qs = selectors.complaints_for(request.user)
    rows = selectors.filtered(qs, request.GET)[:200]
    return render(
        request,
        "complaints/list.html",
        {
            "rows": rows,
            "figures": selectors.figures(qs),
            "params": request.GET,
            "can_register": can(request.user, "complaints.register"),
        },
    )


@login_required
def complaint_stats(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "complaints.view", action="complaints.stats")
    qs = selectors.complaints_for(request.user)
    charts = selectors.chart_options(qs)
    return render(
        request,
        "complaints/stats.html",
        {
            "figures": selectors.figures(qs),
            "by_category": selectors.by_category(qs),
            "category_chart": charts["category"],
            "month_chart": charts["month"],
        },
    )


def _detail_context(request: HttpRequest, c: Complaint, **forms: Any) -> dict[str, Any]:
    user = request.user
    rule = reward_services.rule_for_complaint(c)
    tiers = [(t.key, f"{t.label}（{t.amount}元）") for t in rule.tiers] if rule else []
    return {
        "c": c,
        "events": c.events.all(),
        "attachments": c.attachments.all(),
        "duplicates": selectors.duplicate_candidates(c) if c.is_open else [],
        "merged_here": c.duplicates.all(),
        "reward": getattr(c, "reward", None),
        "reward_rule": rule,
        "can": {
            p: can(user, f"complaints.{p}", c)
            for p in (
                "dispatch",
                "verify",
                "reply",
                "view_identity",
                "reward_propose",
                "reward_approve",
                "reward_pay",
            )
        },
        "dispatch_form": forms.get("dispatch")
        or DispatchForm(units=visible_units(user), initial={"unit": c.unit_id}),
        "verify_form": forms.get("verify") or VerifyForm(),
        "reply_form": forms.get("reply") or ReplyForm(),
        "extend_form": forms.get("extend") or ExtendForm(),
        "merge_form": forms.get("merge") or MergeForm(),
        "reward_form": forms.get("reward") or RewardProposeForm(tiers=tiers),
        "approve_form": forms.get("approve") or RewardApproveForm(),
        "pay_form": forms.get("pay") or RewardPayForm(),
        "identity": forms.get("identity"),
        "identity_labels": LABELS,
    }


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "complaints.view", action="complaints.view")
    c = selectors.complaint_get_for(request.user, pk)
    return render(request, "complaints/detail.html", _detail_context(request, c))


@login_required
def complaint_by_number(request: HttpRequest, number: str) -> HttpResponse:
    authorize(request.user, "complaints.view", action="complaints.view")
    c = selectors.complaints_for(request.user).filter(number=number).first()
    if c is None:
        raise Http404
    return redirect("complaints:detail", pk=c.pk)


@login_required
@require_POST
def complaint_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the sealed identity once, on this response only; the opening is audited."""
    authorize(request.user, "complaints.view_identity", action="complaints.view_identity")
    c = selectors.complaint_get_for(request.user, pk)
    purpose = (request.POST.get("purpose") or "").strip()
    if not purpose:
        messages.error(request, "请说明查看举报人信息的事由")
        return redirect("complaints:detail", pk=pk)
    identity = identity_reveal(complaint=c, by=request.user, purpose=purpose)
    response = render(request, "complaints/detail.html", _detail_context(request, c, identity=identity or {}))
    response["Cache-Control"] = "no-store"
    return response


ACTIONS: dict[str, tuple[str, Callable[..., Form], Callable[..., Any], str]] = {}


def _action(name: str, perm: str, form_factory: Callable[..., Form], done: str) -> Callable[..., Any]:
    def decorator(apply: Callable[..., Any]) -> Callable[..., Any]:
        ACTIONS[name] = (perm, form_factory, apply, done)
        return apply

    return decorator


@_action(
    "dispatch",
    "complaints.dispatch",
    lambda req, data: DispatchForm(data, units=visible_units(req.user)),
    "已交办",
)
def _dispatch(c: Complaint, d: dict[str, Any], by: Any) -> None:
    complaint_dispatch(complaint=c, unit=d["unit"], note=d["note"], by=by)


@_action("verify", "complaints.verify", lambda req, data: VerifyForm(data), "已记录核查结果")
def _verify(c: Complaint, d: dict[str, Any], by: Any) -> None:
    complaint_verify(complaint=c, finding=d["finding"], verification=d["verification"], by=by)


@_action("reply", "complaints.reply", lambda req, data: ReplyForm(data), "已答复举报人")
def _reply(c: Complaint, d: dict[str, Any], by: Any) -> None:
    complaint_reply(complaint=c, reply=d["reply"], by=by)


@_action("extend", "complaints.reply", lambda req, data: ExtendForm(data), "已延长办理期限")
def _extend(c: Complaint, d: dict[str, Any], by: Any) -> None:
    complaint_extend(complaint=c, days=d["days"], reason=d["reason"], by=by)


@_action("merge", "complaints.dispatch", lambda req, data: MergeForm(data), "已并案")
def _merge(c: Complaint, d: dict[str, Any], by: Any) -> None:
    primary = selectors.complaints_for(by).filter(number=d["primary"].strip()).first()
    if primary is None:
        raise ValidationError({"primary": "未找到该编号的投诉举报（或不在您的辖区内）"})
    complaint_merge(duplicate=c, primary=primary, by=by)


@_action("close", "complaints.reply", lambda req, data: Form(data), "已办结")
def _close(c: Complaint, d: dict[str, Any], by: Any) -> None:
    complaint_close(complaint=c, reason="答复后举报人未评价", by=by)


def _tiers(c: Complaint) -> list[tuple[str, str]]:
    rule = reward_services.rule_for_complaint(c)
    return [(t.key, t.label) for t in rule.tiers] if rule else []


@_action("reward", "complaints.reward_propose", lambda req, data: RewardProposeForm(data), "已提出奖励建议")
def _reward(c: Complaint, d: dict[str, Any], by: Any) -> None:
    reward_services.reward_propose(
        complaint=c, tier=d["tier"], facts={"proven": d["proven"], "not_staff": d["not_staff"]}, by=by
    )


@_action("approve", "complaints.reward_approve", lambda req, data: RewardApproveForm(data), "已审批")
def _approve(c: Complaint, d: dict[str, Any], by: Any) -> None:
    reward_services.reward_approve(decision=c.reward, approve=d["approve"], note=d["note"], by=by)


@_action("pay", "complaints.reward_pay", lambda req, data: RewardPayForm(data), "已登记发放")
def _pay(c: Complaint, d: dict[str, Any], by: Any) -> None:
    reward_services.reward_pay(decision=c.reward, payment_ref=d["payment_ref"], by=by)


@login_required
@require_POST
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    perm, form_factory, apply, done = ACTIONS[action]
    authorize(request.user, perm, action=perm)
    c = selectors.complaint_get_for(request.user, pk)
    form = form_factory(request, request.POST)
    if action == "reward":
        form.fields["tier"].choices = _tiers(c)  # type: ignore[attr-defined]
    if form.is_valid():
        try:
            apply(c, form.cleaned_data, request.user)
            messages.success(request, done)
            return redirect("complaints:detail", pk=pk)
        except ValidationError as exc:
            _errors_to_form(form, exc)
    c.refresh_from_db()
    return render(
        request, "complaints/detail.html", _detail_context(request, c, **{action: form}), status=400
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_register(request: HttpRequest) -> HttpResponse:
    """Phone, letter, visit, or a 12345/12369 transfer entered by a handler."""
    authorize(request.user, "complaints.register", action="complaints.register")
    form = HandlerComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c, code = complaint_submit(
                channel=d["channel"],
                external_ref=d["external_ref"],
                category=d["category"],
                description=d["description"],
                address=d["address"],
                division_code=d["division_code"],
                latitude=d["latitude"],
                longitude=d["longitude"],
                identity={} if d["anonymous"] else {"name": d["name"], "phone": d["phone"]},
                attachments=[Upload(f.name, f.read()) for f in d.get("attachments") or []],
                by=request.user,
            )
            return render(request, "complaints/registered.html", {"c": c, "code": code})
        except ValidationError as exc:
            _errors_to_form(form, exc)
    return render(request, "complaints/register.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def attachment(request: HttpRequest, pk: int, att: int) -> FileResponse:
    authorize(request.user, "complaints.view", action="complaints.view")
    c = selectors.complaint_get_for(request.user, pk)
    found = c.attachments.filter(pk=att).first()
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = f'inline; filename="{c.number}-{found.pk}.{found.extension}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def transfer_import(request: HttpRequest) -> HttpResponse:
    """Import a 12345/12369 transfer list (.xlsx); the template is offered for download."""
    authorize(request.user, "complaints.register", action="complaints.import")
    if request.GET.get("template"):
        return _xlsx(excel.template(), "transfers-template.xlsx")
    form = TransferImportForm(request.POST or None, request.FILES or None)
    results: list[excel.RowResult] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            form.add_error("file", "文件不能超过 5 MB")
        else:
            try:
                results = excel.import_transfers(upload.read(), by=request.user)
            except ValidationError as exc:
                _errors_to_form(form, exc)
    status = 400 if form.errors else 200
    return render(request, "complaints/import.html", {"form": form, "results": results}, status=status)


@login_required
def complaint_export(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "complaints.view", action="complaints.export")
    rows = list(selectors.filtered(selectors.complaints_for(request.user), request.GET)[:5000])
    return _xlsx(excel.export(rows), "complaints.xlsx")
