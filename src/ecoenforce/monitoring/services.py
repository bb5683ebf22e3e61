"""Every write of the monitoring app: permission, validation, write and audit event in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import MonitoringPoint
from ecoenforce.monitoring.devices import hash_pw
from ecoenforce.monitoring.models import Device, QuarantinedDevice
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
