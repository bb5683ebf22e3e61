"""python manage.py hj212_store --bus nats://127.0.0.1:4222 — JetStream consumer writing to the database."""

from __future__ import annotations

import asyncio
import signal
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connections

from ecoenforce.monitoring import aio
from ecoenforce.monitoring.bus import consume
from ecoenforce.monitoring.ingest import Store


class Command(BaseCommand):
    help = "从 NATS JetStream 读取 HJ 212 报文并入库（提交后再确认）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bus", default="nats://127.0.0.1:4222")
        parser.add_argument("--stream", default="HJ212")
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument("--idle-exit", type=float, default=None, help="空闲超过该秒数后退出")

    def handle(self, *args: Any, **o: Any) -> None:
        store = Store()
        store.devices.load()
        n = aio.run(self._main(store, o))
        self.stdout.write(f"已入库 {n} 条报文")

    async def _main(self, store: Store, o: dict[str, Any]) -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        db = ThreadPoolExecutor(1, thread_name_prefix="hj212-store")  # one thread: one DB connection

        async def run(fn: Any, arg: Any) -> Any:
            return await loop.run_in_executor(db, fn, arg)

        try:
            return await consume(
                o["bus"],
                o["stream"],
                store.store_batch,
                batch=o["batch"],
                stop=stop,
                idle_exit=o["idle_exit"],
                run_sync=run,
            )
        finally:
            await loop.run_in_executor(db, connections.close_all)
            db.shutdown()
