"""The defaults file (data/supervision_defaults.yaml): sampling rules, settings and criteria, each
with its source. Read once."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "supervision_defaults.yaml"


@cache
def defaults() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return data


def setting(name: str) -> Any:
    return defaults()["settings"][name]["value"]


def criteria() -> list[dict[str, Any]]:
    return list(defaults()["positive_list_criteria"])


def refusal_article() -> dict[str, Any]:
    """《生态环境法典》第一千二百二十九条 (refusing or obstructing an inspection), from the data file."""
    return dict(defaults()["refusal_article"])


def minimum_frequency(day: date) -> dict[str, dict[str, Any]]:
    """Stratum → the minimum-frequency rule in force on `day` (months, source), from the data file."""
    return {
        r["stratum"]: r
        for r in defaults().get("minimum_frequency", [])
        if date.fromisoformat(str(r["in_force_from"])) <= day
    }
