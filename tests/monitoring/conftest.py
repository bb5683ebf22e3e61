"""A monitored entity: county_a's plant with a water outlet (COD, NH3-N limits) and a registered logger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ecoenforce.entities import services as es
from ecoenforce.monitoring.services import device_register
from tests.entities.conftest import entity_fields

MN_A = "33010000A8900016F0000001"
MN_B = "33010000A8900016F0000002"
PW = "123456"


@dataclass
class Plant:
    entity: Any
    outlet: Any
    point: Any
    device: Any
    mn: str


def make_plant(world: Any, unit_key: str, n: int, mn: str, *, air: bool = False) -> Plant:
    by = world.user(unit_key, "team_leader")
    unit = world.units[unit_key]
    entity = es.entity_create(by=by, **entity_fields(n, unit.division_code, owner_unit=unit))
    outlet = es.outlet_add(
        by=by, entity=entity, code="DW001" if not air else "DA001", kind="air" if air else "water"
    )
    if air:
        es.limit_add(by=by, outlet=outlet, pollutant_code="a21026", pollutant_name="二氧化硫",
                     limit_value="35", unit="mg/m3", averaging_period="hour")  # fmt: skip
    else:
        es.limit_add(by=by, outlet=outlet, pollutant_code="w01018", pollutant_name="化学需氧量",
                     limit_value="50", unit="mg/L", averaging_period="day")  # fmt: skip
        es.limit_add(by=by, outlet=outlet, pollutant_code="w21003", pollutant_name="氨氮",
                     limit_value="5", unit="mg/L", averaging_period="day")  # fmt: skip
    point = es.monitoring_point_add(by=by, outlet=outlet, mn=mn, password=PW)
    device = device_register(point=point, password=PW, by=by)
    return Plant(entity, outlet, point, device, mn)


@pytest.fixture
def plant_a(world: Any) -> Plant:
    return make_plant(world, "county_a", 5001, MN_A)


@pytest.fixture
def plant_b(world: Any) -> Plant:
    return make_plant(world, "county_b", 5002, MN_B, air=True)
