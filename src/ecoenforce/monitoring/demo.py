"""Demo support: a logger for each active demo monitoring point, and their power meters (system, audited)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import MonitoringPoint
from ecoenforce.monitoring.devices import hash_pw
from ecoenforce.monitoring.models import Device, EquipmentKind, PowerMeter, PowerReading


def register_demo_devices() -> int:
    points = MonitoringPoint.objects.filter(active=True, device__isnull=True)
    made = []
    for p in points:
        salt, digest = hash_pw(p.password)
        made.append(Device(point=p, mn=p.mn, pw_salt=salt, pw_hash=digest))
    if not made:
        return 0
    with transaction.atomic():
        Device.objects.bulk_create(made, ignore_conflicts=True)
        audit_record(
            actor=None,
            actor_name="系统（演示数据）",
            action="device.register_demo",
            target=("monitoring.Device", "", f"{len(made)} 台"),
            after={"count": len(made)},
        )
    return len(made)


def demo_power_readings(feeds: list[tuple[MonitoringPoint, list[tuple[dt.datetime, float, float]]]]) -> int:
    """Separate power metering (分表计电) for simulated points: a production and a treatment meter per point
    (made once), and their hourly kW [(time, production, treatment)]. System action, audited."""
    made = 0
    readings = []
    with transaction.atomic():
        for point, rows in feeds:
            entity = point.outlet.entity
            meters = {}
            for kind, prefix, name in (
                (EquipmentKind.PRODUCTION, "SC", "生产设施"),
                (EquipmentKind.TREATMENT, "ZL", "治污设施"),
            ):
                meters[kind], created = PowerMeter.objects.get_or_create(
                    entity=entity,
                    code=f"{prefix}-{point.mn}"[:32],
                    defaults={"name": f"{point.outlet.code}{name}", "kind": kind, "point": point},
                )
                made += created
            for t, production, treatment in rows:
                readings.append(
                    PowerReading(meter=meters[EquipmentKind.PRODUCTION], reading_time=t, power_kw=production)
                )
                readings.append(
                    PowerReading(meter=meters[EquipmentKind.TREATMENT], reading_time=t, power_kw=treatment)
                )
        PowerReading.objects.bulk_create(readings, ignore_conflicts=True, batch_size=2000)
        audit_record(
            actor=None,
            actor_name="系统（演示数据）",
            action="power_readings.add_demo",
            target=("monitoring.PowerReading", "", f"{len(readings)} 条"),
            after={"meters_made": made, "readings": len(readings)},
        )
    return len(readings)
