"""Background work of the monitoring app (run by `manage.py worker`)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_rules() -> int:
    """Screen the data that arrived since the last run and raise alerts."""
    from ecoenforce.monitoring.screening import screen_recent

    n = screen_recent(now=timezone.now())
    logger.info("monitoring rules: %d alerts raised or updated", n)
    return n


@task()
def maintain_partitions() -> list[str]:
    from ecoenforce.monitoring import partitions

    now = timezone.now()
    partitions.ensure_around(now)
    dropped = partitions.drop_expired(now)
    if dropped:
        logger.info("monitoring retention dropped %s", dropped)
    return dropped
