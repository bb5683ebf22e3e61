"""SIGKILL a receiver and a consumer during a load, restart them: every acknowledged packet is in the
database exactly once. Servers run as real processes on the test database (PostgreSQL only: the SQLite
test database lives in this process's memory)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from ecoenforce.monitoring.hj212 import FrameReader, decode, encode
from ecoenforce.monitoring.models import Measurement
from tests.monitoring.conftest import make_plant
from tests.monitoring.harness import hourly

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres") is False,
        reason="needs PostgreSQL (the servers are separate processes)",
    ),
]
MNS = [f"44010000A8900016F00000{i:02d}" for i in range(3)]


def _env() -> dict[str, str]:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src")}


def _start(*args: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    if args[0] == "hj212_store":
        return proc, 0
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("READY"), line
    return proc, int(line.split()[1])


class Sender:
    """Loggers sending in turn; on a broken connection they reconnect (to the current port) and resend."""

    def __init__(self) -> None:
        self.acked: set[tuple[str, str]] = set()
        self.socks: dict[str, socket.socket] = {}

    def send(self, port: int, mn: str, hour: int) -> bool:
        stamp = f"2026113{hour // 24}{hour % 24:02d}0000"
        base = hourly(mn, "00")
        cp = type(base.cp)(((("DataTime", stamp),), *base.cp.groups[1:]))
        p = replace(base, qn=stamp + "001", cp=cp)
        try:
            s = self.socks.get(mn) or socket.create_connection(("127.0.0.1", port), timeout=10)
            self.socks[mn] = s
            s.sendall(encode(p))
            reader = FrameReader()
            while True:
                data = s.recv(65536)
                if not data:
                    raise ConnectionError
                if any(decode(c.data).qn == p.qn for c in reader.feed(data) if c.is_frame):
                    self.acked.add((mn, cp.data_time or ""))
                    return True
        except (OSError, ConnectionError):
            self.socks.pop(mn, None)
            return False

    def close(self) -> None:
        for s in self.socks.values():
            s.close()


def _load(sender: Sender, port_of: Any, hours: range, kill_at: int, kill: Any) -> None:
    for h in hours:
        for mn in MNS:
            while not sender.send(port_of(), mn, h):
                time.sleep(0.2)  # the logger retries until the platform answers
        if h == kill_at:
            kill()


def _in_db() -> set[tuple[str, str]]:
    rows = Measurement.objects.filter(pollutant="w01018").values_list("point__mn", "data_time")
    return {(mn, t.astimezone(_CST).strftime("%Y%m%d%H%M%S")) for mn, t in rows}


from datetime import timedelta, timezone  # noqa: E402

_CST = timezone(timedelta(hours=8))


@pytest.fixture
def plants(committed_world: Any) -> list[Any]:
    return [make_plant(committed_world, "county_a", 9100 + i, mn) for i, mn in enumerate(MNS)]


def test_sigkill_receiver_direct_mode(plants):
    state: dict[str, Any] = {}
    state["proc"], state["port"] = _start(
        "hj212_serve", "--host", "127.0.0.1", "--port", "0", "--no-first-connection"
    )

    def kill() -> None:
        state["proc"].send_signal(signal.SIGKILL)
        state["proc"].wait()
        state["proc"], state["port"] = _start(
            "hj212_serve", "--host", "127.0.0.1", "--port", "0", "--no-first-connection"
        )

    sender = Sender()
    try:
        _load(sender, lambda: state["port"], range(0, 20), kill_at=8, kill=kill)
    finally:
        sender.close()
        state["proc"].send_signal(signal.SIGTERM)
        state["proc"].wait(20)
    assert len(sender.acked) == 60
    assert sender.acked <= _in_db()
    assert Measurement.objects.filter(pollutant="w01018").count() == 60  # exactly once


def test_sigkill_receiver_and_consumer_bus_mode(plants):
    stream = f"HJ212K{uuid.uuid4().hex[:8].upper()}"
    bus = ["--bus", "nats://127.0.0.1:4222", "--stream", stream]
    serve = ["hj212_serve", "--host", "127.0.0.1", "--port", "0", "--no-first-connection", *bus]
    state: dict[str, Any] = {}
    state["recv"], state["port"] = _start(*serve)
    state["store"], _ = _start("hj212_store", *bus)

    def kill_both() -> None:
        for key in ("recv", "store"):
            state[key].send_signal(signal.SIGKILL)
            state[key].wait()
        state["recv"], state["port"] = _start(*serve)
        state["store"], _ = _start("hj212_store", *bus)

    sender = Sender()
    try:
        _load(sender, lambda: state["port"], range(0, 20), kill_at=8, kill=kill_both)
    finally:
        sender.close()
        state["recv"].send_signal(signal.SIGTERM)
        state["recv"].wait(20)
    deadline = time.time() + 90
    while len(_in_db() & sender.acked) < len(sender.acked) and time.time() < deadline:
        time.sleep(0.5)
    state["store"].send_signal(signal.SIGTERM)
    state["store"].wait(30)
    assert len(sender.acked) == 60
    assert sender.acked <= _in_db()
    assert Measurement.objects.filter(pollutant="w01018").count() == 60
