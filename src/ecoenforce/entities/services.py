"""Every write to entities, permits, outlets, limits and monitoring points.

Each service: authorize ("entities.change" on the owner unit / the entity), full_clean, write, and
the audit event, in one transaction. A unique-constraint race is turned into a ValidationError.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import (
    DischargePermit,
    Entity,
    MonitoringPoint,
    Outlet,
    PollutantLimit,
)
from ecoenforce.org.divisions import territory_prefix, validate_division_code
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import authorize

ENTITY_FIELDS = (
    "name",
    "uscc",
    "legal_representative",
    "address",
    "division_code",
    "latitude",
    "longitude",
    "industry_code",
    "supervision_class",
    "status",
    "owner_unit",
)
TEXT_FIELDS = ("name", "uscc", "legal_representative", "address", "division_code", "industry_code")


def entity_snapshot(entity: Entity) -> dict[str, Any]:
    data: dict[str, Any] = {f: getattr(entity, f) for f in ENTITY_FIELDS if f != "owner_unit"}
    data["owner_unit"] = entity.owner_unit_id
    for key in ("latitude", "longitude"):
        data[key] = None if data[key] is None else str(data[key])
    return data


def normalize_entity_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Strip text, upper-case USCC and industry code, turn "" lat/long into None."""
    out = dict(fields)
    for key in TEXT_FIELDS:
        if isinstance(out.get(key), str):
            out[key] = out[key].strip()
    for key in ("uscc", "industry_code"):
        if isinstance(out.get(key), str):
            out[key] = out[key].upper()
    for key in ("latitude", "longitude"):
        if out.get(key) in ("", None):
            out[key] = None
        elif not isinstance(out[key], Decimal):
            out[key] = Decimal(str(out[key]))
    return out


class TerritoryIndex:
    """Owner unit by territory: the most specific active unit whose division contains a code.

    Built once (units are few) and reused for every row of an import.
    """

    def __init__(self) -> None:
        self.units = [
            (territory_prefix(u.division_code), u)
            for u in Unit.objects.filter(is_active=True).order_by("path")
        ]

    def owner_for(self, division_code: str) -> Unit | None:
        code = (division_code or "").strip()
        matches = [
            (len(prefix), unit.level, unit.pk, unit)
            for prefix, unit in self.units
            if prefix and code.startswith(prefix)
        ]
        return max(matches, key=lambda m: m[:3])[3] if matches else None


def unit_for_division(division_code: str) -> Unit | None:
    return TerritoryIndex().owner_for(division_code)


def _resolve_owner(fields: dict[str, Any]) -> Unit:
    owner = fields.get("owner_unit")
    if owner is None:
        try:
            validate_division_code(fields.get("division_code") or "")
        except ValidationError as exc:
            raise ValidationError({"division_code": exc.messages}) from exc
        owner = unit_for_division(fields.get("division_code") or "")
        if owner is None:
            raise ValidationError({"owner_unit": "未找到该行政区划对应的属地执法机构，请指定属地执法机构"})
    return owner


def _save(obj: Any, unique_message: str) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a concurrent insert won the unique check
        raise ValidationError(unique_message) from exc


