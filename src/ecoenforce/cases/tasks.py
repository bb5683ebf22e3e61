"""Background work of cases: the deadline reminder (a periodic job run by the worker)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ecoenforce.audit.services import audit_record
from ecoenforce.cases.models import Deadline

log = logging.getLogger(__name__)
SOON_DAYS = 3


def remind_due(today: dt.date | None = None) -> int:
    """Mark every open clock that is due within SOON_DAYS or overdue and not yet reminded today.

    The to-do lists and the deadlines board show the reminder; each reminder is in the audit trail."""
    today = today or timezone.localdate()
    qs = (
        Deadline.objects.filter(
            done_on__isnull=True, paused_since__isnull=True, due_on__lte=today + dt.timedelta(days=SOON_DAYS)
        )
        .exclude(reminded_on=today)
        .select_related("case")
    )
    count = 0
    for d in qs.iterator(chunk_size=500):
        with transaction.atomic():
            Deadline.objects.filter(pk=d.pk).update(reminded_on=today)
            state = "已逾期" if d.due_on < today else "即将到期"
            audit_record(
                action="cases.deadline_remind",
                target=d.case,
                actor_name="worker",
                after={"clock": d.clock, "due_on": d.due_on.isoformat(), "state": state},
            )
        count += 1
    if count:
        log.info("deadline reminders: %d", count)
    return count


@task()
def remind_deadlines() -> None:
    remind_due()
