"""The background worker: runs queued tasks (django-tasks-db) and enqueues the registered periodic jobs.

`python manage.py worker` — one process; run several for more throughput. `--batch` runs what is queued
(and what is due) and exits, which is what tests and cron-style deployments use.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from ecoenforce.worker.periodic import enqueue_due

logger = logging.getLogger(__name__)


def _scheduler(stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            enqueue_due()
        except Exception:  # keep scheduling; the next round retries
            logger.exception("periodic scheduling failed")
        finally:
            connection.close()
        stop.wait(every)


class Command(BaseCommand):
    help = "后台任务进程：执行排队的任务，并按时安排定期任务（期限提醒、规则运行、审计检查点等）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", action="store_true", help="执行完当前排队的任务后退出")
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")
        parser.add_argument("--schedule-every", type=float, default=15.0, help="检查定期任务的间隔（秒）")
        parser.add_argument("--no-periodic", action="store_true", help="不安排定期任务")

    def handle(self, *args: Any, **opts: Any) -> None:
        worker = Worker(queue_names=["*"], interval=opts["interval"], batch=opts["batch"],
                        backend_name="default", startup_delay=not opts["batch"], max_tasks=None,
                        worker_id=get_random_string(32), excluded_queue_names=[])
        if opts["batch"]:
            if not opts["no_periodic"]:
                enqueue_due()
            worker.run()
            return
        stop = threading.Event()
        if not opts["no_periodic"]:
            threading.Thread(target=_scheduler, args=(stop, opts["schedule_every"]), daemon=True).start()
        self.stdout.write("后台任务进程已启动（Ctrl+C 停止）")
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            time.sleep(0)
