"""Monthly partitions of monitoring_measurement on PostgreSQL, and the retention of measurements.

Retention: MONITORING_RETENTION_MONTHS (default 72). 《生态环境监测条例》 art 26 requires raw monitoring
records to be kept at least five years, so the default keeps six and the setting refuses less than 60.
On SQLite the table is plain and retention deletes rows.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection

TABLE = "monitoring_measurement"
MIN_RETENTION_MONTHS = 60  # 生态环境监测条例 第二十六条: ≥ 5 years
_known: set[tuple[int, int]] = set()


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


def partition_name(year: int, month: int) -> str:
    return f"{TABLE}_y{year:04d}m{month:02d}"


def ensure_months(months: set[tuple[int, int]]) -> None:
    """Create the monthly partitions (UTC bounds) the given (year, month)s fall in; idempotent, cached."""
    if not is_partitioned():
        return
    todo = months - _known
    with connection.cursor() as cur:
        for year, month in sorted(todo):
            ny, nm = _add_months(year, month, 1)
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {partition_name(year, month)} PARTITION OF {TABLE} "
                f"FOR VALUES FROM ('{year:04d}-{month:02d}-01 00:00+00') TO ('{ny:04d}-{nm:02d}-01 00:00+00')"
            )
            _known.add((year, month))


def ensure_around(now: dt.datetime, *, back: int = 1, ahead: int = 2) -> None:
    ensure_months({_add_months(now.year, now.month, n) for n in range(-back, ahead + 1)})


def drop_expired(now: dt.datetime) -> list[str]:
    """Drop partitions (PostgreSQL) or delete rows (SQLite) older than the retention; returns what went."""
    cutoff_y, cutoff_m = _add_months(now.year, now.month, -retention_months())
    if not is_partitioned():
        from ecoenforce.monitoring.models import Measurement

        cutoff = dt.datetime(cutoff_y, cutoff_m, 1, tzinfo=dt.UTC)
        n, _ = Measurement.objects.filter(data_time__lt=cutoff).delete()
        return [f"{n} rows"] if n else []
    dropped = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        for (name,) in cur.fetchall():
            suffix = name.removeprefix(TABLE + "_y")
            if len(suffix) != 7 or suffix[4] != "m" or not (suffix[:4] + suffix[5:]).isdigit():
                continue  # the default partition
            if (int(suffix[:4]), int(suffix[5:])) < (cutoff_y, cutoff_m):
                cur.execute(f"DROP TABLE {name}")
                _known.discard((int(suffix[:4]), int(suffix[5:])))
                dropped.append(name)
    return dropped
