"""Starting, stopping and pausing a case's statutory clocks (Deadline rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ecoenforce.cases import deadlines
from ecoenforce.cases.daycount import DueState, due_state, extend_by_pause
from ecoenforce.cases.models import Case, Deadline, Lead


def start(case: Case, code: str, on: dt.date | None = None) -> Deadline:
    """Start clock `code` on `on` (today); a clock already running is restarted from `on`."""
    on = on or timezone.localdate()
    c = deadlines.clock(code)
    Deadline.objects.filter(case=case, clock=code, done_on__isnull=True).update(done_on=on)
    return Deadline.objects.create(
        case=case,
        clock=code,
        label=c.label,
        source=c.source[:300],
        verified=c.verified,
        started_on=on,
        due_on=deadlines.due_date(code, on),
        pausable=c.pausable,
    )


def stop(case: Case, code: str, on: dt.date | None = None) -> None:
    Deadline.objects.filter(case=case, clock=code, done_on__isnull=True).update(
        done_on=on or timezone.localdate()
    )


def running(case: Case, code: str) -> Deadline | None:
    return Deadline.objects.filter(case=case, clock=code, done_on__isnull=True).order_by("-id").first()


def pause_all(case: Case, on: dt.date) -> None:
    Deadline.objects.filter(case=case, done_on__isnull=True, pausable=True, paused_since__isnull=True).update(
        paused_since=on
    )


def resume_all(case: Case, on: dt.date) -> None:
    """Resume after suspension: each paused clock ends later by the days it was paused."""
    for d in Deadline.objects.filter(case=case, done_on__isnull=True, paused_since__isnull=False):
        days = (on - d.paused_since).days if d.paused_since else 0
        d.due_on = extend_by_pause(d.due_on, days, deadlines.is_workday)
        d.paused_days += days
        d.paused_since = None
        d.save(update_fields=["due_on", "paused_days", "paused_since"])


def carry_triage(case: Case, lead: Lead) -> None:
    """The lead's triage clock continues on the case until filing is approved."""
    if lead.triage_due is None:
        return
    c = deadlines.clock("triage")
    Deadline.objects.create(
        case=case,
        clock="triage",
        label=c.label,
        source=c.source[:300],
        verified=c.verified,
        started_on=lead.received_on,
        due_on=lead.triage_due,
        pausable=c.pausable,
    )


def state_of(d: Deadline, today: dt.date | None = None) -> DueState:
    return due_state(
        d.due_on, today or timezone.localdate(), done=d.done_on is not None, paused=d.paused_since is not None
    )


STATE_LABELS: dict[str, str] = {
    DueState.DONE: "已完成",
    DueState.OK: "进行中",
    DueState.SOON: "即将到期",
    DueState.OVERDUE: "已逾期",
    DueState.PAUSED: "已中止计算",
}


def describe(d: Deadline, today: dt.date | None = None) -> dict[str, Any]:
    st = state_of(d, today)
    return {"deadline": d, "state": st.value, "state_label": STATE_LABELS[st]}
