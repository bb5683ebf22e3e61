"""Inspection fixtures: entities with permits in county_a, more officers, a published draw plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.entities import services as entity_services
from ecoenforce.entities.services import entity_create
from ecoenforce.inspections import services
from ecoenforce.org.roles import Role
from tests.factories import make_uscc, make_user

N = {"n": 5000}


@pytest.fixture
def make_entity(world: Any) -> Callable[..., Any]:
    def make(unit_key: str = "county_a", *, permit: bool = True, **over: Any) -> Any:
        N["n"] += 1
        n = N["n"]
        unit = world.units[unit_key]
        by = world.user(unit_key, Role.TEAM_LEADER)
        fields = {
            "name": f"测试企业{n}有限公司",
            "uscc": make_uscc(n),
            "legal_representative": "张三",
            "address": f"测试路{n}号",
            "division_code": unit.division_code,
            "industry_code": "C2614",
            "supervision_class": "general",
            "status": "operating",
            "owner_unit": unit,
        }
        fields.update(over)
        entity = entity_create(by=by, **fields)
        if permit:
            today = date.today()
            p = entity_services.permit_add(
                by=by,
                entity=entity,
                number=f"9113{n:014d}001P",
                management_class="key",
                valid_from=today - timedelta(days=100),
                valid_to=today + timedelta(days=900),
            )
            outlet = entity_services.outlet_add(
                by=by, entity=entity, code="DW001", kind="water", name="总排口", permit=p
            )
            entity_services.limit_add(
                by=by,
                outlet=outlet,
                pollutant_code="w01018",
                pollutant_name="化学需氧量",
                limit_value=Decimal("50"),
                unit="mg/L",
                averaging_period="day",
            )
        return entity

    return make


@pytest.fixture
def officers(world: Any) -> list[Any]:
    """Four more officers of county_a (with certificates), so teams of two can be drawn with recusal."""
    return [world.user("county_a", Role.OFFICER)] + [
        make_user(f"county_a_officer{i}", world.units["county_a"], Role.OFFICER) for i in range(2, 5)
    ]


@pytest.fixture
def leader(world: Any) -> Any:
    return world.user("county_a", Role.TEAM_LEADER)


@pytest.fixture
def published_plan(world: Any, officers: list[Any], make_entity: Callable[..., Any], leader: Any) -> Any:
    for i in range(6):
        make_entity(supervision_class="key" if i < 2 else "general")
    plan = services.draw_plan_create(
        unit=world.units["county_a"],
        title="2026年第四季度双随机抽查",
        period="2026Q4",
        draw_time=timezone.now() + timedelta(hours=1),
        seed_kind="public",
        seed_description="2026年12月1日上证综合指数收盘点位",
        by=leader,
    )
    plan = services.draw_plan_commit(plan=plan, by=leader)
    return services.draw_plan_publish(plan=plan, by=leader)


@pytest.fixture
def client_for(world: Any) -> Callable[..., Client]:
    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
