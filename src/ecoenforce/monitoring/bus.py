"""Scale-out on NATS JetStream: stateless receivers publish every received chunk; consumers store batches.

Receiver (hj212_serve --bus): decodes only to know what to answer, publishes the raw chunk with its peer
and time to the stream (file storage) and answers 9014 only after JetStream acknowledged the publish.
Consumer (hj212_store): pulls batches, stores them with ingest.Store (idempotent on the natural key) and
acknowledges each message only after the transaction committed; a crash before that means redelivery,
and redelivery stores nothing twice. Device checks (unknown MN, PW) happen in the consumer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig

from ecoenforce.monitoring.hj212 import HJ212Error, decode, encode
from ecoenforce.monitoring.hj212.messages import UPLOAD_CNS, answer_9013, answer_9014
from ecoenforce.monitoring.ingest import Outcome, Received

logger = logging.getLogger(__name__)
DURABLE = "hj212-store"


def subject_of(stream: str) -> str:
    return f"{stream}.frames"


async def ensure_stream(js: Any, stream: str) -> None:
    try:
        await js.stream_info(stream)
    except nats.js.errors.NotFoundError:
        await js.add_stream(
            StreamConfig(name=stream, subjects=[subject_of(stream)], storage=StorageType.FILE)
        )


class BusSink:
    def __init__(self, nc: Any, js: Any, stream: str) -> None:
        self.nc, self.js, self.stream = nc, js, stream

    @classmethod
    async def connect(cls, url: str, *, stream: str) -> BusSink:
        nc = await nats.connect(url, max_reconnect_attempts=-1, reconnect_time_wait=0.5)
        js = nc.jetstream()
        await ensure_stream(js, stream)
        return cls(nc, js, stream)

    async def submit(self, item: Received) -> Outcome:
        headers = {"peer": item.peer, "at": item.at.isoformat(), "frame": "1" if item.is_frame else "0"}
        # raises when JetStream did not store it (NATS down): the caller sends no answer, the logger retries
        await self.js.publish(subject_of(self.stream), item.data, headers=headers, timeout=10)
        if not item.is_frame:
            return Outcome("bad_format")
        try:
            p = decode(item.data)
        except HJ212Error as exc:
            return Outcome(exc.status)
        reply = None
        if p.needs_ack and p.cn in UPLOAD_CNS:
            reply = encode(answer_9014(p))
        elif p.needs_ack and p.cn == "1013":
            reply = encode(answer_9013(p))
        return Outcome("ok", reply=reply, packet=p)

    async def close(self) -> None:
        await self.nc.drain()


def _received(msg: Any) -> Received:
    h = msg.headers or {}
    stamp = h.get("at")
    at = dt.datetime.fromisoformat(str(stamp)) if stamp else dt.datetime.now(dt.UTC)
    return Received(peer=h.get("peer", "?"), data=msg.data, at=at, is_frame=h.get("frame", "1") == "1")


async def consume(
    url: str,
    stream: str,
    store_batch: Callable[[list[Received]], list[Outcome]],
    *,
    batch: int = 500,
    stop: asyncio.Event | None = None,
    idle_exit: float | None = None,
    run_sync: Callable[..., Any] | None = None,
) -> int:
    """Pull, store, ack after commit; returns messages stored. idle_exit: stop after that long idle."""
    nc = await nats.connect(url, max_reconnect_attempts=-1, reconnect_time_wait=0.5)
    js = nc.jetstream()
    await ensure_stream(js, stream)
    sub = await js.pull_subscribe(
        subject_of(stream),
        durable=DURABLE,
        stream=stream,
        config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=30),
    )
    stored = 0
    idle_since = asyncio.get_running_loop().time()
    run = run_sync or (lambda fn, arg: asyncio.to_thread(fn, arg))
    try:
        while stop is None or not stop.is_set():
            try:
                msgs = await sub.fetch(batch, timeout=1)
            except (TimeoutError, nats.errors.TimeoutError):
                if idle_exit is not None and asyncio.get_running_loop().time() - idle_since > idle_exit:
                    break
                continue
            await run(store_batch, [_received(m) for m in msgs])
            for m in msgs:  # only now, after the commit
                await m.ack()
            stored += len(msgs)
            idle_since = asyncio.get_running_loop().time()
    finally:
        await nc.drain()
    return stored
