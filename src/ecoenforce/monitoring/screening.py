"""Run the rules over the stored hourly data (the worker's periodic job) and raise alerts.

Builds one matrix row per (point, pollutant) over the last 30 days of hourly data, with the outlet's
limit for the pollutant (day-averaged limits are judged on day means, as configured in the registry),
the point's flow series and its power meters, then hands the findings to alerts.alert_raise.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np

from ecoenforce.entities.models import MonitoringPoint, Outlet, PollutantLimit
from ecoenforce.monitoring.models import (
    EquipmentKind,
    MaintenanceWindow,
    Measurement,
    Period,
    PowerMeter,
    PowerReading,
)
from ecoenforce.monitoring.notices import latest_notices
from ecoenforce.monitoring.rules import Finding
from ecoenforce.monitoring.screen_pure import screen_all

WINDOW_HOURS = 720
CST = dt.timezone(dt.timedelta(hours=8), "CST")
FLOW_CODES = ("w00000", "a00000")


def _hour_floor(t: dt.datetime) -> dt.datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def screen_recent(*, now: dt.datetime, point_ids: list[int] | None = None) -> int:
    """Screen the last 30 days; returns the number of alerts raised or updated."""
    from ecoenforce.monitoring.alerts import alert_raise

    end = _hour_floor(now)
    # days are judged as Beijing calendar days (DataTime is local time, HJ 212 Table 4)
    start = (end.astimezone(CST) - dt.timedelta(hours=WINDOW_HOURS)).replace(hour=0)
    data = _load(start, end, point_ids)
    if data is None:
        return 0
    keys, matrices = data
    found = screen_all(**matrices)
    for f in found:
        point_id, pollutant = keys[f.row]
        alert_raise(point_id=point_id, pollutant=_pollutant_for(f, pollutant), finding=f, origin=start)
    return len(found)


def _pollutant_for(f: Finding, pollutant: str) -> str:
    return "" if f.rule in ("treatment_off", "status_contradiction") else pollutant


def _load(
    start: dt.datetime, end: dt.datetime, point_ids: list[int] | None
) -> tuple[list[Any], dict[str, Any]] | None:
    qs = Measurement.objects.filter(period=Period.HOUR, data_time__gte=start, data_time__lte=end)
    if point_ids is not None:
        qs = qs.filter(point_id__in=point_ids)
    rows = list(qs.values_list("point_id", "pollutant", "data_time", "value", "flag"))
    if not rows:
        return None
    hours = int((end - start).total_seconds() // 3600) + 1
    series = sorted({(p, pol) for p, pol, *_ in rows if "-" not in pol and pol not in FLOW_CODES})
    if not series:
        return None
    index = {k: i for i, k in enumerate(series)}
    values = np.full((len(series), hours), np.nan)
    flags = np.full((len(series), hours), "N")
    flow_by_point: dict[int, np.ndarray] = defaultdict(lambda: np.full(hours, np.nan))
    for p, pol, t, v, fl in rows:
        col = int((t - start).total_seconds() // 3600)
        if pol in FLOW_CODES:
            flow_by_point[p][col] = np.nan if v is None else v
        elif (p, pol) in index:
            values[index[(p, pol)], col] = np.nan if v is None else v
            flags[index[(p, pol)], col] = fl or "N"
    limits, daily = _limits(series)
    point_rows = [p for p, _ in series]
    flow = np.vstack([flow_by_point[p] for p in point_rows])
    production, treatment, running = _power(point_rows, start, hours)
    scheduled = _scheduled(point_rows, start, hours)
    running_status = _running_status(point_rows, start, hours)
    notices = _notices(point_rows, start, end)
    return series, {
        "values": values,
        "flags": flags,
        "limits": limits,
        "daily": daily,
        "flow": flow,
        "production_kw": production,
        "treatment_kw": treatment,
        "running_kw": running,
        "scheduled": scheduled,
        "running_status": running_status,
        "notices": notices,
    }


def _col(t: dt.datetime, start: dt.datetime) -> int:
    return int((t - start).total_seconds() // 3600)


def _scheduled(points: list[int], start: dt.datetime, hours: int) -> np.ndarray:
    """Hours covered by a recorded maintenance window of each row's point (a partly covered hour counts)."""
    out = np.zeros((len(points), hours), dtype=bool)
    end = start + dt.timedelta(hours=hours)
    rows_of: dict[int, list[int]] = defaultdict(list)
    for i, p in enumerate(points):
        rows_of[p].append(i)
    for p, a, b in MaintenanceWindow.objects.filter(
        point_id__in=set(points), starts_at__lt=end, ends_at__gt=start
    ).values_list("point_id", "starts_at", "ends_at"):
        first = max(0, _col(a, start))
        last = min(hours, -(-int((b - start).total_seconds()) // 3600))  # ceil: the hour the window ends in
        out[rows_of[p], first:last] = True
    return out


def _running_status(points: list[int], start: dt.datetime, hours: int) -> np.ndarray:
    """Each hour's treatment running status (HJ 212 SBxxx-RS, any period): the lowest reported in the hour
    across the point's facilities, so one facility off counts as off; NaN where none was reported."""
    out = np.full((len(points), hours), np.nan)
    end = start + dt.timedelta(hours=hours)
    rows_of: dict[int, list[int]] = defaultdict(list)
    for i, p in enumerate(points):
        rows_of[p].append(i)
    for p, t, v in Measurement.objects.filter(
        point_id__in=set(points), pollutant__endswith="-RS", data_time__gte=start, data_time__lt=end
    ).values_list("point_id", "data_time", "value"):
        if v is None:
            continue
        col = _col(t, start)
        for i in rows_of[p]:
            out[i, col] = np.fmin(out[i, col], v)
    return out


def _notices(points: list[int], start: dt.datetime, end: dt.datetime) -> np.ndarray:
    """Hour index of the latest inspection notice of each row's entity within the window, -1 none."""
    entity_of = dict(
        MonitoringPoint.objects.filter(pk__in=set(points)).values_list("pk", "outlet__entity_id")
    )
    latest = latest_notices(set(entity_of.values()), start, end)
    return np.array(
        [_col(latest[entity_of[p]], start) if entity_of.get(p) in latest else -1 for p in points],
        dtype=np.intp,
    )


def _limits(series: list[tuple[int, str]]) -> tuple[np.ndarray, np.ndarray]:
    """The limit each row is judged on: the outlet's hour limit for air, day limit for water (either, if only
    one is configured); instantaneous limits are not averaged and not used here."""
    outlets = dict(
        MonitoringPoint.objects.filter(pk__in={p for p, _ in series}).values_list("pk", "outlet_id")
    )
    kinds = dict(Outlet.objects.filter(pk__in=set(outlets.values())).values_list("pk", "kind"))
    found: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    for outlet_id, code, value, period in PollutantLimit.objects.filter(
        outlet_id__in=set(outlets.values()), averaging_period__in=("hour", "day")
    ).values_list("outlet_id", "pollutant_code", "limit_value", "averaging_period"):
        found[(outlet_id, code)][period] = float(value)
    limits, daily = [], []
    for p, pol in series:
        options = found.get((outlets[p], pol), {})
        prefer = "hour" if kinds.get(outlets[p]) == "air" else "day"
        period = prefer if prefer in options else next(iter(options), "")
        limits.append(options.get(period, np.nan))
        daily.append(period == "day")
    return np.array(limits, dtype=float), np.array(daily, dtype=bool)


def _power(points: list[int], start: dt.datetime, hours: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hourly kW of production and treatment meters linked to each row's point (NaN: no meter)."""
    prod = np.full((len(points), hours), np.nan)
    treat = np.full((len(points), hours), np.nan)
    running = np.ones(len(points))
    meters = list(PowerMeter.objects.filter(point_id__in=set(points)))
    if not meters:
        return prod, treat, running
    rows_of: dict[int, list[int]] = defaultdict(list)
    for i, p in enumerate(points):
        rows_of[p].append(i)
    by_meter = {m.pk: m for m in meters}
    end = start + dt.timedelta(hours=hours)
    for meter_id, t, kw in PowerReading.objects.filter(
        meter_id__in=by_meter, reading_time__gte=start, reading_time__lt=end
    ).values_list("meter_id", "reading_time", "power_kw"):
        m = by_meter[meter_id]
        col = int((t - start).total_seconds() // 3600)
        target = prod if m.kind == EquipmentKind.PRODUCTION else treat
        assert m.point_id is not None
        for i in rows_of[m.point_id]:
            target[i, col] = np.nansum([target[i, col], kw])
            running[i] = m.running_kw
    return prod, treat, running
