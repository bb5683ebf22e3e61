"""Monitoring pages: points (list + map), a point's chart, alerts (list, Excel, detail with actions)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ecoenforce.entities.selectors import entity_get_for
from ecoenforce.monitoring import alerts as al
from ecoenforce.monitoring import handoff, power_import
from ecoenforce.monitoring import selectors as sel
from ecoenforce.monitoring.excel import alerts_xlsx
from ecoenforce.monitoring.models import (
    AlertStatus,
    MaintenanceWindow,
    Measurement,
    PowerImport,
    PowerMeter,
    Severity,
)
from ecoenforce.monitoring.services import maintenance_window_add
from ecoenforce.org.permissions import authorize, can

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "monitoring.view", action="monitoring.points")
    status = request.GET.get("status", "")
    status = status if status in sel.STATUS_LABELS else ""
    q = request.GET.get("q", "").strip()[:50].replace("\x00", "")
    rows = sel.point_rows(request.user, timezone.now(), status=status, q=q)
    markers = [
        {
            "lat": float(r.point.outlet.entity.latitude),
            "lng": float(r.point.outlet.entity.longitude),
            "name": r.point.outlet.entity.name,
            "mn": r.point.mn,
            "status": r.status,
            "label": r.status_label,
            "url": f"/monitoring/points/{r.point.pk}/",
        }
        for r in rows
        if r.point.outlet.entity.latitude is not None and r.point.outlet.entity.longitude is not None
    ]
    everything = rows if not status and not q else sel.point_rows(request.user, timezone.now())
    cards = [(k, name, sum(1 for r in everything if r.status == k)) for k, name in sel.STATUS_LABELS.items()]
    return render(
        request,
        "monitoring/points.html",
        {
            "rows": rows,
            "status": status,
            "q": q,
            "statuses": sel.STATUS_LABELS,
            "cards": cards,
            "markers": markers,
        },
    )


@login_required
def division_layer(request: HttpRequest) -> JsonResponse:
    """Base layer without tiles: a rectangle per county around its entities (示意, not legal bounds)."""
    authorize(request.user, "monitoring.view", action="monitoring.map")
    boxes: dict[str, list[float]] = {}
    for p in sel.points_for(request.user).exclude(outlet__entity__latitude=None):
        e = p.outlet.entity
        code = e.division_code[:6]
        lat, lng = float(e.latitude or 0), float(e.longitude or 0)
        b = boxes.setdefault(code, [lat, lng, lat, lng])
        boxes[code] = [min(b[0], lat), min(b[1], lng), max(b[2], lat), max(b[3], lng)]
    from ecoenforce.org.divisions import division_full_name

    features = [
        {
            "type": "Feature",
            "properties": {"name": division_full_name(code) or code},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [b[1] - 0.02, b[0] - 0.02],
                        [b[3] + 0.02, b[0] - 0.02],
                        [b[3] + 0.02, b[2] + 0.02],
                        [b[1] - 0.02, b[2] + 0.02],
                        [b[1] - 0.02, b[0] - 0.02],
                    ]
                ],
            },
        }
        for code, b in sorted(boxes.items())
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "monitoring.view", action="monitoring.point")
    point = sel.point_get_for(request.user, pk)
    try:
        days = max(1, min(int(request.GET.get("days", "7")), 90))
    except ValueError:
        days = 7
    end = timezone.now()
    data = sel.series(point, end - dt.timedelta(days=days), end)
    if not data:  # show the last data there is (e.g. a logger that went silent)
        last = Measurement.objects.filter(point_id=point.pk).order_by("-data_time").first()
        if last is not None:
            end = last.data_time + dt.timedelta(hours=1)
            data = sel.series(point, end - dt.timedelta(days=days), end)
    alerts = sel.alerts_for(request.user).filter(point=point)[:50]
    return render(
        request,
        "monitoring/point.html",
        {
            "point": point,
            "entity": point.outlet.entity,
            "series": data,
            "days": days,
            "alerts": alerts,
            "rule_label": al.rule_label,
            "windows": MaintenanceWindow.objects.filter(point=point)[:50],
            "window_kinds": MaintenanceWindow.Kind.choices,
            "can_feed": can(request.user, "monitoring.feed", point.outlet.entity),
        },
    )


@login_required
@require_POST
def maintenance_window_create(request: HttpRequest, pk: int) -> HttpResponse:
    point = sel.point_get_for(request.user, pk)
    try:
        maintenance_window_add(
            point=point,
            kind=request.POST.get("kind", ""),
            starts_at=request.POST.get("starts_at", ""),
            ends_at=request.POST.get("ends_at", ""),
            note=request.POST.get("note", ""),
            by=request.user,
        )
        messages.success(request, "已登记运维时段")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("monitoring:point", pk=pk)


def _alert_filters(request: HttpRequest) -> dict[str, str]:
    f = {k: request.GET.get(k, "")[:20] for k in ("status", "rule", "severity")}
    if f["status"] not in AlertStatus.values:
        f["status"] = ""
    if f["rule"] not in al.rule_basis():
        f["rule"] = ""
    if f["severity"] not in {str(v) for v in Severity.values}:
        f["severity"] = ""
    return f


def _filtered_alerts(request: HttpRequest, f: dict[str, str]) -> Any:
    qs = sel.alerts_for(request.user)
    if f["status"]:
        qs = qs.filter(status=f["status"])
    if f["rule"]:
        qs = qs.filter(rule=f["rule"])
    if f["severity"]:
        qs = qs.filter(severity=int(f["severity"]))
    return qs


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "monitoring.view", action="monitoring.alerts")
    f = _alert_filters(request)
    alerts = _filtered_alerts(request, f)[:500]
    rules = {k: v["label"] for k, v in al.rule_basis().items()}
    return render(
        request,
        "monitoring/alerts.html",
        {
            "alerts": alerts,
            "f": f,
            "statuses": AlertStatus.choices,
            "rules": rules,
            "severities": Severity.choices,
            "can_export": can(request.user, "monitoring.export"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def alert_export(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "monitoring.export", action="monitoring.alerts_export")
    data = alerts_xlsx(_filtered_alerts(request, _alert_filters(request))[:20000])
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"alerts.xlsx\"; filename*=UTF-8''{quote('告警.xlsx')}"
    )
    return response


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "monitoring.view", action="monitoring.alert")
    alert = sel.alert_get_for(request.user, pk)
    basis = al.rule_basis().get(alert.rule, {})
    catalog = basis.get("catalog", {}).get(alert.point.outlet.kind, "")
    return render(
        request,
        "monitoring/alert.html",
        {
            "alert": alert,
            "basis": basis,
            "catalog": catalog,
            "rule_label": al.rule_label(alert.rule),
            "pollutant": sel.pollutant_name(alert.pollutant) if alert.pollutant else "",
            "can_handle": can(request.user, "monitoring.handle_alert", alert),
            "lead_url": handoff.lead_url(alert.lead_ref),
            "enterprise_queries": handoff.enterprise_answers(alert=alert, user=request.user),
            "can_ask_enterprise": handoff.enterprise_available(),
            "facts": json.dumps({k: v for k, v in alert.facts.items() if k != "basis"}, ensure_ascii=False),
        },
    )


def _date_or_none(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise ValidationError("答复期限的日期格式不正确") from None


ACTIONS = {
    "explain": lambda a, u, p: al.alert_request_explanation(
        alert=a, by=u, question=p.get("question", ""), due_date=_date_or_none(p.get("due_date", ""))
    ),
    "explanation": lambda a, u, p: al.alert_record_explanation(
        alert=a, explanation=p.get("explanation", ""), by=u
    ),
    "confirm": lambda a, u, p: al.alert_confirm(alert=a, by=u),
    "dismiss": lambda a, u, p: al.alert_dismiss(alert=a, reason=p.get("reason", ""), by=u),
    "lead": lambda a, u, p: al.alert_open_lead(alert=a, by=u),
}
DONE = {
    "explain": "已要求企业说明",
    "explanation": "已记录企业说明",
    "confirm": "已确认告警",
    "dismiss": "已排除告警",
    "lead": "已转为案件线索",
}


@login_required
@require_POST
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    alert = sel.alert_get_for(request.user, pk)
    if action not in ACTIONS:
        return redirect("monitoring:alert", pk=pk)
    try:
        ACTIONS[action](alert, request.user, request.POST)
        messages.success(request, DONE[action])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("monitoring:alert", pk=pk)


@login_required
def power_import_upload(request: HttpRequest, entity_id: int) -> HttpResponse:
    entity = entity_get_for(request.user, entity_id)
    authorize(request.user, "monitoring.feed", entity, action="power_readings.import")
    error, status = "", 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "请选择要上传的 Excel 文件"
        elif upload.size is not None and upload.size > power_import.MAX_BYTES:
            error = "文件超过 20 MB 上限，请拆分后分批导入"
        else:
            try:
                preview = power_import.power_import_preview(
                    entity=entity, data=upload.read(), file_name=upload.name or "", by=request.user
                )
            except ValidationError as exc:
                error = "；".join(exc.messages)
            else:
                return redirect("monitoring:power_import_preview", pk=preview.pk)
        status = 400
    meters = PowerMeter.objects.filter(entity=entity).order_by("code")
    return render(
        request,
        "monitoring/power_import.html",
        {"entity": entity, "error": error, "meters": meters, "max_rows": power_import.MAX_ROWS},
        status=status,
    )


@login_required
def power_import_template(request: HttpRequest, entity_id: int) -> HttpResponse:
    entity = entity_get_for(request.user, entity_id)
    authorize(request.user, "monitoring.feed", entity, action="power_readings.import")
    response = HttpResponse(power_import.template_bytes(entity), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote("分表计电读数导入模板.xlsx")
    return response


@login_required
def power_import_preview(request: HttpRequest, pk: str) -> HttpResponse:
    preview = power_import.power_import_get_for(request.user, pk)
    return render(
        request,
        "monitoring/power_import_preview.html",
        {
            "preview": preview,
            "entity": preview.entity,
            "good_shown": [(c, t[:16].replace("T", " "), v) for c, t, v in preview.good_rows[:200]],
            "errors_shown": preview.errors[:2000],
            "committable": preview.status == PowerImport.Status.PREVIEWED and bool(preview.good_rows),
        },
    )


@login_required
@require_POST
def power_import_commit(request: HttpRequest, pk: str) -> HttpResponse:
    preview = power_import.power_import_get_for(request.user, pk)
    try:
        done = power_import.power_import_commit(preview=preview, by=request.user)
        messages.success(request, f"已导入 {done.added} 条读数（已存在的 {done.duplicates} 条未重复导入）")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("monitoring:power_import_preview", pk=preview.pk)
