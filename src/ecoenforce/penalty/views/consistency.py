"""The consistency report page (同案不同罚分析) and its Excel export.

For team leaders, legal reviewers, bureau heads and supervisors (catalog.consistency_report), over
the recorded decisions of their jurisdiction: filters (unit subtree, decision dates, item), a chart
per unit, tables per unit, per officer and per item, and the decisions that deviate most.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from ecoenforce.org.jurisdiction import visible_units
from ecoenforce.org.models import Unit
from ecoenforce.org.permissions import authorize
from ecoenforce.penalty import excel as consistency_excel
from ecoenforce.penalty.engine.consistency import Aggregate
from ecoenforce.penalty.forms import ConsistencyForm
from ecoenforce.penalty.models import DecisionType
from ecoenforce.penalty.selectors import ConsistencyFilters, ConsistencyResult, consistency_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DECISION_LABELS = dict(DecisionType.choices)


def _filters(request: HttpRequest) -> tuple[ConsistencyForm, ConsistencyFilters]:
    authorize(request.user, "catalog.consistency_report", action="catalog.consistency_report")
    units = list(visible_units(request.user).order_by("path"))
    # Without filters: the decisions of the last twelve months (the whole history may be millions).
    data = request.GET or {"date_from": (timezone.localdate() - timedelta(days=365)).isoformat()}
    form = ConsistencyForm(data, units=[(u.pk, u.name) for u in units])
    if not form.is_valid():
        return form, ConsistencyFilters()
    d = form.cleaned_data
    unit = None
    if d.get("unit") is not None:
        unit = next((u for u in units if u.pk == d["unit"]), None)
        if unit is None:
            raise Http404
    return form, ConsistencyFilters(
        unit=unit, date_from=d.get("date_from"), date_to=d.get("date_to"), item_code=d.get("item") or ""
    )


def row(label: str, agg: Aggregate, **extra: Any) -> dict[str, Any]:
    return {
        "label": label,
        "count": agg.count,
        "compared": agg.compared,
        "flagged": agg.flagged,
        "share": agg.flagged_share * 100,
        "without_reason": agg.flagged_without_reason,
        "mean_abs_gap": agg.mean_abs_gap,
        "mean_rel_gap": agg.mean_rel_gap * 100,
        "errors": agg.errors,
        "drift": agg.drift,
        **extra,
    }


def tables(result: ConsistencyResult) -> dict[str, list[dict[str, Any]]]:
    rep = result.report
    units = sorted(rep.by_unit.items(), key=lambda kv: _unit(result, kv[0]).path)
    officers = sorted(rep.by_officer.items(), key=lambda kv: (-kv[1].flagged_share, -kv[1].count))
    return {
        "units": [row(_unit(result, pk).name, agg, pk=pk) for pk, agg in units],
        "officers": [
            row(_officer(result, pk), agg, unit=_unit(result, rep.officer_units.get(pk, 0)).name)
            for pk, agg in officers
        ],
        "items": [
            row(code, agg, name=result.item_names.get(code, "")) for code, agg in sorted(rep.by_item.items())
        ],
        "flagged": [
            {
                "pk": f.pk,
                "unit": _unit(result, f.unit_id).name,
                "officer": _officer(result, f.officer_id),
                "item": f.item_code,
                "decided_on": f.decided_on,
                "decision": DECISION_LABELS.get(f.decision, f.decision),
                "benchmark_decision": DECISION_LABELS.get(f.benchmark.decision, f.benchmark.decision),
                "decided": f.decided_amount,
                "benchmark": f.benchmark.amount,
                "gap": f.gap,
                "rel_gap": None if f.rel_gap is None else f.rel_gap * 100,
                "has_reason": f.has_reason,
            }
            for f in result.flagged
        ],
    }


def _unit(result: ConsistencyResult, pk: int) -> Unit:
    return result.units.get(pk) or Unit(name=f"单位{pk}", path="~")


def _officer(result: ConsistencyResult, pk: int) -> str:
    user = result.officers.get(pk)
    return getattr(user, "display_name", None) or (user.username if user else f"用户{pk}")


def chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """ECharts option: decisions and deviating decisions per unit, deviation share on a second axis."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["裁量决定数", "偏离基准数", "偏离率(%)"]},
        "grid": {"left": 50, "right": 50, "bottom": 80, "containLabel": True},
        "xAxis": {"type": "category", "data": [r["label"] for r in rows], "axisLabel": {"rotate": 30}},
        "yAxis": [{"type": "value", "name": "件"}, {"type": "value", "name": "%", "max": 100}],
        "series": [
            {"name": "裁量决定数", "type": "bar", "data": [r["count"] for r in rows]},
            {"name": "偏离基准数", "type": "bar", "data": [r["flagged"] for r in rows]},
            {
                "name": "偏离率(%)",
                "type": "line",
                "yAxisIndex": 1,
                "data": [round(float(r["share"]), 1) for r in rows],
            },
        ],
    }


@login_required
def consistency(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    result = consistency_report(request.user, filters) if form.is_valid() else None
    context: dict[str, Any] = {"form": form, "result": result}
    if result is not None:
        t = tables(result)
        context.update(
            t, total=row("合计", result.report.total), chart=chart(t["units"]), query=request.GET.urlencode()
        )
    return render(request, "penalty/consistency.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    if not form.is_valid():
        raise Http404
    result = consistency_report(request.user, filters, keep=5000)
    t = tables(result)
    content = consistency_excel.workbook(result, t, row("合计", result.report.total))
    name = f"同案不同罚分析-{timezone.localdate():%Y%m%d}.xlsx"
    return HttpResponse(
        content, content_type=XLSX, headers={"Content-Disposition": content_disposition_header(True, name)}
    )
