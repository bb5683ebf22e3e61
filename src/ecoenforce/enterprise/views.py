"""Enterprise pages. Every read is limited to the account's own entity: any id of another entity
answers 404 (its existence is not revealed) and the attempt is audited. Staff pages (accounts,
queries) are scoped by the entity's unit."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ecoenforce.enterprise import selectors, services
from ecoenforce.enterprise.forms import (
    AnswerForm,
    ApplyForm,
    DecideForm,
    EvidenceForm,
    PositiveListForm,
    QueryForm,
)
from ecoenforce.enterprise.lawlinks import law_links
from ecoenforce.enterprise.models import (
    AccountState,
    Application,
    EnterpriseAccount,
    EnterpriseQuery,
    Evidence,
)
from ecoenforce.enterprise.providers import Row, provider, providers
from ecoenforce.entities.models import Entity
from ecoenforce.org.jurisdiction import scope
from ecoenforce.org.permissions import authorize
from ecoenforce.statutes.selectors import law_index


def _errors(form: Form, exc: ValidationError) -> None:
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for field, msgs in items:
        for m in msgs:
            form.add_error(field if field in form.fields else None, m)


def _foreign(request: HttpRequest, what: str) -> Http404:
    services.record_foreign_attempt(by=request.user, what=what, ref=request.path)
    return Http404()


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


def _sections(entity: Entity) -> tuple[list[tuple[str, list[dict[str, Any]]]], set[str]]:
    """Each provider's rows, with the law each cites (普法) and the evidence answering it; and the
    subjects the enterprise may answer with evidence."""
    index = law_index()
    evidence: dict[str, list[Evidence]] = {}
    for ev in Evidence.objects.filter(entity=entity)[:500]:
        evidence.setdefault(f"{ev.subject_type}:{ev.subject_id}", []).append(ev)
    out, answerable = [], set()
    for p in providers():
        rows: list[Row] = p.rows(entity)
        items = []
        for r in rows:
            subject = f"{r.subject_type}:{r.subject_id}" if r.subject_type else ""
            if r.answerable and subject:
                answerable.add(subject)
            items.append(
                {
                    "row": r,
                    "key": p.key,
                    "links": law_links(r.legal_basis, index),
                    "subject": subject,
                    "evidence": evidence.get(subject, []) if subject else [],
                }
            )
        out.append((p.label, items))
    return out, answerable


def _home_context(account: EnterpriseAccount, **forms: Any) -> dict[str, Any]:
    entity = account.entity
    sections, _ = _sections(entity)
    return {
        "account": account,
        "entity": entity,
        "sections": sections,
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
@require_http_methods(["GET", "POST"])
def query_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = services.require_account(request.user, "enterprise.view")
    query = EnterpriseQuery.objects.filter(pk=pk, entity=account.entity).first()
    if query is None:
        raise _foreign(request, "问询")
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data.get("file")
        if f is not None and f.size > services.MAX_EVIDENCE_BYTES:
            form.add_error("file", "文件不能超过 20 MB")
        else:
            try:
                services.query_answer(
                    query=query,
                    answer=form.cleaned_data["answer"],
                    attachment=(f.name, f.read()) if f is not None else None,
                    by=request.user,
                )
                messages.success(request, "已提交答复")
                return redirect("enterprise:home")
            except ValidationError as exc:
                _errors(form, exc)
    context = {
        "q": query,
        "form": form,
        "links": law_links(query.legal_basis),
        "attachments": selectors.attachments_of(query),
    }
    return render(request, "enterprise/query.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def evidence_upload(request: HttpRequest) -> HttpResponse:
    account = services.require_account(request.user, "enterprise.evidence")
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        subject = form.cleaned_data["subject"] or "general:"
        subject_type, _, subject_id = subject.partition(":")
        f = form.cleaned_data["file"]
        if subject != "general:" and subject not in _sections(account.entity)[1]:
            raise _foreign(request, f"整改事项 {subject}")
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
        raise _foreign(request, "材料")
    return FileResponse(ev.file.open("rb"), content_type=ev.content_type)


@login_required
def provider_file(request: HttpRequest, key: str, ref: str) -> HttpResponse:
    """A file a provider shows the entity (a document issued to it); the provider answers None for
    anything not the entity's own."""
    account = services.require_account(request.user, "enterprise.view")
    p = provider(key)
    out = p.file(account.entity, ref) if p is not None and p.file is not None else None
    if out is None:
        raise _foreign(request, "文件")
    services.record_download(by=request.user, provider=key, ref=ref)
    response = HttpResponse(out.data, content_type=out.content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"document\"; filename*=UTF-8''{quote(out.filename)}"
    )
    return response


@login_required
@require_POST
def positive_list(request: HttpRequest) -> HttpResponse:
    account = services.require_account(request.user, "enterprise.positive_list")
    form = PositiveListForm(request.POST)
    if form.is_valid():
        try:
            services.positive_list_apply(reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, "申请已提交，将由执法机构审核")
            return redirect("enterprise:home")
        except ValidationError as exc:
            _errors(form, exc)
    return render(request, "enterprise/home.html", _home_context(account, positive=form), status=400)


# --- staff ----------------------------------------------------------------------------------------


@login_required
def staff_queries(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "enterprise.query", action="enterprise.queries")
    rows = selectors.queries_for(request.user)[:300]
    evidence = [
        (ev, selectors.SUBJECT_LABELS.get(ev.subject_type, "其他"))
        for ev in selectors.evidence_for_staff(request.user)[:300]
    ]
    return render(request, "enterprise/staff_queries.html", {"rows": rows, "evidence": evidence})


@login_required
@require_http_methods(["GET", "POST"])
def staff_query_new(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "enterprise.query", action="enterprise.query")
    form = QueryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entity = scope(Entity.objects.all(), request.user).filter(uscc=data["uscc"].strip().upper()).first()
        if entity is None:
            form.add_error("uscc", "辖区内没有该统一社会信用代码的监管对象")
        else:
            try:
                q = services.query_create(
                    entity=entity,
                    subject_type="general",
                    subject_id="",
                    title=data["title"],
                    question=data["question"],
                    legal_basis=data["legal_basis"],
                    due_date=data["due_date"],
                    by=request.user,
                )
                messages.success(request, "问询已发送，企业登录后可见并答复")
                return redirect("enterprise:staff-query", pk=q.pk)
            except ValidationError as exc:
                _errors(form, exc)
    return render(
        request, "enterprise/staff_query_new.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def staff_query(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "enterprise.query", action="enterprise.queries")
    query = selectors.query_get_for(request.user, pk)
    context = {"q": query, "attachments": selectors.attachments_of(query)}
    return render(request, "enterprise/staff_query.html", context)


@login_required
def staff_evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    authorize(request.user, "enterprise.query", action="enterprise.evidence_view")
    ev = selectors.evidence_get_for_staff(request.user, pk)
    return FileResponse(ev.file.open("rb"), content_type=ev.content_type)


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
