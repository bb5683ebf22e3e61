"""Fixtures for the entity registry: entities in each county, logged-in clients, .xlsx builders."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook

from ecoenforce.entities.services import entity_create
from tests.factories import make_uscc

N = {"n": 1000}


def entity_fields(n: int, division_code: str = "131022", /, **over: Any) -> dict[str, Any]:
    fields = {
        "name": f"测试化工有限公司{n}",
        "uscc": make_uscc(n),
        "legal_representative": "张三",
        "address": f"测试路{n}号",
        "division_code": division_code,
        "industry_code": "C2614",
        "supervision_class": "general",
        "status": "operating",
    }
    fields.update(over)
    return fields


@pytest.fixture
def make_entity(world: Any) -> Callable[..., Any]:
    """make_entity("county_a", name=...) → an entity owned by that unit, created by its team leader."""

    def make(unit_key: str, **over: Any) -> Any:
        N["n"] += 1
        unit = world.units[unit_key]
        by = world.user(unit_key, "team_leader")
        return entity_create(by=by, **entity_fields(N["n"], unit.division_code, owner_unit=unit, **over))

    return make


@pytest.fixture
def entity_a(make_entity: Callable[..., Any]) -> Any:
    return make_entity("county_a", name="固安甲化工有限公司")


@pytest.fixture
def entity_b(make_entity: Callable[..., Any]) -> Any:
    return make_entity("county_b", name="永清乙纸业有限公司")


@pytest.fixture
def client_for(world: Any) -> Callable[[str, str], Client]:
    def make(unit_key: str, role: str) -> Client:
        client = Client()
        client.force_login(world.user(unit_key, role))
        return client

    return make


def xlsx(rows: list[list[Any]], header: list[str] | None = None, sheet: str = "监管对象") -> bytes:
    from ecoenforce.entities.excel import COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header if header is not None else [c.title + ("*" if c.required else "") for c in COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_row(n: int, division_code: str = "131022", **over: Any) -> list[Any]:
    """A row in template column order: name, uscc, legal rep, address, division, industry, class,
    status, lat, long, owner unit."""
    values = {
        "name": f"导入测试有限公司{n}",
        "uscc": make_uscc(n),
        "legal_representative": "李四",
        "address": f"导入路{n}号",
        "division_code": division_code,
        "industry_code": "C3011",
        "supervision_class": "一般排污单位",
        "status": "正常生产",
        "latitude": 39.43,
        "longitude": 116.3,
        "owner_unit": "",
    }
    values.update(over)
    return list(values.values())
