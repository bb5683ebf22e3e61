"""Run what is queued in this process and on this connection, the way the worker does for one task.

For tests (their transaction is still open, so the worker's close_old_connections would close it) and for
the management commands that want to finish queued work before exiting.
"""

from __future__ import annotations

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued(*, limit: int = 10_000) -> int:
    """Run ready tasks one by one until none is left (or `limit`); returns how many ran."""
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id=get_random_string(32), excluded_queue_names=[])
    ran = 0
    while ran < limit:
        result = DBTaskResult.objects.ready().filter(backend_name="default").order_by("enqueued_at").first()
        if result is None:
            return ran
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran
