"""Which path a case takes: hearing rights, legal review, collective deliberation (data/paths.yaml)."""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

PATHS_FILE = Path(__file__).parent / "data" / "paths.yaml"


@functools.cache
def paths() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PATHS_FILE.read_text(encoding="utf-8"))
    return data


def hearing_measures() -> list[str]:
    return [str(m) for m in paths()["hearing"]["measures"]]


def fine_threshold(*, is_org: bool = True) -> Decimal:
    from ecoenforce.penalty.params import legal_parameter

    key = paths()["hearing"]["fine_parameter_org" if is_org else "fine_parameter_citizen"]
    return Decimal(str(legal_parameter(key)))


def hearing_triggers(amount: Decimal | None, measures: list[str], *, is_org: bool = True) -> list[str]:
    """Why the party must be told of the right to a hearing (empty: no hearing right)."""
    out = []
    threshold = fine_threshold(is_org=is_org)
    if amount is not None and amount >= threshold:
        out.append(f"较大数额罚款（{threshold.normalize():f}元以上）")
    out += [m for m in measures if m in hearing_measures()]
    return out


def legal_grounds() -> dict[str, str]:
    return {str(k): str(v) for k, v in paths()["legal_review"]["grounds"].items()}


def deliberation_grounds() -> dict[str, str]:
    return {str(k): str(v) for k, v in paths()["deliberation"]["grounds"].items()}
