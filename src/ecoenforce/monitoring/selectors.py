"""Every read of the monitoring pages and API, scoped to the user's jurisdiction (404 outside it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ecoenforce.entities.models import MonitoringPoint, PollutantLimit
from ecoenforce.monitoring.models import Alert, AlertStatus, Measurement, Period
from ecoenforce.org.jurisdiction import scope

OPEN = (AlertStatus.NEW, AlertStatus.EXPLAINING, AlertStatus.CONFIRMED)
ONLINE_WITHIN = dt.timedelta(hours=2)  # an hourly logger that missed two hours is offline
POLLUTANT_NAMES = {
    "w01018": "化学需氧量",
    "w21003": "氨氮",
    "w21011": "总磷",
    "w21001": "总氮",
    "w01001": "pH值",
    "w00000": "污水流量",
    "a21026": "二氧化硫",
    "a21002": "氮氧化物",
    "a34013": "颗粒物",
    "a19001": "氧含量",
    "a01011": "烟气流速",
    "a01012": "烟气温度",
    "a00000": "废气流量",
}


def pollutant_name(code: str) -> str:
    return POLLUTANT_NAMES.get(code, code)


def points_for(user: Any) -> QuerySet[MonitoringPoint]:
    qs = MonitoringPoint.objects.select_related("outlet__entity__owner_unit", "device")
    return scope(qs, user, "outlet__entity__owner_unit")


def point_get_for(user: Any, pk: int) -> MonitoringPoint:
    point = points_for(user).filter(pk=pk).first()
    if point is None:
        raise Http404("未找到，或不在您的辖区内")
    return point


def alerts_for(user: Any) -> QuerySet[Alert]:
    return scope(Alert.objects.select_related("entity", "point", "owner_unit"), user)


def alert_get_for(user: Any, pk: int) -> Alert:
    alert = alerts_for(user).filter(pk=pk).first()
    if alert is None:
        raise Http404("未找到，或不在您的辖区内")
    return alert


@dataclass
class PointRow:
    point: MonitoringPoint
    status: str  # online / offline / abnormal
    status_label: str
    open_alerts: int
    last_seen: dt.datetime | None


STATUS_LABELS = {"online": "在线", "offline": "离线", "abnormal": "异常"}


def point_rows(user: Any, now: dt.datetime, *, status: str = "", q: str = "") -> list[PointRow]:
    qs = points_for(user).filter(active=True)
    if q:
        qs = qs.filter(Q(mn__icontains=q) | Q(outlet__entity__name__icontains=q))
    open_counts = dict(
        alerts_for(user)
        .filter(status__in=OPEN)
        .values("point_id")
        .annotate(n=Count("id"))
        .values_list("point_id", "n")
    )
    rows = []
    for p in qs.order_by("outlet__entity__name", "mn")[:2000]:
        device = getattr(p, "device", None)
        seen = device.last_seen_at if device else None
        n = open_counts.get(p.pk, 0)
        st = "abnormal" if n else ("online" if seen and now - seen <= ONLINE_WITHIN else "offline")
        if not status or st == status:
            rows.append(PointRow(p, st, STATUS_LABELS[st], n, seen))
    return rows


def series(
    point: MonitoringPoint, start: dt.datetime, end: dt.datetime, period: str = Period.HOUR
) -> dict[str, Any]:
    """{pollutant: {name, points: [[iso, value, flag]], limit, unit}} for the point's chart."""
    rows = (
        Measurement.objects.filter(point_id=point.pk, period=period, data_time__gte=start, data_time__lt=end)
        .order_by("data_time")
        .values_list("pollutant", "data_time", "value", "flag")
    )
    limits = {
        lim.pollutant_code: lim
        for lim in PollutantLimit.objects.filter(outlet_id=point.outlet_id).order_by("averaging_period")
    }
    out: dict[str, Any] = {}
    for pol, t, v, flag in rows:
        entry = out.setdefault(pol, {"name": pollutant_name(pol), "points": [], "limit": None, "unit": ""})
        entry["points"].append([t.isoformat(), v, flag])
    for pol, entry in out.items():
        if pol in limits:
            entry["limit"] = float(limits[pol].limit_value)
            entry["unit"] = limits[pol].unit
            entry["limit_period"] = limits[pol].get_averaging_period_display()
    return out


def compliance_strip(entity_id: int, user: Any, today: dt.date, months: int = 12) -> list[dict[str, Any]]:
    """Per month (oldest first): alerts raised at the entity's points — exceedance and other anomalies."""
    first = dt.date(today.year, today.month, 1)
    starts = []
    y, m = first.year, first.month
    for _ in range(months):
        starts.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    starts.reverse()
    alerts = (
        alerts_for(user)
        .filter(entity_id=entity_id, window_start__date__gte=starts[0])
        .exclude(status=AlertStatus.DISMISSED)
    )
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for rule, t in alerts.values_list("rule", "window_start"):
        key = (t.year, t.month)
        c = counts.setdefault(key, {"exceedance": 0, "other": 0})
        c["exceedance" if rule == "exceedance" else "other"] += 1
    strip = []
    for s in starts:
        c = counts.get((s.year, s.month), {"exceedance": 0, "other": 0})
        level = "violation" if c["exceedance"] else ("warning" if c["other"] else "ok")
        strip.append({"label": f"{s.year}年{s.month}月", "short": f"{s.month}月", **c, "level": level})
    return strip
