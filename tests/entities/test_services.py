"""entity_create / entity_update / permit, outlet, limit, point: permission, validation, audit."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ecoenforce.audit.models import AuditEvent
from ecoenforce.entities.models import Entity, MonitoringPoint
from ecoenforce.entities.services import (
    entity_create,
    entity_update,
    limit_add,
    monitoring_point_add,
    outlet_add,
    permit_add,
    unit_for_division,
)
from ecoenforce.org.permissions import Refused
from tests.entities.conftest import entity_fields
from tests.factories import make_uscc


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-seq").first()
    assert event is not None, action
    return event


def test_create_records_audit_event(world: Any) -> None:
    officer = world.user("county_a", "officer")
    entity = entity_create(by=officer, **entity_fields(1, "131022100", uscc=" " + make_uscc(1).lower() + " "))
    assert entity.uscc == make_uscc(1)
    event = last_event("entity.create")
    assert event.actor_id == officer.pk
    assert event.target_id == str(entity.pk)
    assert json.loads(event.after)["uscc"] == make_uscc(1)


def test_owner_unit_by_territory(world: Any) -> None:
    officer = world.user("county_a", "officer")
    assert entity_create(by=officer, **entity_fields(1, "131022100")).owner_unit == world.units["town_a"]
    assert entity_create(by=officer, **entity_fields(2, "131022")).owner_unit == world.units["county_a"]
    assert entity_create(by=officer, **entity_fields(3, "131022105")).owner_unit == world.units["county_a"]
    assert unit_for_division("131000") == world.units["city"]
    assert unit_for_division("110105") is None


def test_create_for_other_county_refused(world: Any) -> None:
    officer = world.user("county_a", "officer")
    with pytest.raises(Refused) as exc:
        entity_create(by=officer, **entity_fields(1, "131023100"))
    assert "辖区" in str(exc.value)
    with pytest.raises(Refused):
        entity_create(by=officer, **entity_fields(2, "131022", owner_unit=world.units["county_b"]))
    assert not Entity.objects.exists()


@pytest.mark.parametrize(
    "role", ["supervisor", "legal_reviewer", "complaint_handler", "sysadmin", "secadmin", "auditadmin"]
)
def test_create_refused_for_roles_without_change(world: Any, role: str) -> None:
    with pytest.raises(Refused) as exc:
        entity_create(by=world.user("city", role), **entity_fields(1, "131022"))
    assert str(exc.value) == "您的角色无权执行此操作"
    assert not Entity.objects.exists()


@pytest.mark.parametrize("role", ["officer", "team_leader", "bureau_head"])
def test_city_editors_may_create_anywhere(world: Any, role: str) -> None:
    entity = entity_create(by=world.user("city", role), **entity_fields(1, "131023100"))
    assert entity.owner_unit == world.units["town_b"]


def test_township_officer_cannot_create_at_county_level(world: Any) -> None:
    with pytest.raises(Refused):
        entity_create(by=world.user("town_a", "officer"), **entity_fields(1, "131022"))


def test_duplicate_uscc(world: Any, entity_a: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        entity_create(by=world.user("county_a", "officer"), **entity_fields(9, "131022", uscc=entity_a.uscc))
    assert exc.value.message_dict["uscc"] == ["统一社会信用代码已存在（监管对象重复）"]


@pytest.mark.parametrize(
    "over,field",
    [
        ({"uscc": "91131000000000001X"}, "uscc"),
        ({"division_code": "131099"}, "division_code"),
        ({"industry_code": "X99"}, "industry_code"),
        ({"latitude": "91"}, "latitude"),
        ({"name": ""}, "name"),
        ({"name": "长" * 201}, "name"),
    ],
)
def test_create_validation(world: Any, over: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        entity_create(by=world.user("county_a", "officer"), **entity_fields(1, "131022", **over))
    assert field in exc.value.message_dict
    assert not Entity.objects.exists()
    assert not AuditEvent.objects.filter(action="entity.create").exists()


def test_update_before_after(world: Any, entity_a: Any) -> None:
    entity = entity_update(
        by=world.user("county_a", "officer"), entity=entity_a, name="新名称有限公司", supervision_class="key"
    )
    assert entity.name == "新名称有限公司"
    event = last_event("entity.update")
    assert json.loads(event.before) == {"name": "固安甲化工有限公司", "supervision_class": "general"}
    assert json.loads(event.after) == {"name": "新名称有限公司", "supervision_class": "key"}


def test_update_without_change_writes_no_event(world: Any, entity_a: Any) -> None:
    entity_update(by=world.user("county_a", "officer"), entity=entity_a, name=entity_a.name)
    assert not AuditEvent.objects.filter(action="entity.update").exists()


def test_update_refusals(world: Any, entity_a: Any, entity_b: Any) -> None:
    with pytest.raises(Refused):
        entity_update(by=world.user("county_a", "officer"), entity=entity_b, name="x")
    with pytest.raises(Refused):
        entity_update(by=world.user("city", "supervisor"), entity=entity_a, name="x")
    with pytest.raises(Refused):  # moving it into another county
        entity_update(
            by=world.user("county_a", "officer"),
            entity=entity_a,
            owner_unit=world.units["county_b"],
            division_code="131023",
        )
    entity_a.refresh_from_db()
    assert entity_a.name == "固安甲化工有限公司"
    assert entity_a.owner_unit == world.units["county_a"]


def test_update_validation_rolls_back(world: Any, entity_a: Any, entity_b: Any) -> None:
    with pytest.raises(ValidationError):
        entity_update(by=world.user("city", "officer"), entity=entity_a, uscc=entity_b.uscc)
    entity_a.refresh_from_db()
    assert entity_a.uscc != entity_b.uscc


def test_permit_outlet_limit_point(world: Any, entity_a: Any) -> None:
    by = world.user("county_a", "officer")
    permit = permit_add(
        by=by,
        entity=entity_a,
        number="PN-1",
        management_class="key",
        valid_from=date(2025, 1, 1),
        valid_to=date(2029, 12, 31),
    )
    outlet = outlet_add(by=by, entity=entity_a, code="DW001", kind="water", name="废水总排口", permit=permit)
    limit = limit_add(
        by=by,
        outlet=outlet,
        pollutant_code="w01018",
        pollutant_name="化学需氧量",
        limit_value=Decimal("50"),
        unit="mg/L",
        averaging_period="day",
    )
    point = monitoring_point_add(by=by, outlet=outlet, mn="88131022000000001", password="Ab1234")
    assert limit.outlet == outlet and point.outlet.entity == entity_a
    for action in ("permit.add", "outlet.add", "limit.add", "monitoring_point.add"):
        assert last_event(action).actor_id == by.pk
    assert "Ab1234" not in last_event("monitoring_point.add").after


def test_child_validation(world: Any, entity_a: Any, entity_b: Any) -> None:
    by = world.user("city", "officer")
    with pytest.raises(ValidationError):
        permit_add(
            by=by,
            entity=entity_a,
            number="PN-2",
            management_class="key",
            valid_from=date(2025, 1, 1),
            valid_to=date(2024, 1, 1),
        )
    other = permit_add(
        by=by,
        entity=entity_b,
        number="PN-3",
        management_class="key",
        valid_from=date(2025, 1, 1),
        valid_to=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError):
        outlet_add(by=by, entity=entity_a, code="DA001", kind="air", permit=other)
    outlet = outlet_add(by=by, entity=entity_a, code="DA001", kind="air")
    with pytest.raises(ValidationError):
        outlet_add(by=by, entity=entity_a, code="DA001", kind="air")
    with pytest.raises(ValidationError):
        limit_add(
            by=by,
            outlet=outlet,
            pollutant_code="a21026",
            pollutant_name="二氧化硫",
            limit_value=-1,
            unit="mg/m3",
            averaging_period="hour",
        )
    monitoring_point_add(by=by, outlet=outlet, mn="MN0001")
    with pytest.raises(ValidationError):
        monitoring_point_add(by=by, outlet=outlet, mn="MN0001")
    with pytest.raises(ValidationError):
        monitoring_point_add(by=by, outlet=outlet, mn="MN-bad!")
    assert MonitoringPoint.objects.count() == 1


def test_children_refused_outside_jurisdiction(world: Any, entity_b: Any) -> None:
    by = world.user("county_a", "officer")
    with pytest.raises(Refused):
        permit_add(
            by=by,
            entity=entity_b,
            number="PN-9",
            management_class="key",
            valid_from=date(2025, 1, 1),
            valid_to=date(2026, 1, 1),
        )
    with pytest.raises(Refused):
        outlet_add(by=by, entity=entity_b, code="DW001", kind="water")
