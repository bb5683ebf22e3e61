"""The HJ 212 ingest server (asyncio): many loggers, framing, timeouts, acks after durable storage.

A connection reads, cuts frames (several per read, or split across reads), hands them to the sink and
writes the answers the sink returns. The direct sink is a group-commit batcher: frames from all
connections queue up while the previous batch commits in the single database thread, then go in one
transaction; the bus sink (bus.py) publishes to NATS JetStream instead. Answers are written only
after the sink says the data is durable.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import json
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from ecoenforce.monitoring.hj212 import FrameReader, encode
from ecoenforce.monitoring.hj212.messages import first_connection, history_request
from ecoenforce.monitoring.ingest import Outcome, Received

logger = logging.getLogger(__name__)


class Sink(Protocol):
    async def submit(self, item: Received) -> Outcome: ...

    async def close(self) -> None: ...


@dataclass
class Metrics:
    started: float = field(default_factory=time.time)
    connections_open: int = 0
    connections_total: int = 0
    connections_rejected: int = 0
    idle_closed: int = 0
    frames: collections.Counter[str] = field(default_factory=collections.Counter)
    acks: int = 0
    batches: int = 0
    batch_frames: int = 0
    store_errors: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "uptime_s": round(time.time() - self.started, 1),
            "connections_open": self.connections_open,
            "connections_total": self.connections_total,
            "connections_rejected": self.connections_rejected,
            "idle_closed": self.idle_closed,
            "frames": dict(self.frames),
            "acks": self.acks,
            "batches": self.batches,
            "avg_batch": round(self.batch_frames / self.batches, 1) if self.batches else 0,
            "store_errors": self.store_errors,
        }


class Batcher:
    """Group commit: one database thread; each batch takes everything queued while the last committed."""

    def __init__(
        self,
        store: Callable[[list[Received]], list[Outcome]],
        metrics: Metrics,
        max_batch: int = 2000,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self._on_close = on_close  # runs in the database thread (closes its connection)
        self._metrics = metrics
        self._max_batch = max_batch
        self._queue: asyncio.Queue[tuple[Received, asyncio.Future[Outcome]]] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="hj212-db")
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: Received) -> Outcome:
        if self._task is None:
            self._task = asyncio.create_task(self._run())
        fut: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        await self._queue.put((item, fut))
        return await fut

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                outcomes = await loop.run_in_executor(self._executor, self._store, [b[0] for b in batch])
            except Exception as exc:  # the DB is down: no ack; loggers retry (their data stays with them)
                logger.exception("batch of %d frames not stored", len(batch))
                self._metrics.store_errors += 1
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            self._metrics.batches += 1
            self._metrics.batch_frames += len(batch)
            for (_, fut), out in zip(batch, outcomes, strict=True):
                if not fut.done():
                    fut.set_result(out)

    async def close(self) -> None:
        while not self._queue.empty():  # let queued frames commit
            await asyncio.sleep(0.01)
        if self._task:
            self._task.cancel()
        if self._on_close:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._on_close)
        self._executor.shutdown(wait=True)


@dataclass
class ServerConfig:
    host: str = "0.0.0.0"  # noqa: S104 - loggers connect from the field
    port: int = 9000
    max_connections: int = 10_000
    idle_timeout: float = 120.0  # HJ 212 Table 1 default timeout is 10 s with 3 retries; loggers send ≥ 30 s
    max_segment: int = 1024
    first_connection: bool = True
    health_port: int | None = None


class IngestServer:
    def __init__(self, config: ServerConfig, sink: Sink, metrics: Metrics | None = None) -> None:
        self.config = config
        self.sink = sink
        self.metrics = metrics or Metrics()
        self._servers: list[asyncio.Server] = []
        self._conns: set[asyncio.Task[None]] = set()
        self.stopped = asyncio.Event()

    async def start(self) -> int:
        srv = await asyncio.start_server(self._handle, self.config.host, self.config.port, limit=1 << 20)
        self._servers.append(srv)
        if self.config.health_port is not None:
            self._servers.append(
                await asyncio.start_server(self._health, self.config.host, self.config.health_port)
            )
        port: int = srv.sockets[0].getsockname()[1]
        logger.info("hj212 listening on %s:%d", self.config.host, port)
        return port

    @property
    def health_port(self) -> int | None:
        return self._servers[1].sockets[0].getsockname()[1] if len(self._servers) > 1 else None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        m = self.metrics
        if m.connections_open >= self.config.max_connections:
            m.connections_rejected += 1
            writer.close()
            return
        task = asyncio.current_task()
        assert task is not None
        self._conns.add(task)
        m.connections_open += 1
        m.connections_total += 1
        host, port = writer.get_extra_info("peername")[:2]
        peer = f"{host}:{port}"
        try:
            await self._serve(reader, writer, peer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            m.connections_open -= 1
            self._conns.discard(task)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str) -> None:
        frames = FrameReader(self.config.max_segment)
        greeted: set[str] = set()
        try:
            while True:
                try:
                    data = await asyncio.wait_for(reader.read(65536), self.config.idle_timeout)
                except TimeoutError:
                    self.metrics.idle_closed += 1
                    return
                if not data:
                    return
                now = dt.datetime.now(dt.UTC)
                items = [Received(peer, c.data, now, c.is_frame) for c in frames.feed(data)]
                if items:
                    await self._process(items, writer, greeted)
        finally:
            rest = [Received(peer, c.data, dt.datetime.now(dt.UTC), False) for c in frames.flush()]
            if rest:  # an incomplete frame at disconnect is still kept in the raw log
                await asyncio.gather(*(self.sink.submit(r) for r in rest), return_exceptions=True)

    async def _process(self, items: list[Received], writer: asyncio.StreamWriter, greeted: set[str]) -> None:
        outcomes = await asyncio.gather(*(self.sink.submit(i) for i in items))
        for out in outcomes:
            self.metrics.frames[out.status] += 1
            if out.reply:
                writer.write(out.reply)
                self.metrics.acks += 1
            p = out.packet
            if self.config.first_connection and p is not None and out.status == "ok" and p.mn not in greeted:
                greeted.add(p.mn)
                for req in _greeting(p.mn, p.pw):
                    writer.write(encode(req))
        await writer.drain()

    async def _health(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), 5)
            path = line.split(b" ")[1] if line.count(b" ") >= 2 else b"/"
            body = json.dumps(
                {"status": "ok", **self.metrics.as_dict()}
                if path in (b"/health", b"/metrics")
                else {"error": "not found"}
            ).encode()
            status = b"200 OK" if path in (b"/health", b"/metrics") else b"404 Not Found"
            head = (
                b"HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n"
            )
            writer.write(head % (status, len(body)) + body)
            await writer.drain()
        except (TimeoutError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        """Clean shutdown: stop accepting, let connections finish their current batch, close the sink."""
        for srv in self._servers:
            srv.close()
        for task in list(self._conns):
            task.cancel()
        await asyncio.gather(*self._conns, return_exceptions=True)
        await self.sink.close()
        self.stopped.set()


def _greeting(mn: str, pw: str) -> list:  # type: ignore[type-arg]
    """§6.7 first connection: time set, timeout/retries, intervals, then the last day's hourly history."""
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    return [
        *first_connection(mn=mn, pw=pw, now=now),
        history_request(mn=mn, pw=pw, cn="2061", begin=now - dt.timedelta(days=1), end=now, now=now),
    ]


async def serve_forever(
    server: IngestServer, on_ready: Callable[[int], Awaitable[None]] | None = None
) -> None:
    port = await server.start()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread (tests)
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(server.stop()))
    if on_ready:
        await on_ready(port)
    await server.stopped.wait()
