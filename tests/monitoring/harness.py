"""Run the ingest server in a background thread (its own event loop) and talk to it over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

from django.db import connections

from ecoenforce.monitoring.hj212 import Cp, Packet, decode, encode
from ecoenforce.monitoring.hj212.stream import FrameReader
from ecoenforce.monitoring.ingest import Store
from ecoenforce.monitoring.server import Batcher, IngestServer, Metrics, ServerConfig


class Running:
    def __init__(self, server: IngestServer, loop: asyncio.AbstractEventLoop, port: int) -> None:
        self.server, self.loop, self.port = server, loop, port

    @property
    def metrics(self) -> Metrics:
        return self.server.metrics


@contextlib.contextmanager
def running_server(**config: Any) -> Iterator[Running]:
    ready = threading.Event()
    box: dict[str, Any] = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        metrics = Metrics()
        store = Store()
        server = IngestServer(
            ServerConfig(host="127.0.0.1", port=0, **config),
            Batcher(store.store_batch, metrics, on_close=connections.close_all),
            metrics,
        )
        box["port"] = loop.run_until_complete(server.start())
        box["server"], box["loop"] = server, loop
        ready.set()
        loop.run_until_complete(server.stopped.wait())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield Running(box["server"], box["loop"], box["port"])
    finally:
        asyncio.run_coroutine_threadsafe(box["server"].stop(), box["loop"]).result(10)
        thread.join(10)


class Logger:
    """A data logger: a TCP client that sends frames and reads the platform's packets."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.reader = FrameReader()
        self.inbox: list[Packet] = []

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_until(self, cn: str, qn: str | None = None) -> Packet:
        while True:
            for i, p in enumerate(self.inbox):
                if p.cn == cn and (qn is None or p.qn == qn):
                    return self.inbox.pop(i)
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed by the platform")
            self.inbox += [decode(c.data) for c in self.reader.feed(data) if c.is_frame]

    def closed_by_peer(self) -> bool:
        try:
            return self.sock.recv(65536) == b""
        except (ConnectionResetError, TimeoutError):
            return True

    def close(self) -> None:
        self.sock.close()


def hourly(mn: str, hour: str, cod: float = 20.0, *, qn: str | None = None, pw: str = "123456",
           flag: int = 5, nh3: float = 1.0) -> Packet:  # fmt: skip
    """An hourly upload (2061) for 2026-11-30 `hour`:00 Beijing time."""
    cp = Cp.of(
        {"DataTime": f"20261130{hour}0000"},
        {"w01018-Avg": f"{cod}", "w01018-Flag": "N"},
        {"w21003-Avg": f"{nh3}", "w21003-Flag": "N"},
    )
    return Packet(st="32", cn="2061", pw=pw, mn=mn, qn=qn or f"20261130{hour}0001001", flag=flag, cp=cp)


def frame(p: Packet) -> bytes:
    return encode(p)
