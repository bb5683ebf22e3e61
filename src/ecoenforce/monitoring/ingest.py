"""Store a batch of received frames in one transaction (group commit) and say what to answer each.

The raw log keeps every chunk with its status; measurements are written idempotently on their natural
key (point, period, pollutant, DataTime), so a logger's retry or a bus redelivery stores nothing twice.
Answers (9014 for uploads with A=1, 9013 for a 1013 notice) are returned only for frames whose data is
committed: the caller sends them after this function returns.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from ecoenforce.monitoring import partitions
from ecoenforce.monitoring.devices import DeviceCache, DeviceInfo, check_pw
from ecoenforce.monitoring.hj212 import CRCError, HJ212Error, Packet, Reassembler, Tolerance, decode, encode
from ecoenforce.monitoring.hj212.messages import PERIOD_OF_CN, UPLOAD_CNS, answer_9013, answer_9014
from ecoenforce.monitoring.models import Device, FrameStatus, Measurement, QuarantinedDevice

logger = logging.getLogger(__name__)
MODBUS = Tolerance(modbus_crc=True)
_MN_IN_RAW = re.compile(rb"MN=([0-9A-Za-z_\-]{1,27})")
_VALUE_KEYS = ("Avg", "Rtd", "RS", "RT")  # the value a row keeps, in order of preference
TOUCH_EVERY = dt.timedelta(seconds=30)
FIELD_PERIOD = {**PERIOD_OF_CN, "2021": "rtd"}  # 2021 run status (SBxxx-RS) is kept like real-time data


@dataclass(slots=True)
class Received:
    peer: str
    data: bytes
    at: dt.datetime
    is_frame: bool = True


@dataclass(slots=True)
class Outcome:
    status: str
    reply: bytes | None = None
    packet: Packet | None = None
    detail: str = ""
    whole: Packet | None = None  # the reassembled packet, on the frame that completed a split group


@dataclass
class Store:
    """One per process (it holds the device cache and the open split-packet groups)."""

    devices: DeviceCache = field(default_factory=DeviceCache)
    reassembler: Reassembler = field(default_factory=Reassembler)
    touched: dict[int, dt.datetime] = field(default_factory=dict)  # device → last_seen_at this process wrote

    def store_batch(self, items: list[Received]) -> list[Outcome]:
        if not items:  # a consumer's empty fetch: nothing to write (unnest needs one array per column)
            return []
        outcomes = [self._classify(item) for item in items]
        rows, owners = self._measurements(items, outcomes)
        with transaction.atomic():
            partitions.ensure_months(partitions.months_of(r[3] for r in rows))
            partitions.ensure_months(partitions.months_of(item.at for item in items), partitions.RAW_LOG)
            if connection.vendor == "postgresql":
                # one INSERT … RETURNING: the keys it did not return existed already (no SELECT first)
                _mark_duplicates(rows, owners, outcomes, existing=None, inserted=_insert_pg(rows))
                _insert_raw_pg(items, outcomes)
            else:
                existing = _existing(rows)
                dupes = _mark_duplicates(rows, owners, outcomes, existing=existing, inserted=None)
                _insert_measurements([r for i, r in enumerate(rows) if owners[i] not in dupes])
                _insert_raw(items, outcomes)
            self._quarantine(items, outcomes)
            self._touch_devices(items, outcomes)
        for out in outcomes:
            out.reply = _reply(out)
        return outcomes

    def _classify(self, item: Received) -> Outcome:
        if not item.is_frame:
            return Outcome(FrameStatus.BAD_FORMAT, detail="bytes outside a frame")
        try:
            packet: Packet | None = decode(item.data)
        except CRCError as exc:
            packet = self._modbus_retry(item.data)
            if packet is None:
                return Outcome(FrameStatus.BAD_CRC, detail=str(exc)[:200])
        except HJ212Error as exc:
            return Outcome(exc.status, detail=f"{type(exc).__name__}: {exc}"[:200])
        assert packet is not None
        info = self.devices.get(packet.mn)
        if info is None:
            return Outcome(FrameStatus.UNKNOWN_DEVICE, packet=packet)
        if not check_pw(packet.pw, info.salt, info.digest):
            return Outcome(FrameStatus.BAD_PASSWORD, packet=packet)
        detail = ",".join(packet.warnings)
        if packet.is_split:
            try:
                whole = self.reassembler.add(packet)
            except HJ212Error as exc:
                return Outcome(FrameStatus.DUPLICATE, packet=packet, detail=str(exc))
            return (
                Outcome(FrameStatus.OK, packet=packet, detail=f"piece {packet.pno}/{packet.pnum}")
                if (whole is None)
                else _whole(packet, whole, detail)
            )
        return Outcome(FrameStatus.OK, packet=packet, detail=detail)

    def _modbus_retry(self, data: bytes) -> Packet | None:
        m = _MN_IN_RAW.search(data)
        info = self.devices.get(m.group(1).decode()) if m else None
        if info is None or not info.modbus_crc:
            return None
        try:
            return decode(data, MODBUS)
        except HJ212Error:
            return None

    def _measurements(self, items: list[Received], outcomes: list[Outcome]) -> tuple[list[Row], list[int]]:
        rows: list[Row] = []
        owners: list[int] = []  # index of the outcome each row comes from
        for i, out in enumerate(outcomes):
            whole = out.whole or out.packet
            if out.status != FrameStatus.OK or whole is None or whole.is_split:
                continue
            info = self.devices.get(whole.mn)
            assert info is not None
            new = _rows(whole, info, items[i].at)
            rows.extend(new)
            owners.extend([i] * len(new))
        return rows, owners

    def _touch_devices(self, items: list[Received], outcomes: list[Outcome]) -> None:
        """When each device was last heard from (the points list's online status, judged in hours): one
        UPDATE, and only for devices not touched in the last TOUCH_EVERY — rewriting every device's row
        on every batch cost a tenth of a batch's time."""
        ids = {
            info.device_id
            for out in outcomes
            if out.status in (FrameStatus.OK, FrameStatus.DUPLICATE)
            and out.packet
            and (info := self.devices.get(out.packet.mn)) is not None
        }
        at = max(i.at for i in items)
        ids = {i for i in ids if (last := self.touched.get(i)) is None or at - last >= TOUCH_EVERY}
        if ids:
            Device.objects.filter(pk__in=ids).update(last_seen_at=at)
            transaction.on_commit(lambda: self.touched.update(dict.fromkeys(ids, at)))

    def _quarantine(self, items: list[Received], outcomes: list[Outcome]) -> None:
        seen: dict[str, tuple[str, Received]] = {}
        counts: dict[str, int] = {}
        for item, out in zip(items, outcomes, strict=True):
            if out.status in (FrameStatus.UNKNOWN_DEVICE, FrameStatus.BAD_PASSWORD) and out.packet:
                seen[out.packet.mn] = (out.status, item)
                counts[out.packet.mn] = counts.get(out.packet.mn, 0) + 1
        for mn, (status, item) in seen.items():
            updated = QuarantinedDevice.objects.filter(mn=mn).update(
                last_seen_at=item.at, last_peer=item.peer, reason=status, frames=F("frames") + counts[mn]
            )
            if not updated:
                QuarantinedDevice.objects.create(
                    mn=mn,
                    reason=status,
                    first_seen_at=item.at,
                    last_seen_at=item.at,
                    last_peer=item.peer,
                    frames=counts[mn],
                )


Key = tuple[int, str, str, dt.datetime]  # the natural key: point, period, pollutant, DataTime
# one measurement in the table's column order: the key, value, min, max, cou, flag, received_at
# (plain tuples: building 3 ORM objects per packet was a sixth of a batch's time)
Row = tuple[
    int, str, str, dt.datetime, float | None, float | None, float | None, float | None, str, dt.datetime
]


def _existing(rows: list[Row]) -> set[Key]:
    if not rows:
        return set()
    return set(
        Measurement.objects.filter(
            point_id__in={r[0] for r in rows}, data_time__in={r[3] for r in rows}
        ).values_list("point_id", "period", "pollutant", "data_time")
    )


def _mark_duplicates(
    rows: list[Row],
    owners: list[int],
    outcomes: list[Outcome],
    *,
    existing: set[Key] | None,
    inserted: set[Key] | None,
) -> set[int]:
    """A packet all of whose rows existed already (or came earlier in this batch) is a duplicate.

    Either `existing` (keys in the table before the insert) or `inserted` (keys the insert wrote) is known;
    a key the insert wrote belongs to the first packet of the batch that carries it."""
    by_owner: dict[int, list[Key]] = {}
    for r, o in zip(rows, owners, strict=True):
        by_owner.setdefault(o, []).append(r[:4])
    dupes = set()
    seen: set[Key] = set() if existing is None else existing
    for o, keys in by_owner.items():
        if inserted is not None:
            fresh = any(k in inserted and k not in seen for k in keys)
        else:
            fresh = not all(k in seen for k in keys)
        if not fresh:
            dupes.add(o)
            outcomes[o].status = FrameStatus.DUPLICATE
        seen.update(keys)
    return dupes


def _whole(piece: Packet, whole: Packet, detail: str) -> Outcome:
    return Outcome(FrameStatus.OK, packet=piece, detail=(detail + " reassembled").strip(), whole=whole)


def _reply(out: Outcome) -> bytes | None:
    p = out.packet
    if p is None or out.status not in (FrameStatus.OK, FrameStatus.DUPLICATE) or not p.needs_ack:
        return None
    if p.cn in UPLOAD_CNS:
        return encode(answer_9014(p))
    if p.cn == "1013":
        return encode(answer_9013(p))
    return None


_MEAS_SQL = (
    "INSERT INTO monitoring_measurement (point_id, period, pollutant, data_time, value, min_value, max_value,"
    " cou, flag, received_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
_RAW_SQL = (
    "INSERT INTO monitoring_rawframe (received_at, peer, data, status, mn, cn, qn, detail)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)


# PostgreSQL: the whole batch as one array per column, one statement each (executemany's per-row
# parameter dumping and pipeline round trips were the largest cost left after the ORM objects)
_MEAS_PG = (
    "INSERT INTO monitoring_measurement (point_id, period, pollutant, data_time, value, min_value, max_value,"
    " cou, flag, received_at) SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[],"
    " %s::timestamptz[], %s::float8[], %s::float8[], %s::float8[], %s::float8[], %s::varchar[],"
    " %s::timestamptz[]) ON CONFLICT DO NOTHING RETURNING point_id, period, pollutant, data_time"
)
_RAW_PG = (
    "INSERT INTO monitoring_rawframe (received_at, peer, data, status, mn, cn, qn, detail)"
    " SELECT * FROM unnest(%s::timestamptz[], %s::varchar[], %s::bytea[], %s::varchar[], %s::varchar[],"
    " %s::varchar[], %s::varchar[], %s::varchar[])"
)


def _insert_pg(rows: list[Row]) -> set[Key]:
    """Insert idempotently on the natural key; returns the keys actually written."""
    if not rows:
        return set()
    with connection.cursor() as cur:
        cur.execute(_MEAS_PG, [list(col) for col in zip(*rows, strict=True)])
        return {(p, per, pol, t) for p, per, pol, t in cur.fetchall()}


def _insert_raw_pg(items: list[Received], outcomes: list[Outcome]) -> None:
    with connection.cursor() as cur:
        cur.execute(_RAW_PG, [list(col) for col in zip(*_raw_params(items, outcomes, _same), strict=True)])


def _same(value: dt.datetime) -> dt.datetime:
    return value


def _insert_measurements(rows: list[Row]) -> None:
    """SQLite: executemany with ON CONFLICT DO NOTHING; the natural key makes the write idempotent."""
    if not rows:
        return
    adapt = connection.ops.adapt_datetimefield_value
    params = [(*r[:3], adapt(r[3]), *r[4:9], adapt(r[9])) for r in rows]
    with connection.cursor() as cur:
        cur.executemany(_MEAS_SQL, params)


def _insert_raw(items: list[Received], outcomes: list[Outcome]) -> None:
    params = _raw_params(items, outcomes, connection.ops.adapt_datetimefield_value)
    with connection.cursor() as cur:
        cur.executemany(_RAW_SQL, params)


def _raw_params(
    items: list[Received], outcomes: list[Outcome], adapt: Callable[[dt.datetime], object]
) -> list[tuple[Any, ...]]:
    params: list[tuple[Any, ...]] = []
    for item, out in zip(items, outcomes, strict=True):
        p = out.packet
        params.append(
            (
                adapt(item.at),
                item.peer[:64],
                item.data,
                str(out.status),
                p.mn[:27] if p else "",
                p.cn if p else "",
                (p.qn or "") if p else "",
                out.detail[:200],
            )
        )
    return params


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.strptime(value[:14], "%Y%m%d%H%M%S").replace(tzinfo=_CST)


_CST = dt.timezone(dt.timedelta(hours=8), "CST")  # loggers report Beijing time


def _num(value: str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _rows(p: Packet, info: DeviceInfo, received: dt.datetime) -> list[Row]:
    period = FIELD_PERIOD.get(p.cn)
    stamp = p.cp.data_time
    if period is None or stamp is None:
        return []
    when = parse_time(stamp)
    rows = []
    for code, fields in p.cp.factors().items():
        key = next((k for k in _VALUE_KEYS if k in fields), None)
        if key is None:
            continue
        pollutant = f"{code}-{key}" if key in ("RS", "RT") else code
        rows.append(
            (
                info.point_id,
                period,
                pollutant[:24],
                when,
                _num(fields[key]),
                _num(fields.get("Min")),
                _num(fields.get("Max")),
                _num(fields.get("Cou")),
                (fields.get("Flag") or "N")[:1],
                received,
            )
        )
    return rows
