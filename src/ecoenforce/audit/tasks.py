"""The audit trail's background work: the periodic signed checkpoint."""

from __future__ import annotations

from django_tasks import task

from ecoenforce.audit.anchoring import checkpoint_write


@task()
def checkpoint_task() -> int | None:
    """Sign and append a checkpoint when one is due (audit/anchoring.py); returns its seq."""
    cp = checkpoint_write()
    return cp.seq if cp else None
