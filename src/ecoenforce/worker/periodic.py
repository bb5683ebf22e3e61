"""Periodic jobs: apps register a task and an interval in their AppConfig.ready(); the worker enqueues them.

django-tasks has no scheduler, so the `worker` command runs a small one beside the task loop. A periodic job
is enqueued at most once per interval across all workers (the PeriodicRun row is locked while deciding).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: dt.timedelta
    task: Any  # a django_tasks Task taking no arguments


_REGISTRY: dict[str, Periodic] = {}


def register_periodic(name: str, *, every: dt.timedelta, task: Any) -> None:
    """Register `task` to run every `every`; calling again with the same name replaces the entry."""
    if every.total_seconds() <= 0:
        raise ValueError("interval must be positive")
    _REGISTRY[name] = Periodic(name=name, every=every, task=task)


def registered() -> list[Periodic]:
    return sorted(_REGISTRY.values(), key=lambda p: p.name)


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose interval has passed; returns the names enqueued."""
    from ecoenforce.worker.models import PeriodicRun

    now = now or timezone.now()
    enqueued = []
    for p in registered():
        with transaction.atomic():
            row = PeriodicRun.objects.select_for_update().filter(name=p.name).first()
            if row and row.last_enqueued_at + p.every > now:
                continue
            if row:
                row.last_enqueued_at = now
                row.save(update_fields=["last_enqueued_at"])
            else:
                PeriodicRun.objects.create(name=p.name, last_enqueued_at=now)
            p.task.enqueue()
            enqueued.append(p.name)
    if enqueued:
        logger.info("periodic jobs enqueued: %s", ", ".join(enqueued))
    return enqueued
