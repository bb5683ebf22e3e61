"""Demo support: register a logger for each active demo monitoring point (system action, audited)."""

from __future__ import annotations

from django.db import transaction

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import MonitoringPoint
from ecoenforce.monitoring.devices import hash_pw
from ecoenforce.monitoring.models import Device


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
