from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from ecoenforce.statutes.sources import LawRecord, read_laws


@cache
def records() -> tuple[LawRecord, ...]:
    """laws.yaml parsed once per test session (parsing the Code takes about a second)."""
    return tuple(read_laws())


@pytest.fixture
def library(db: Any) -> Any:
    from ecoenforce.statutes.services import statutes_load

    return statutes_load(records=list(records()))
