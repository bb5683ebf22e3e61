"""Statutory clocks: which clocks a step starts, their day counts (legal parameters) and due dates.

The clock table is data (`data/clocks.yaml`): each clock names the legal parameter that holds its
day count (shown and confirmed on the legal-parameters page) or, where the catalog's parameter file
has none, its own count with source and `verified`. Working days and statutory holidays (with the
make-up working days, 调休) come from `chinese-calendar`; counting rules are in `daycount.py`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chinese_calendar
import yaml

from ecoenforce.cases.daycount import DayKind, Period, add_period

log = logging.getLogger(__name__)
CLOCKS_FILE = Path(__file__).parent / "data" / "clocks.yaml"


def is_workday(day: dt.date) -> bool:
    """Statutory working day; outside chinese-calendar's years, Monday–Friday (logged)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_year(day.year)
        return day.weekday() < 5


@functools.cache
def _warn_year(year: int) -> None:
    log.warning("chinese-calendar has no data for %s; weekday rule used", year)


@dataclass(frozen=True)
class Clock:
    code: str
    label: str
    kind: DayKind
    source: str
    verified: bool
    parameter: str = ""
    days: int = 0
    months: int = 0
    hours: int = 0
    pausable: bool = True

    def period(self) -> Period:
        return Period(days=self.count(), kind=self.kind)

    def count(self) -> int:
        if self.parameter:
            from ecoenforce.penalty.params import legal_parameter

            return int(str(legal_parameter(self.parameter)))
        return self.days


@functools.cache
def clocks() -> dict[str, Clock]:
    doc: dict[str, Any] = yaml.safe_load(CLOCKS_FILE.read_text(encoding="utf-8"))
    out: dict[str, Clock] = {}
    for code, row in doc["clocks"].items():
        out[code] = Clock(
            code=code,
            label=str(row["label"]),
            kind=DayKind(row.get("kind", "calendar")),
            source=str(row["source"]),
            verified=bool(row.get("verified", False)),
            parameter=str(row.get("parameter") or ""),
            days=int(row.get("days") or 0),
            months=int(row.get("months") or 0),
            hours=int(row.get("hours") or 0),
            pausable=bool(row.get("pausable", True)),
        )
    return out


def clock(code: str) -> Clock:
    return clocks()[code]


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day `months` later, or that month's last day (民法典 art 202)."""
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    for day in range(start.day, 27, -1):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return dt.date(year, month, min(start.day, 28))


def due_date(code: str, start: dt.date) -> dt.date:
    c = clock(code)
    if c.hours:
        return start + dt.timedelta(days=max(1, c.hours // 24))
    if c.months:
        end = add_months(start, c.months)
        return add_period(end, Period(0, DayKind.CALENDAR), is_workday)
    return add_period(start, c.period(), is_workday)
