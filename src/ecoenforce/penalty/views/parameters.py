"""The legal parameters page (法律参数): every legal figure the platform uses, its source, whether it
is verified, its history, and (for the legal reviewers of the top unit) the confirm/change form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ecoenforce.org.permissions import authorize, can
from ecoenforce.penalty import params
from ecoenforce.penalty.forms import ParameterConfirmForm


def may_confirm(user: Any) -> bool:
    unit = getattr(user, "unit", None)
    return can(user, "catalog.confirm_parameter") and unit is not None and unit.parent_id is None


def _page(request: HttpRequest, *, errors: dict[str, ParameterConfirmForm] | None = None) -> HttpResponse:
    states = params.legal_parameters()
    groups = params.parameter_file().groups
    confirm = may_confirm(request.user)
    forms = errors or {}
    sections = []
    for code, label in groups.items():
        rows = [s for s in states if s.definition.group == code]
        for s in rows:
            s.form = forms.get(s.definition.key) or (
                ParameterConfirmForm(initial={"value": s.value_text}, prefix=_prefix(s.definition.key))
                if confirm else None)
        sections.append({"code": code, "label": label, "rows": rows})
    unverified = sum(1 for s in states if not s.verified)
    return render(request, "penalty/parameters.html", {
        "sections": sections, "may_confirm": confirm, "total": len(states), "unverified": unverified,
    }, status=400 if errors else 200)


def _prefix(key: str) -> str:
    return "p-" + key.replace(".", "_")


@login_required
def parameters(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "catalog.view", action="catalog.parameters_view")
    return _page(request)


@login_required
@require_POST
def confirm(request: HttpRequest, key: str) -> HttpResponse:
    authorize(request.user, "catalog.confirm_parameter", action="catalog.parameter_confirm")
    if key not in params.parameter_file().parameters:
        raise Http404
    form = ParameterConfirmForm(request.POST, prefix=_prefix(key))
    if form.is_valid():
        try:
            row = params.legal_parameter_confirm(
                by=request.user, key=key, value=form.cleaned_data["value"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            name = params.definition(key).name
            verb = "已修改" if row.changed else "已确认"
            messages.success(request, f"{verb}法律参数「{name}」：{row.value}")
            return redirect(f"{reverse('penalty:parameters')}#param-{key.replace('.', '_')}")
    return _page(request, errors={key: form})
