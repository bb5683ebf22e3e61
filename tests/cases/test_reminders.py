"""The deadline reminder runs as a periodic job in the worker and marks due clocks once a day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from ecoenforce.audit.models import AuditEvent
from ecoenforce.worker import periodic

pytestmark = pytest.mark.django_db


def test_reminder_job_is_registered_and_marks_due_clocks(drive):
    assert "cases.remind_deadlines" in [p.name for p in periodic.registered()]
    case = drive.to(drive.open(), "notified", hearing=True)
    due = case.deadlines.get(clock="hearing_request").due_on
    from ecoenforce.cases.tasks import remind_due

    with time_machine.travel(due - dt.timedelta(days=1), tick=False):
        assert remind_due() >= 1
        assert remind_due() == 0  # once a day
    d = case.deadlines.get(clock="hearing_request")
    assert d.reminded_on == due - dt.timedelta(days=1)
    assert AuditEvent.objects.filter(action="cases.deadline_remind", target_id=str(case.pk)).exists()
