"""hj212_simulate: loggers over real TCP against the ingest server; labelled faults; broken packets kept."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command

from ecoenforce.monitoring.models import FrameStatus, Measurement, PowerMeter, PowerReading, RawFrame
from tests.monitoring.conftest import MN_A, MN_B, make_plant

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_simulation_stores_every_acknowledged_packet_and_logs_the_broken(
    committed_world, tmp_path, capsys
):
    make_plant(committed_world, "county_a", 7001, MN_A)
    make_plant(committed_world, "county_b", 7002, MN_B, air=True)
    labels = tmp_path / "labels.json"
    call_command(
        "hj212_simulate", demo=True, points=2, days=3, bad_share=0.05, fault_share=1.0, labels=str(labels)
    )
    out = capsys.readouterr().out
    # the operator's summary is Chinese: 已发送 N 条报文（其中故意损坏 B 条），收到应答 A 条
    summary = re.search(r"已发送 (\d+) 条报文（其中故意损坏 (\d+) 条），收到应答 (\d+) 条", out)
    assert summary, out
    acked = int(summary.group(3))
    assert "已登记演示数采仪" in out and "筛查规则发现异常" in out
    ok = RawFrame.objects.filter(status=FrameStatus.OK).count()
    assert acked == ok > 0
    hourly = RawFrame.objects.filter(status=FrameStatus.OK, cn="2061").count()
    status = RawFrame.objects.filter(status=FrameStatus.OK, cn="2021").count()
    assert hourly + status == ok and status == hourly  # each hour: the data, then the facility's run status
    # every acknowledged hourly packet is in the measurements exactly once (water: COD, NH3-N, flow)
    assert (
        Measurement.objects.filter(period="hour").values("point_id", "data_time").distinct().count() == hourly
    )
    # ... and every run status (SB1-RS, HJ 212-2017 表4) as a real-time row of the point
    assert Measurement.objects.filter(period="rtd", pollutant="SB1-RS").count() == status
    # both points' production and treatment meters got one reading per simulated hour (分表计电)
    meters = PowerMeter.objects.filter(point__isnull=False)
    assert sorted(meters.values_list("kind", flat=True)) == ["production"] * 2 + ["treatment"] * 2
    assert PowerReading.objects.count() == 4 * 3 * 24
    broken = RawFrame.objects.filter(status__in=[FrameStatus.BAD_CRC, FrameStatus.BAD_FORMAT]).count()
    sent_broken = int(summary.group(2))
    assert sent_broken >= 1 and broken >= sent_broken  # a malformed frame can be cut into frame + junk
    assert {lb["mn"] for lb in json.loads(labels.read_text())} <= {MN_A, MN_B}
