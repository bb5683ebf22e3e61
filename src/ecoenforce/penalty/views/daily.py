"""按日连续处罚 and 加处罚款 (late fee) pages of the calculator: the dates in, the amount and its
derivation out (engine.daily_penalty).  Nothing is stored; thin: the engine checks every input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ecoenforce.org.permissions import authorize
from ecoenforce.penalty.engine import daily_penalty
from ecoenforce.penalty.engine.errors import CatalogError
from ecoenforce.penalty.engine.words import rmb_upper

CYCLES = 3
DATE = {"type": "date", "class": "form-control"}
TEXT = {"class": "form-control", "inputmode": "decimal", "autocomplete": "off", "maxlength": "30"}


class DailyForm(forms.Form):
    original_fine = forms.CharField(label="原处罚决定书确定的罚款数额（元）", max_length=30,
                                    widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(CYCLES):
            self.fields[f"served_{i}"] = forms.CharField(
                label=f"第{i + 1}次责令改正决定书送达日期", required=i == 0,
                widget=forms.DateInput(attrs=DATE))
            self.fields[f"rechecked_{i}"] = forms.CharField(
                label=f"第{i + 1}次复查日期", required=i == 0, widget=forms.DateInput(attrs=DATE))
            self.fields[f"found_{i}"] = forms.BooleanField(
                label="复查时仍在实施违法行为（拒不改正）", required=False, initial=True,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def cycles(self) -> list[dict[str, object]]:
        d = self.cleaned_data
        return [{"order_served": d[f"served_{i}"], "rechecked": d[f"rechecked_{i}"],
                 "violation_found": bool(d.get(f"found_{i}"))}
                for i in range(CYCLES) if d.get(f"served_{i}") or d.get(f"rechecked_{i}")]


class LateFeeForm(forms.Form):
    fine = forms.CharField(label="罚款数额（元）", max_length=30, widget=forms.TextInput(attrs=TEXT))
    due_date = forms.CharField(label="缴纳罚款的期限（最后一日）", widget=forms.DateInput(attrs=DATE))
    paid_date = forms.CharField(label="实际缴纳日期（未缴纳的留空，按今天计算）", required=False,
                                widget=forms.DateInput(attrs=DATE))


def _field(form: forms.Form, path: str) -> str | None:
    name = {"original_fine": "original_fine", "fine": "fine", "due_date": "due_date",
            "paid_date": "paid_date"}.get(path)
    if name is None and path.startswith("cycles["):
        i, _, key = path[len("cycles["):].partition("].")
        name = {"order_served": f"served_{i}", "rechecked": f"rechecked_{i}"}.get(key)
    return name if name in form.fields else None


@login_required
def daily(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "catalog.compute_penalty", action="catalog.compute_penalty")
    kind = request.POST.get("kind") if request.method == "POST" else None
    daily_form = DailyForm(request.POST if kind == "daily" else None, prefix="d")
    late_form = LateFeeForm(request.POST if kind == "late" else None, prefix="l")
    ctx: dict[str, Any] = {"daily_form": daily_form, "late_form": late_form}
    form: forms.Form | None = daily_form if kind == "daily" else late_form if kind == "late" else None
    if form is not None and form.is_valid():
        try:
            if kind == "daily":
                r: Any = daily_penalty.compute_daily_penalty(
                    original_fine=daily_form.cleaned_data["original_fine"],
                    cycles=daily_penalty.cycles_from_json(daily_form.cycles()))
            else:
                d = late_form.cleaned_data
                r = daily_penalty.late_fee_for_dates(fine=d["fine"], due_date=d["due_date"],
                                                     paid_date=d["paid_date"] or None,
                                                     today=timezone.localdate())
            ctx["result"] = {"kind": kind, "r": r, "words": rmb_upper(r.amount)}
        except CatalogError as exc:
            form.add_error(_field(form, exc.path), exc.message)
    return render(request, "penalty/daily.html", ctx)
