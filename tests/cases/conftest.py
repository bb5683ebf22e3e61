"""Fixtures for cases: the world with a published catalog, an entity, and a case driver."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.cases.driver import Driver


@pytest.fixture
def catalog(world: Any) -> Any:
    from ecoenforce.catalog.services import catalog_load_starter

    return catalog_load_starter(unit=world.units["city"], effective_from=dt.date(2020, 1, 1))


@pytest.fixture
def drive(world: Any, catalog: Any) -> Driver:
    return Driver(world)
