"""The ingest server over real sockets, writing straight to the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest

from ecoenforce.monitoring.hj212 import encode
from ecoenforce.monitoring.hj212.reassembly import split
from ecoenforce.monitoring.models import FrameStatus, Measurement, QuarantinedDevice, RawFrame
from tests.monitoring.conftest import MN_A, make_plant
from tests.monitoring.harness import Logger, hourly, running_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plant(committed_world: Any) -> Any:
    return make_plant(committed_world, "county_a", 6001, MN_A)


def test_upload_is_acked_with_its_qn_after_it_is_stored(plant):
    with running_server(first_connection=False) as srv:
        log = Logger(srv.port)
        p = hourly(MN_A, "10", cod=23.5)
        log.send(encode(p))
        ack = log.read_until("9014")
        assert (ack.st, ack.qn, ack.flag) == ("91", p.qn, 4)
        # the ack came after the commit: the data is there the moment the logger has its answer
        rows = {m.pollutant: m for m in Measurement.objects.filter(point_id=plant.point.pk)}
        assert rows["w01018"].value == 23.5 and rows["w01018"].period == "hour" and rows["w01018"].flag == "N"
        assert rows["w21003"].value == 1.0
        raw = RawFrame.objects.get()
        assert bytes(raw.data) == encode(p) and raw.status == FrameStatus.OK and raw.qn == p.qn
        log.close()


def test_several_packets_in_one_read_and_one_packet_split_across_reads(plant):
    with running_server(first_connection=False) as srv:
        log = Logger(srv.port)
        a, b, c = (hourly(MN_A, h) for h in ("01", "02", "03"))
        log.send(encode(a) + encode(b) + encode(c)[:17])
        assert log.read_until("9014", a.qn) and log.read_until("9014", b.qn)
        time.sleep(0.2)
        log.send(encode(c)[17:40])
        time.sleep(0.2)
        log.send(encode(c)[40:])
        assert log.read_until("9014", c.qn)
        assert Measurement.objects.filter(point_id=plant.point.pk, pollutant="w01018").count() == 3


def test_duplicates_are_idempotent_and_still_acked(plant):
    with running_server(first_connection=False) as srv:
        log = Logger(srv.port)
        p = hourly(MN_A, "05", cod=30.0)
        for _ in range(3):  # the logger did not get our answer and retries
            log.send(encode(p))
            log.read_until("9014", p.qn)
        assert Measurement.objects.filter(point_id=plant.point.pk).count() == 2
        statuses = sorted(RawFrame.objects.values_list("status", flat=True))
        assert statuses == ["duplicate", "duplicate", "ok"]


def test_unknown_device_and_wrong_password_are_quarantined_and_not_acked(plant):
    with running_server(first_connection=False) as srv:
        log = Logger(srv.port, timeout=1.5)
        stranger = hourly("99990000A8900016F0000009", "06")
        log.send(encode(stranger))
        log.send(encode(hourly(MN_A, "06", pw="654321")))
        with pytest.raises(socket.timeout):
            log.read_until("9014")
        deadline = time.time() + 5
        while RawFrame.objects.count() < 2 and time.time() < deadline:
            time.sleep(0.05)
        q = {d.mn: d for d in QuarantinedDevice.objects.all()}
        assert q["99990000A8900016F0000009"].reason == "unknown_device"
        assert q[MN_A].reason == "bad_password"
        assert not Measurement.objects.exists()
        assert set(RawFrame.objects.values_list("status", flat=True)) == {"unknown_device", "bad_password"}


def test_bad_crc_and_junk_are_logged_and_the_connection_goes_on(plant):
    with running_server(first_connection=False) as srv:
        log = Logger(srv.port)
        bad = bytearray(encode(hourly(MN_A, "07")))
        bad[-4] = ord("0") if bad[-4] != ord("0") else ord("1")
        log.send(b"hello" + bytes(bad) + b"##99zz")
        good = hourly(MN_A, "08")
        log.send(encode(good))
        assert log.read_until("9014", good.qn)
        statuses = list(RawFrame.objects.order_by("id").values_list("status", flat=True))
        assert statuses.count("bad_crc") == 1 and statuses.count("bad_format") >= 2 and statuses[-1] == "ok"
        kept = b"".join(bytes(r.data) for r in RawFrame.objects.order_by("id"))
        assert kept == b"hello" + bytes(bad) + b"##99zz" + encode(good)  # every byte kept


def test_split_packet_is_reassembled_and_each_piece_acked(plant):
    big = hourly(MN_A, "09")
    pieces = split(big, max_cp=40, qns=[f"2026113009000100{i}" for i in range(1, 10)])
    assert len(pieces) >= 2
    with running_server(first_connection=False) as srv:
        log = Logger(srv.port)
        for piece in pieces:
            log.send(encode(piece))
            assert log.read_until("9014", piece.qn)
        assert Measurement.objects.filter(point_id=plant.point.pk).count() == 2


def test_idle_connection_is_closed_and_others_keep_being_served(plant):
    with running_server(first_connection=False, idle_timeout=0.5) as srv:
        silent = Logger(srv.port)
        silent.send(encode(hourly(MN_A, "11"))[:10])  # slow loris: half a header, then nothing
        active = Logger(srv.port)
        p = hourly(MN_A, "12")
        active.send(encode(p))
        assert active.read_until("9014", p.qn)
        time.sleep(1.0)
        assert silent.closed_by_peer()
        assert srv.metrics.idle_closed >= 1
        # the half frame is kept in the raw log as bad_format
        deadline = time.time() + 5
        while not RawFrame.objects.filter(status="bad_format").exists() and time.time() < deadline:
            time.sleep(0.05)
        assert bytes(RawFrame.objects.get(status="bad_format").data) == encode(hourly(MN_A, "11"))[:10]


def test_connection_limit_refuses_the_flood_but_serves_the_admitted(plant):
    with running_server(first_connection=False, max_connections=3) as srv:
        admitted = [Logger(srv.port) for _ in range(3)]
        p = hourly(MN_A, "13")
        admitted[0].send(encode(p))
        assert admitted[0].read_until("9014", p.qn)
        extra = Logger(srv.port)
        assert extra.closed_by_peer()
        assert srv.metrics.connections_rejected >= 1


def test_first_connection_sequence_and_health_endpoint(plant):
    with running_server(first_connection=True, health_port=0) as srv:
        log = Logger(srv.port)
        p = hourly(MN_A, "14")
        log.send(encode(p))
        assert log.read_until("9014", p.qn)
        cns = [log.read_until(cn).cn for cn in ("1012", "1000", "1062", "1064", "2061")]
        assert cns == ["1012", "1000", "1062", "1064", "2061"]
        with socket.create_connection(("127.0.0.1", srv.server.health_port), timeout=5) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            body = b""
            while chunk := s.recv(65536):
                body += chunk
        health = json.loads(body.split(b"\r\n\r\n", 1)[1])
        assert health["status"] == "ok" and health["frames"]["ok"] == 1 and health["acks"] == 1
