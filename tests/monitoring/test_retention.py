"""Monthly partitions of the measurements and the raw log (PostgreSQL) and the retention the worker applies
(《生态环境监测条例》 art 26: raw records at least five years) — whole months dropped, SQLite rows deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from ecoenforce.monitoring import partitions
from ecoenforce.monitoring.hj212 import encode
from ecoenforce.monitoring.ingest import Received, Store
from ecoenforce.monitoring.models import Measurement, Period, RawFrame
from tests.monitoring.conftest import MN_A
from tests.monitoring.harness import hourly

pytestmark = pytest.mark.django_db(transaction=True)
NOW = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)


def _old_and_new(point_id: int) -> tuple[dt.datetime, dt.datetime]:
    old = dt.datetime(2020, 10, 15, tzinfo=dt.UTC)  # 74 months before NOW: past the 72-month default
    new = dt.datetime(2026, 11, 15, tzinfo=dt.UTC)
    for when in (old, new):
        for table in (partitions.MEASUREMENTS, partitions.RAW_LOG):
            partitions.ensure_months(partitions.months_of([when]), table)
        Measurement.objects.create(point_id=point_id, period=Period.HOUR, pollutant="w01018", data_time=when,
                                   value=20.0, received_at=when)  # fmt: skip
        RawFrame.objects.create(received_at=when, peer="127.0.0.1:1", data=b"##", status="ok")
    return old, new


def _partition_of(table: str, column: str, when: dt.datetime) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE {column} = %s", [when])
        return str(cur.fetchone()[0])


def test_the_workers_job_drops_months_past_the_retention_and_keeps_the_rest(committed_world, time_machine):
    from tests.monitoring.conftest import make_plant

    plant = make_plant(committed_world, "county_a", 7101, MN_A)
    old, new = _old_and_new(plant.point.pk)
    if partitions.is_partitioned():
        assert _partition_of(partitions.RAW_LOG, "received_at", old) == "monitoring_rawframe_y2020m10"
        assert _partition_of(partitions.MEASUREMENTS, "data_time", new) == "monitoring_measurement_y2026m11"
    from ecoenforce.monitoring.tasks import maintain_partitions
    from ecoenforce.worker.inline import run_queued

    time_machine.move_to(NOW)
    maintain_partitions.enqueue()
    assert run_queued() == 1
    assert list(Measurement.objects.values_list("data_time", flat=True)) == [new]
    assert list(RawFrame.objects.values_list("received_at", flat=True)) == [new]
    if partitions.is_partitioned():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT to_regclass('monitoring_rawframe_y2020m10'),"
                " to_regclass('monitoring_rawframe_y2027m01')"
            )
            gone, ahead = cur.fetchone()
        assert gone is None and ahead is not None  # the old month dropped, the coming months made


def test_retention_below_the_legal_five_years_is_refused(settings):
    settings.MONITORING_RETENTION_MONTHS = 59
    with pytest.raises(ValueError, match="legal minimum"):
        partitions.drop_expired(NOW)


def test_ingest_writes_the_raw_log_into_the_month_it_was_received(committed_world):
    from tests.monitoring.conftest import make_plant

    plant = make_plant(committed_world, "county_a", 7102, MN_A)
    at = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)  # already 1 December in Beijing
    Store().store_batch([Received("127.0.0.1:9", encode(hourly(plant.mn, "10")), at)])
    raw = RawFrame.objects.get()
    assert raw.status == "ok" and raw.received_at == at
    if partitions.is_partitioned():
        assert _partition_of(partitions.RAW_LOG, "received_at", at) == "monitoring_rawframe_y2026m11"
