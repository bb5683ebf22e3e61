"""/api/monitoring: points with status, a point's series, alerts; power readings and alarm events in.

Same selectors and services as the pages, so the same scoping (404 outside the jurisdiction) and checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from ecoenforce.entities.models import Entity
from ecoenforce.entities.selectors import entity_get_for
from ecoenforce.monitoring import selectors as sel
from ecoenforce.monitoring.alerts import rule_label
from ecoenforce.monitoring.services import field_event_add, power_readings_add
from ecoenforce.org.permissions import authorize
from ecoenforce.org.uploads import Budget, UploadRefused, open_xlsx, sheet_rows

# A month of 15-minute readings of a few dozen meters fits; cells are codes, times and numbers.
POWER_BUDGET = Budget(max_bytes=20 * 1024 * 1024, max_unzipped=200 * 1024 * 1024, max_sheet_rows=200_000,
                      max_cell_chars=200, seconds=60.0)

router = Router()
NO_NUL = r"^[^\x00]*$"


class PointOut(Schema):
    id: int
    mn: str
    entity_id: int
    entity_name: str
    outlet_code: str
    status: str = Field(description="online 在线 / offline 离线 / abnormal 异常（有未处理告警）")
    open_alerts: int
    last_seen: dt.datetime | None


@router.get("/points", response=list[PointOut], summary="监控点位及状态")
def points(request: HttpRequest, status: Literal["", "online", "offline", "abnormal"] = "") -> list[PointOut]:
    authorize(request.user, "monitoring.view", action="monitoring.points")
    return [
        PointOut(
            id=r.point.pk,
            mn=r.point.mn,
            entity_id=r.point.outlet.entity_id,
            entity_name=r.point.outlet.entity.name,
            outlet_code=r.point.outlet.code,
            status=r.status,
            open_alerts=r.open_alerts,
            last_seen=r.last_seen,
        )
        for r in sel.point_rows(request.user, timezone.now(), status=status)
    ]


@router.get("/points/{point_id}/series", summary="点位小时数据（含限值与数据标记）")
def series(
    request: HttpRequest, point_id: int, days: Annotated[int, Field(ge=1, le=90)] = 7
) -> dict[str, Any]:
    authorize(request.user, "monitoring.view", action="monitoring.point")
    point = sel.point_get_for(request.user, point_id)
    end = timezone.now()
    return sel.series(point, end - dt.timedelta(days=days), end)


class AlertOut(Schema):
    id: int
    rule: str
    rule_label: str
    pollutant: str
    severity: int
    status: str
    window_start: dt.datetime
    window_end: dt.datetime
    summary: str
    point_id: int
    entity_id: int


@router.get("/alerts", response=list[AlertOut], summary="告警")
def alerts(
    request: HttpRequest, status: Annotated[str, Field(max_length=12, pattern=NO_NUL)] = ""
) -> list[AlertOut]:
    authorize(request.user, "monitoring.view", action="monitoring.alerts")
    qs = sel.alerts_for(request.user)
    if status:
        qs = qs.filter(status=status)
    return [
        AlertOut(
            id=a.pk,
            rule=a.rule,
            rule_label=rule_label(a.rule),
            pollutant=a.pollutant,
            severity=a.severity,
            status=a.status,
            window_start=a.window_start,
            window_end=a.window_end,
            summary=a.summary,
            point_id=a.point_id,
            entity_id=a.entity_id,
        )
        for a in qs[:1000]
    ]


class ReadingIn(Schema):
    meter_code: str = Field(..., min_length=1, max_length=32, pattern=NO_NUL)
    time: dt.datetime
    power_kw: float = Field(..., ge=0, le=1_000_000)


class ReadingsIn(Schema):
    readings: list[ReadingIn] = Field(..., min_length=1, max_length=10_000)


class ReadingsOut(Schema):
    added: int
    duplicates: int


def _entity(request: HttpRequest, entity_id: int) -> Entity:
    return entity_get_for(request.user, entity_id)


@router.post("/entities/{entity_id}/power-readings", response=ReadingsOut, summary="分表计电读数（JSON）")
def power_readings(request: HttpRequest, entity_id: int, payload: ReadingsIn) -> ReadingsOut:
    entity = _entity(request, entity_id)
    rows = [(r.meter_code, r.time, r.power_kw) for r in payload.readings]
    result = power_readings_add(entity=entity, readings=rows, by=request.user)
    return ReadingsOut(added=result.added, duplicates=result.duplicates)


@router.post(
    "/entities/{entity_id}/power-readings.xlsx", response=ReadingsOut, summary="分表计电读数（Excel）"
)
def power_readings_xlsx(
    request: HttpRequest,
    entity_id: int,
    file: File[UploadedFile],
) -> ReadingsOut:
    """Columns: 电表编号, 时间 (YYYY-MM-DD HH:MM), 有功功率(kW); the first row is the header."""
    entity = _entity(request, entity_id)
    try:  # the shared upload budgets (org/uploads.py): size, unzipped size, rows, cells, time
        wb = open_xlsx(file.read(POWER_BUDGET.max_bytes + 1), POWER_BUDGET)
        try:
            if wb.active is None:
                raise ValidationError("Excel 文件中没有工作表")
            rows = [
                tuple(r[:3]) for n, r in sheet_rows(wb.active, POWER_BUDGET)
                if n >= 2 and any(v is not None for v in r[:3])
            ]
        finally:
            wb.close()
    except UploadRefused as exc:
        raise ValidationError(exc.message) from exc
    if not rows:
        raise ValidationError("Excel 中没有读数")
    result = power_readings_add(entity=entity, readings=rows, by=request.user)
    return ReadingsOut(added=result.added, duplicates=result.duplicates)


class EventIn(Schema):
    kind: Literal["video", "infrared"]
    external_id: str = Field(..., min_length=1, max_length=64, pattern=NO_NUL)
    occurred_at: dt.datetime
    description: str = Field(..., min_length=1, max_length=500, pattern=NO_NUL)


class EventOut(Schema):
    id: int
    created: bool


@router.post("/entities/{entity_id}/events", response=EventOut, summary="视频、红外报警事件")
def events(request: HttpRequest, entity_id: int, payload: EventIn) -> EventOut:
    entity = _entity(request, entity_id)
    event, created = field_event_add(
        entity=entity,
        kind=payload.kind,
        external_id=payload.external_id,
        occurred_at=payload.occurred_at,
        description=payload.description,
        by=request.user,
    )
    return EventOut(id=event.pk, created=created)
