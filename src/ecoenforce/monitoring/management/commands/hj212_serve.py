"""python manage.py hj212_serve --port 9000 [--bus nats://127.0.0.1:4222] — the HJ 212 ingest server."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connections

from ecoenforce.monitoring.ingest import Store
from ecoenforce.monitoring.server import Batcher, IngestServer, Metrics, ServerConfig, Sink, serve_forever

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "接收数采仪按 HJ 212 协议经 TCP 上报的数据"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="0.0.0.0")  # noqa: S104
        parser.add_argument("--port", type=int, default=9000)
        parser.add_argument(
            "--health-port", type=int, default=None, help="健康检查与运行指标（HTTP /health、/metrics）的端口"
        )
        parser.add_argument("--max-connections", type=int, default=10_000)
        parser.add_argument("--idle-timeout", type=float, default=120.0)
        parser.add_argument(
            "--no-first-connection", action="store_true", help="首次连接时不发送 HJ 212 §6.7 规定的请求"
        )
        parser.add_argument("--bus", default="", help="nats://主机:端口——改为发布到 NATS JetStream")
        parser.add_argument("--stream", default="HJ212", help="JetStream 流名称（总线模式）")

    def handle(self, *args: Any, **opts: Any) -> None:
        config = ServerConfig(
            host=opts["host"], port=opts["port"], max_connections=opts["max_connections"],
            idle_timeout=opts["idle_timeout"], first_connection=not opts["no_first_connection"],
            health_port=opts["health_port"],
        )  # fmt: skip
        store = None
        if not opts["bus"]:
            store = Store()
            store.devices.load()  # before the event loop: the ORM is synchronous
        asyncio.run(self._main(config, opts["bus"], opts["stream"], store))

    async def _main(self, config: ServerConfig, bus: str, stream: str, store: Store | None) -> None:
        metrics = Metrics()
        sink: Sink
        if bus:
            from ecoenforce.monitoring.bus import BusSink

            sink = await BusSink.connect(bus, stream=stream)
        else:
            assert store is not None
            sink = Batcher(store.store_batch, metrics, on_close=connections.close_all)
        server = IngestServer(config, sink, metrics)

        async def ready(port: int) -> None:
            # "READY <port>" first: supervisors and tests read the port from it; the rest is for people
            self.stdout.write(f"READY {port} HJ 212 接收服务已启动，端口 {port}", ending="\n")
            self.stdout.flush()

        await serve_forever(server, ready)
        logger.info("hj212 stopped: %s", metrics.as_dict())
