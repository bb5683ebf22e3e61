"""Scale-out through the machine's NATS JetStream (127.0.0.1:4222): receivers ack after JetStream stored,
consumers store idempotently and ack after commit. Each test uses its own stream name."""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from ecoenforce.monitoring import aio
from ecoenforce.monitoring.bus import BusSink, consume
from ecoenforce.monitoring.hj212 import encode
from ecoenforce.monitoring.ingest import Store
from ecoenforce.monitoring.models import FrameStatus, Measurement, RawFrame
from ecoenforce.monitoring.server import IngestServer, Metrics, ServerConfig
from tests.monitoring.conftest import MN_A, make_plant
from tests.monitoring.harness import Logger, hourly

NATS = "nats://127.0.0.1:4222"
pytestmark = pytest.mark.django_db(transaction=True)


def _nats_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 4222), timeout=1).close()
        return True
    except OSError:
        return False


if not _nats_up():
    pytestmark = [pytestmark, pytest.mark.skip(reason="NATS not running at 127.0.0.1:4222")]


def _receiver(stream: str) -> tuple[Any, Any, int, threading.Thread]:
    ready = threading.Event()
    box: dict[str, Any] = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        sink = loop.run_until_complete(BusSink.connect(NATS, stream=stream))
        server = IngestServer(ServerConfig(host="127.0.0.1", port=0, first_connection=False), sink, Metrics())
        box["port"] = loop.run_until_complete(server.start())
        box["server"], box["loop"] = server, loop
        ready.set()
        loop.run_until_complete(server.stopped.wait())
        loop.close()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    assert ready.wait(15)
    return box["server"], box["loop"], box["port"], t


def _consume_until_idle(stream: str) -> int:
    store = Store()
    db = ThreadPoolExecutor(1)

    async def main() -> int:
        loop = asyncio.get_running_loop()

        async def run(fn: Any, arg: Any) -> Any:
            return await loop.run_in_executor(db, fn, arg)

        try:
            return await consume(NATS, stream, store.store_batch, idle_exit=2.0, run_sync=run)
        finally:
            await loop.run_in_executor(db, connections.close_all)

    try:
        return aio.run(main())
    finally:
        db.shutdown()


@pytest.fixture
def stream() -> str:
    return f"HJ212T{uuid.uuid4().hex[:10].upper()}"


def test_ack_after_jetstream_then_consumer_stores_idempotently(committed_world, stream):
    plant = make_plant(committed_world, "county_a", 8001, MN_A)
    server, loop, port, thread = _receiver(stream)
    try:
        log = Logger(port)
        packets = [hourly(MN_A, f"{h:02d}") for h in range(6)]
        for p in packets:
            log.send(encode(p))
            assert log.read_until("9014", p.qn).qn == p.qn  # JetStream has it: answered before any DB write
        log.send(encode(packets[0]))  # a retry: published twice, stored once
        log.read_until("9014", packets[0].qn)
        log.send(b"garbage##")
        log.close()
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(15)
        thread.join(15)
    assert not Measurement.objects.exists()
    assert _consume_until_idle(stream) >= 8
    assert Measurement.objects.filter(point_id=plant.point.pk, pollutant="w01018").count() == 6
    statuses = list(RawFrame.objects.values_list("status", flat=True))
    assert statuses.count(FrameStatus.OK) == 6 and statuses.count(FrameStatus.DUPLICATE) == 1
    assert FrameStatus.BAD_FORMAT in statuses
    assert _consume_until_idle(stream) == 0  # everything was acknowledged after commit: nothing redelivered
