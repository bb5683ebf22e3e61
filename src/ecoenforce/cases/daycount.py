"""Counting statutory periods — pure (no Django), checked by mypy --strict.

Rules (with their sources):
* A period in days does not count the day it starts; it runs from the next day
  (民法典 art 201; 民事诉讼法 art 85 for service periods).
* When the last day of a calendar-day period is a statutory holiday or rest day, the period ends on
  the first working day after it (民法典 art 203; 民事诉讼法 art 85).
* 行政处罚法 art 85: "二日" "三日" "五日" "七日" are working days, without statutory holidays; other
  counts are calendar days unless the rule itself says 工作日.
Whether a day is a working day (statutory holidays, weekends, make-up working days 调休) is asked of
the `is_workday` function passed in, so tests and the engine share one calendar (chinese-calendar).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

IsWorkday = Callable[[dt.date], bool]


class DayKind(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


@dataclass(frozen=True)
class Period:
    days: int
    kind: DayKind
    hours: int = 0  # a few clocks run in hours (24 h emergency approval); then days is 0


def add_period(start: dt.date, period: Period, is_workday: IsWorkday) -> dt.date:
    """The last day of `period` started on `start` (the start day itself not counted)."""
    if period.days < 0:
        raise ValueError("a period cannot be negative")
    if period.kind is DayKind.WORKING:
        day, left = start, period.days
        while left:
            day += dt.timedelta(days=1)
            if is_workday(day):
                left -= 1
        return day
    end = start + dt.timedelta(days=period.days)
    while not is_workday(end):
        end += dt.timedelta(days=1)
    return end


def extend_by_pause(due: dt.date, paused_days: int, is_workday: IsWorkday) -> dt.date:
    """A clock paused (case suspended) for `paused_days` calendar days ends that much later."""
    if paused_days <= 0:
        return due
    end = due + dt.timedelta(days=paused_days)
    while not is_workday(end):
        end += dt.timedelta(days=1)
    return end


class DueState(StrEnum):
    DONE = "done"
    OK = "ok"
    SOON = "soon"
    OVERDUE = "overdue"
    PAUSED = "paused"


def due_state(
    due: dt.date, today: dt.date, *, soon_days: int = 3, done: bool = False, paused: bool = False
) -> DueState:
    if done:
        return DueState.DONE
    if paused:
        return DueState.PAUSED
    if today > due:
        return DueState.OVERDUE
    if (due - today).days <= soon_days:
        return DueState.SOON
    return DueState.OK
