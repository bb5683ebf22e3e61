"""Every write of the monitoring app: permission, validation, write and audit event in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import Entity, MonitoringPoint
from ecoenforce.monitoring.devices import hash_pw
from ecoenforce.monitoring.models import (
    Device,
    FieldEvent,
    MaintenanceWindow,
    PowerMeter,
    PowerReading,
    QuarantinedDevice,
)
from ecoenforce.org.permissions import authorize


def device_register(
    *, point: MonitoringPoint, password: str, by: Any, accept_modbus_crc: bool = False
) -> Device:
    """Register the logger of a monitoring point (its MN) with the PW it sends; releases any quarantine."""
    authorize(by, "monitoring.manage_devices", point.outlet.entity, action="device.register")
    if not password or len(password) > 32 or not password.isalnum():
        raise ValidationError({"password": "访问密码应为1至32位字母或数字"})
    salt, digest = hash_pw(password)
    device = Device(
        point=point, mn=point.mn, pw_salt=salt, pw_hash=digest, accept_modbus_crc=accept_modbus_crc
    )
    device.full_clean(exclude=["point"] if Device.objects.filter(point=point).exists() else None)
    if Device.objects.filter(point=point).exists():
        raise ValidationError({"point": "该监测点已登记数采仪"})
    with transaction.atomic():
        device.save()
        QuarantinedDevice.objects.filter(mn=point.mn).delete()
        # the PW is a credential: never written to the audit trail
        audit_record(
            actor=by,
            action="device.register",
            target=device,
            after={"point": point.pk, "mn": device.mn, "accept_modbus_crc": accept_modbus_crc},
        )
    return device


def power_meter_add(
    *,
    entity: Entity,
    code: str,
    name: str,
    kind: str,
    by: Any,
    point: MonitoringPoint | None = None,
    running_kw: float = 1.0,
) -> PowerMeter:
    """Register a separately metered circuit (分表计电) of production or treatment equipment."""
    authorize(by, "monitoring.feed", entity, action="power_meter.add")
    if point is not None and point.outlet.entity_id != entity.pk:
        raise ValidationError({"point": "监测点不属于该监管对象"})
    meter = PowerMeter(
        entity=entity,
        code=(code or "").strip(),
        name=(name or "").strip(),
        kind=kind,
        point=point,
        running_kw=running_kw,
    )
    meter.full_clean()
    with transaction.atomic():
        meter.save()
        audit_record(
            actor=by,
            action="power_meter.add",
            target=meter,
            after={
                "entity": entity.pk,
                "code": meter.code,
                "kind": kind,
                "point": getattr(point, "pk", None),
            },
        )
    return meter


@dataclass
class ReadingsResult:
    added: int
    duplicates: int
    errors: list[str]


def power_readings_add(*, entity: Entity, readings: list[tuple[str, Any, Any]], by: Any) -> ReadingsResult:
    """Add meter readings [(meter code, time, kW)]; a reading already stored (same meter, time) is skipped.

    Bad rows are reported in Chinese with their position and nothing of the batch is written."""
    authorize(by, "monitoring.feed", entity, action="power_readings.add")
    meters = {m.code: m for m in PowerMeter.objects.filter(entity=entity)}
    rows, errors = [], []
    for i, (code, when, kw) in enumerate(readings, start=1):
        meter = meters.get(str(code or "").strip())
        t = _aware(when)
        value = _float(kw)
        if meter is None:
            errors.append(f"第{i}条：电表编号“{code}”未登记")
        elif t is None:
            errors.append(f"第{i}条：时间格式应为 YYYY-MM-DD HH:MM")
        elif value is None or value < 0 or value > 1e6:
            errors.append(f"第{i}条：功率应为0至1000000之间的数字")
        else:
            rows.append(PowerReading(meter=meter, reading_time=t, power_kw=value))
    if errors:
        raise ValidationError(errors[:50])
    with transaction.atomic():
        before = PowerReading.objects.filter(meter__entity=entity).count()
        PowerReading.objects.bulk_create(rows, ignore_conflicts=True)
        added = PowerReading.objects.filter(meter__entity=entity).count() - before
        audit_record(
            actor=by, action="power_readings.add", target=entity, after={"rows": len(rows), "added": added}
        )
    return ReadingsResult(added, len(rows) - added, [])


def field_event_add(
    *, entity: Entity, kind: str, external_id: str, occurred_at: Any, description: str, by: Any
) -> tuple[FieldEvent, bool]:
    """A video or infrared alarm event; the same (kind, external id) twice is stored once."""
    authorize(by, "monitoring.feed", entity, action="field_event.add")
    t = _aware(occurred_at)
    if t is None:
        raise ValidationError({"occurred_at": "时间格式应为 YYYY-MM-DD HH:MM"})
    event = FieldEvent(
        entity=entity,
        kind=kind,
        external_id=(external_id or "").strip(),
        occurred_at=t,
        description=(description or "").strip(),
    )
    existing = FieldEvent.objects.filter(entity=entity, kind=kind, external_id=event.external_id).first()
    if existing is not None:
        return existing, False
    event.full_clean()
    with transaction.atomic():
        event.save()
        audit_record(
            actor=by,
            action="field_event.add",
            target=event,
            after={"entity": entity.pk, "kind": kind, "external_id": event.external_id},
        )
    return event, True


MAX_WINDOW = dt.timedelta(days=31)  # longer work is a stoppage: 令第19号 art 8 asks for consent, not a window


def maintenance_window_add(
    *, point: MonitoringPoint, kind: str, starts_at: Any, ends_at: Any, note: str, by: Any
) -> MaintenanceWindow:
    """Record a scheduled maintenance or calibration period of a point's monitoring equipment."""
    authorize(by, "monitoring.feed", point.outlet.entity, action="maintenance_window.add")
    start, end = _aware(starts_at), _aware(ends_at)
    if start is None or end is None:
        raise ValidationError({"starts_at": "时间格式应为 YYYY-MM-DD HH:MM"})
    if end <= start:
        raise ValidationError({"ends_at": "结束时间应晚于开始时间"})
    if end - start > MAX_WINDOW:
        raise ValidationError({"ends_at": "单个运维时段不超过31天；更长的停运应按规定报告"})
    window = MaintenanceWindow(
        point=point, kind=kind, starts_at=start, ends_at=end, note=(note or "").strip(), created_by=by
    )
    window.full_clean(exclude=["created_by"])
    with transaction.atomic():
        window.save()
        audit_record(
            actor=by,
            action="maintenance_window.add",
            target=window,
            after={
                "point": point.pk,
                "kind": kind,
                "starts_at": start.isoformat(),
                "ends_at": end.isoformat(),
            },
        )
    return window


def _aware(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        t = value
    else:
        text = str(value or "").strip().replace("T", " ")
        t = None
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y%m%d%H%M%S"):
            try:
                t = dt.datetime.strptime(text[:19], fmt)
                break
            except ValueError:
                continue
    if t is None:
        return None
    return t if t.tzinfo else timezone.make_aware(t)


def _float(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if f == f else None  # NaN
