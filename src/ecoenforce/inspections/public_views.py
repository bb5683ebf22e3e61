"""The public side (一公开, no login): published draw plans and results with their JSON, the verifier
where anyone pastes or uploads a published draw, and inspection results. Officers' names appear
only for inspections already carried out."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ecoenforce.inspections import draw
from ecoenforce.inspections.forms import VerifyForm
from ecoenforce.inspections.models import DrawPlan, DrawStatus
from ecoenforce.inspections.models_work import Inspection

PUBLIC_PLAN = (DrawStatus.PUBLISHED, DrawStatus.DRAWN, DrawStatus.RESULT_PUBLISHED)


def draws(request: HttpRequest) -> HttpResponse:
    plans = (
        DrawPlan.objects.filter(status__in=PUBLIC_PLAN).select_related("unit").order_by("-published_at")[:200]
    )
    return render(request, "inspections/public/draws.html", {"plans": plans})


def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(DrawPlan.objects.select_related("unit"), pk=pk, status__in=PUBLIC_PLAN)
    result = plan.document if plan.status == DrawStatus.RESULT_PUBLISHED else None
    if request.GET.get("format") == "json":
        body = (
            result
            if result is not None
            else {"plan": plan.plan, "commitment": plan.commitment, "pool": plan.pool}
        )
        response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="draw-{plan.pk}.json"'
        return response
    rows = []
    if result is not None:
        inspections = {i.entity.uscc: i for i in plan.inspections.select_related("entity")}
        for uscc, stratum, _team in result["result"]["selected"]:
            rows.append({"uscc": uscc, "stratum": stratum, "inspection": inspections.get(uscc)})
    return render(request, "inspections/public/draw.html", {"plan": plan, "result": result, "rows": rows})


def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    differences: list[str] | None = None
    if request.method == "POST" and form.is_valid():
        differences = draw.verify(form.cleaned_data["text"])
    return render(request, "inspections/public/verify.html", {"form": form, "differences": differences})


def results(request: HttpRequest) -> HttpResponse:
    qs = (
        Inspection.objects.filter(published_at__isnull=False)
        .select_related("entity", "unit")
        .prefetch_related("items")
        .order_by("-inspected_at", "-id")[:300]
    )
    return render(request, "inspections/public/results.html", {"inspections": qs})


def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(
        Inspection.objects.select_related("entity", "unit"), pk=pk, published_at__isnull=False
    )
    if inspection.inspected_at is None:
        raise Http404
    problems = inspection.items.filter(outcome="problem")
    return render(
        request,
        "inspections/public/result.html",
        {"inspection": inspection, "problems": problems, "officers": inspection.officers.all()},
    )
