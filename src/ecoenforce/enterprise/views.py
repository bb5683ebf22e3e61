"""Enterprise pages. Every read is limited to the account's own entity: any id of another entity
answers 404 (its existence is not revealed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ecoenforce.enterprise import services
from ecoenforce.enterprise.forms import AnswerForm, ApplyForm, DecideForm, EvidenceForm, PositiveListForm
from ecoenforce.enterprise.models import (
    AccountState,
    Application,
    EnterpriseAccount,
    EnterpriseQuery,
    Evidence,
)
from ecoenforce.enterprise.providers import providers
from ecoenforce.org.jurisdiction import scope
from ecoenforce.org.permissions import authorize


def _errors(form: Form, exc: ValidationError) -> None:
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for field, msgs in items:
        for m in msgs:
            form.add_error(field if field in form.fields else None, m)


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_apply(**form.cleaned_data)
            return render(request, "enterprise/applied.html")
        except ValidationError as exc:
            _errors(form, exc)
    return render(request, "enterprise/apply.html", {"form": form}, status=400 if form.errors else 200)


def _home_context(account: EnterpriseAccount, **forms: Any) -> dict[str, Any]:
    entity = account.entity
    return {
        "account": account,
        "entity": entity,
        "sections": [(p.label, p.rows(entity)) for p in providers()],
        "queries": EnterpriseQuery.objects.filter(entity=entity),
        "evidence": Evidence.objects.filter(entity=entity)[:50],
        "applications": Application.objects.filter(entity=entity),
        "answer_form": forms.get("answer") or AnswerForm(),
        "evidence_form": forms.get("evidence") or EvidenceForm(),
        "positive_form": forms.get("positive") or PositiveListForm(),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    account = services.require_account(request.user, "enterprise.view")
    return render(request, "enterprise/home.html", _home_context(account))


@login_required
def query_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = services.require_account(request.user, "enterprise.view")
    query = EnterpriseQuery.objects.filter(pk=pk, entity=account.entity).first()
    if query is None:
        raise Http404
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.query_answer(query=query, answer=form.cleaned_data["answer"], by=request.user)
            messages.success(request, "已提交答复")
            return redirect("enterprise:home")
        except ValidationError as exc:
            _errors(form, exc)
    return render(
        request, "enterprise/query.html", {"q": query, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def evidence_upload(request: HttpRequest) -> HttpResponse:
    account = services.require_account(request.user, "enterprise.evidence")
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        subject_type, _, subject_id = (form.cleaned_data["subject"] or "general:").partition(":")
        f = form.cleaned_data["file"]
        if f.size > services.MAX_EVIDENCE_BYTES:
            form.add_error("file", "文件不能超过 20 MB")
        else:
            try:
                services.evidence_upload(
                    subject_type=subject_type or "general",
                    subject_id=subject_id,
                    note=form.cleaned_data["note"],
                    name=f.name,
                    data=f.read(),
                    by=request.user,
                )
                messages.success(request, "整改材料已上传")
                return redirect("enterprise:home")
            except ValidationError as exc:
                _errors(form, exc)
    return render(request, "enterprise/home.html", _home_context(account, evidence=form), status=400)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    account = services.require_account(request.user, "enterprise.view")
    ev = Evidence.objects.filter(pk=pk, entity=account.entity).first()
    if ev is None:
        raise Http404
    return FileResponse(ev.file.open("rb"), content_type=ev.content_type)


@login_required
@require_POST
def positive_list(request: HttpRequest) -> HttpResponse:
    account = services.require_account(request.user, "enterprise.positive_list")
    form = PositiveListForm(request.POST)
    if form.is_valid():
        try:
            services.positive_list_apply(reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, "申请已提交")
            return redirect("enterprise:home")
        except ValidationError as exc:
            _errors(form, exc)
    return render(request, "enterprise/home.html", _home_context(account, positive=form), status=400)


@login_required
def accounts(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "enterprise.approve_accounts", action="enterprise.accounts")
    rows = scope(
        EnterpriseAccount.objects.select_related("entity", "user"), request.user, "entity__owner_unit"
    )
    return render(
        request,
        "enterprise/accounts.html",
        {"rows": rows.order_by("state", "-applied_at")[:200], "form": DecideForm()},
    )


@login_required
@require_POST
def account_decide(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "enterprise.approve_accounts", action="enterprise.decide")
    rows = scope(EnterpriseAccount.objects.all(), request.user, "entity__owner_unit")
    account = rows.filter(pk=pk, state=AccountState.PENDING).first()
    if account is None:
        raise Http404
    form = DecideForm(request.POST)
    if form.is_valid():
        services.enterprise_decide(
            account=account,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(request, "已审核")
    return redirect("enterprise:accounts")
