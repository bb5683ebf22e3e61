"""Monthly partitions of the measurements and the raw log on PostgreSQL, and their retention.

Measurements are partitioned by month of data_time (migration 0002), the raw log by month of received_at
(migration 0004); bounds are UTC months. Retention: MONITORING_RETENTION_MONTHS (default 72).
《生态环境监测条例》 art 26 requires raw monitoring records to be kept at least five years, so the default
keeps six and the setting refuses less than 60. The worker's daily job (tasks.maintain_partitions)
creates the coming months and drops whole partitions past the retention; on SQLite the tables are plain
and retention deletes rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import connection, transaction

MEASUREMENTS = "monitoring_measurement"
RAW_LOG = "monitoring_rawframe"
TABLE = MEASUREMENTS  # the measurement table (kept for callers of the first version)
TIME_COLUMN = {MEASUREMENTS: "data_time", RAW_LOG: "received_at"}
MIN_RETENTION_MONTHS = 60  # 生态环境监测条例 第二十六条: ≥ 5 years
_known: set[tuple[str, int, int]] = set()


def retention_months() -> int:
    months = int(getattr(settings, "MONITORING_RETENTION_MONTHS", 72))
    if months < MIN_RETENTION_MONTHS:
        raise ValueError(f"MONITORING_RETENTION_MONTHS={months} is below the legal minimum of 60")
    return months


def is_partitioned() -> bool:
    return connection.vendor == "postgresql"


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + n
    return idx // 12, idx % 12 + 1


def months_of(times: Iterable[dt.datetime]) -> set[tuple[int, int]]:
    """The UTC (year, month)s the given aware times fall in — the partitions' bounds are UTC."""
    out = set()
    for t in times:
        u = t.astimezone(dt.UTC)
        out.add((u.year, u.month))
    return out


def partition_name(year: int, month: int, table: str = MEASUREMENTS) -> str:
    return f"{table}_y{year:04d}m{month:02d}"


def ensure_months(months: set[tuple[int, int]], table: str = MEASUREMENTS) -> None:
    """Create the monthly partitions (UTC bounds) of `table` for the (year, month)s; idempotent, cached."""
    if not is_partitioned():
        return
    todo = {(table, y, m) for y, m in months} - _known
    if not todo:
        return
    with connection.cursor() as cur:
        # Several consumers (hj212_store) may meet a new month at once: CREATE TABLE IF NOT EXISTS is not
        # safe against a concurrent creator (DuplicateTable), so creators take turns until they commit.
        cur.execute("SELECT pg_advisory_xact_lock(hashtext('ecoenforce.monitoring.partitions'))")
        for _, year, month in sorted(todo):
            ny, nm = _add_months(year, month, 1)
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {partition_name(year, month, table)} PARTITION OF {table} "
                f"FOR VALUES FROM ('{year:04d}-{month:02d}-01 00:00+00') TO ('{ny:04d}-{nm:02d}-01 00:00+00')"
            )
            # remembered once committed: a rolled-back batch takes its CREATE TABLE with it
            transaction.on_commit(partial(_known.add, (table, year, month)))


def ensure_around(now: dt.datetime, *, back: int = 1, ahead: int = 2) -> None:
    months = {_add_months(now.year, now.month, n) for n in range(-back, ahead + 1)}
    for table in TIME_COLUMN:
        ensure_months(months, table)


def drop_expired(now: dt.datetime) -> list[str]:
    """Drop partitions (PostgreSQL) or delete rows (SQLite) older than the retention; returns what went."""
    cutoff_y, cutoff_m = _add_months(now.year, now.month, -retention_months())
    if not is_partitioned():
        from ecoenforce.monitoring.models import Measurement, RawFrame

        cutoff = dt.datetime(cutoff_y, cutoff_m, 1, tzinfo=dt.UTC)
        n, _ = Measurement.objects.filter(data_time__lt=cutoff).delete()
        r, _ = RawFrame.objects.filter(received_at__lt=cutoff).delete()
        return [f"{n} {label}" for n, label in ((n, "measurements"), (r, "raw frames")) if n]
    dropped = []
    with connection.cursor() as cur:
        for table in TIME_COLUMN:
            cur.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
                [table],
            )
            for (name,) in cur.fetchall():
                suffix = name.removeprefix(table + "_y")
                if len(suffix) != 7 or suffix[4] != "m" or not (suffix[:4] + suffix[5:]).isdigit():
                    continue  # the default partition
                if (int(suffix[:4]), int(suffix[5:])) < (cutoff_y, cutoff_m):
                    cur.execute(f"DROP TABLE {name}")
                    _known.discard((table, int(suffix[:4]), int(suffix[5:])))
                    dropped.append(name)
    return dropped
