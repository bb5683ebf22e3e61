"""Lead pages: list, register (own discovery), triage — file a case, do not file, or transfer."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ecoenforce.cases import registry, selectors
from ecoenforce.cases.case_services import case_open
from ecoenforce.cases.models import Lead
from ecoenforce.cases.services import lead_decline, lead_open, lead_transfer
from ecoenforce.cases.views import _errors
from ecoenforce.catalog import selectors as catalog_selectors
from ecoenforce.entities.models import Entity
from ecoenforce.org.jurisdiction import scope
from ecoenforce.org.models import User
from ecoenforce.org.permissions import authorize
from ecoenforce.org.roles import Role


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "cases.view", action="cases.leads")
    leads = selectors.leads_for(request.user).order_by("-created_at")[:200]
    return render(request, "cases/leads.html", {"leads": leads})


@login_required
def lead_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    authorize(user, "cases.lead_open", user.unit, action="cases.lead_open")
    errors: list[str] = []
    if request.method == "POST":
        entity = (
            scope(Entity.objects.all(), user)
            .filter(uscc=request.POST.get("uscc", "").strip().upper())
            .first()
        )
        try:
            if entity is None:
                raise ValidationError(
                    {"entity": "未找到该统一社会信用代码对应的监管对象（或不在您的辖区内）"}
                )
            lead = lead_open(
                unit=user.unit,
                entity=entity,
                source_kind="discovery",
                source_ref=f"manual-{request.POST.get('key', '')[:60]}",
                summary=request.POST.get("summary", ""),
                facts={},
                by=user,
                attachments=request.FILES.getlist("attachments"),
            )
            return redirect("cases:lead", pk=lead.pk)
        except ValidationError as exc:
            errors = _errors(exc)
    return render(
        request, "cases/lead_new.html", {"errors": errors, "key": uuid.uuid4().hex, "data": request.POST}
    )


def _triage_context(lead: Lead, user: Any, errors: list[str], data: Any) -> dict[str, Any]:
    unit = lead.unit
    officers = (
        User.objects.filter(unit__path__startswith=unit.path, role_grants__role=Role.OFFICER, is_active=True)
        .distinct()
        .order_by("username")[:200]
    )
    items = catalog_selectors.effective_catalog(unit).entries
    source = registry.lead_source(lead.source_kind)
    return {
        "lead": lead,
        "officers": officers,
        "items": items,
        "errors": errors,
        "data": data,
        "source_url": source.url(lead.source_ref) if source else None,
        "today": dt.date.today(),
    }


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    authorize(user, "cases.view", action="cases.lead")
    lead = selectors.lead_for(user, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            return _triage(request, lead)
        except ValidationError as exc:
            errors = _errors(exc)
    return render(
        request,
        "cases/lead.html",
        _triage_context(lead, user, errors, request.POST),
        status=422 if errors else 200,
    )


def _triage(request: HttpRequest, lead: Lead) -> HttpResponse:
    user: Any = request.user
    post, what = request.POST, request.POST.get("what")
    if what == "decline":
        lead_decline(lead=lead, reason=post.get("reason", ""), by=user)
        messages.success(request, "已决定不予立案")
        return redirect("cases:lead", pk=lead.pk)
    if what == "transfer":
        lead_transfer(lead=lead, to=post.get("transfer_to", ""), reason=post.get("reason", ""), by=user)
        messages.success(request, "已移送")
        return redirect("cases:lead", pk=lead.pk)
    try:
        act_date = dt.date.fromisoformat(post.get("act_date", ""))
    except ValueError:
        raise ValidationError({"act_date": "请填写违法行为发生日期（YYYY-MM-DD）"}) from None
    ids = [int(i) for i in post.getlist("officers") if i.isdigit()]
    officers = list(User.objects.filter(pk__in=ids, unit__path__startswith=lead.unit.path))
    case = case_open(
        lead=lead,
        by=user,
        title=post.get("title", ""),
        act_date=act_date,
        item_codes=post.getlist("items"),
        officers=officers,
        place=post.get("place", ""),
        is_special=post.get("is_special") == "on",
        special_team=post.get("special_team", ""),
        procedure=post.get("procedure", "general"),
    )
    messages.success(
        request, "已登记立案，待负责人批准" if case.state == "pending_filing" else "已按简易程序登记"
    )
    return redirect("cases:detail", pk=case.pk)