def entity_create(*, by: User, **fields: Any) -> Entity:
    """Register an entity. `owner_unit` defaults to the unit of its territory (division code)."""
    unknown = set(fields) - set(ENTITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entity fields: {sorted(unknown)}")
    fields = normalize_entity_fields(fields)
    owner = _resolve_owner(fields)
    authorize(by, "entities.change", owner, action="entity.create")
    entity = Entity(**{**fields, "owner_unit": owner})
    entity.full_clean()
    with transaction.atomic():
        _save(entity, "统一社会信用代码已存在（监管对象重复）")
        audit_record(actor=by, action="entity.create", target=entity, after=entity_snapshot(entity))
    return entity


def entity_update(*, by: User, entity: Entity, **changes: Any) -> Entity:
    """Change an entity's fields; the audit event holds before and after."""
    unknown = set(changes) - set(ENTITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entity fields: {sorted(unknown)}")
    authorize(by, "entities.change", entity, action="entity.update")
    changes = normalize_entity_fields(changes)
    if "owner_unit" in changes and changes["owner_unit"] is None:  # blank: by territory again
        changes["owner_unit"] = _resolve_owner(
            {"division_code": changes.get("division_code", entity.division_code)}
        )
    new_owner = changes.get("owner_unit")
    if new_owner is not None and new_owner.pk != entity.owner_unit_id:
        authorize(by, "entities.change", new_owner, action="entity.update")
    with transaction.atomic():
        locked = Entity.objects.select_for_update().select_related("owner_unit").get(pk=entity.pk)
        before = entity_snapshot(locked)
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.full_clean()
        after = entity_snapshot(locked)
        if after == before:
            return locked
        _save(locked, "统一社会信用代码已存在（监管对象重复）")
        changed = sorted(k for k in after if after[k] != before[k])
        audit_record(
            actor=by,
            action="entity.update",
            target=locked,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return locked


def permit_add(
    *, by: User, entity: Entity, number: str, management_class: str, valid_from: date, valid_to: date
) -> DischargePermit:
    authorize(by, "entities.change", entity, action="permit.add")
    permit = DischargePermit(
        entity=entity,
        number=(number or "").strip(),
        management_class=management_class,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    permit.full_clean()
    with transaction.atomic():
        _save(permit, "许可证编号已存在")
        audit_record(
            actor=by,
            action="permit.add",
            target=permit,
            after={
                "entity": entity.pk,
                "number": permit.number,
                "management_class": management_class,
                "valid_from": valid_from,
                "valid_to": valid_to,
            },
        )
    return permit


def outlet_add(
    *, by: User, entity: Entity, code: str, kind: str, name: str = "", permit: DischargePermit | None = None
) -> Outlet:
    authorize(by, "entities.change", entity, action="outlet.add")
    if permit is not None and permit.entity_id != entity.pk:
        raise ValidationError({"permit": "排污许可证不属于该监管对象"})
    outlet = Outlet(
        entity=entity, code=(code or "").strip(), kind=kind, name=(name or "").strip(), permit=permit
    )
    outlet.full_clean()
    with transaction.atomic():
        _save(outlet, "该监管对象已有相同编号的排放口")
        audit_record(
            actor=by,
            action="outlet.add",
            target=outlet,
            after={
                "entity": entity.pk,
                "code": outlet.code,
                "kind": kind,
                "name": outlet.name,
                "permit": permit.pk if permit else None,
            },
        )
    return outlet


def limit_add(
    *,
    by: User,
    outlet: Outlet,
    pollutant_code: str,
    pollutant_name: str,
    limit_value: Any,
    unit: str,
    averaging_period: str,
) -> PollutantLimit:
    authorize(by, "entities.change", outlet.entity, action="limit.add")
    limit = PollutantLimit(
        outlet=outlet,
        pollutant_code=(pollutant_code or "").strip(),
        pollutant_name=(pollutant_name or "").strip(),
        limit_value=limit_value,
        unit=(unit or "").strip(),
        averaging_period=averaging_period,
    )
    limit.full_clean()
    with transaction.atomic():
        _save(limit, "该排放口已有相同污染物和均值周期的限值")
        audit_record(
            actor=by,
            action="limit.add",
            target=limit,
            after={
                "outlet": outlet.pk,
                "pollutant_code": limit.pollutant_code,
                "limit_value": str(limit_value),
                "unit": limit.unit,
                "averaging_period": averaging_period,
            },
        )
    return limit


def monitoring_point_add(
    *,
    by: User,
    outlet: Outlet,
    mn: str,
    password: str = "123456",  # noqa: S107 (the HJ 212 factory default, as the model's)
    active: bool = True,
) -> MonitoringPoint:
    authorize(by, "entities.change", outlet.entity, action="monitoring_point.add")
    point = MonitoringPoint(outlet=outlet, mn=(mn or "").strip(), password=password, active=active)
    point.full_clean()
    with transaction.atomic():
        _save(point, "MN编码已存在")
        # the HJ 212 password is a credential: never written to the audit trail
        audit_record(
            actor=by,
            action="monitoring_point.add",
            target=point,
            after={"outlet": outlet.pk, "mn": point.mn, "active": active},
        )
    return point
