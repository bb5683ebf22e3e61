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
from dataclasses import dataclass, field

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

    def store_batch(self, items: list[Received]) -> list[Outcome]:
        outcomes = [self._classify(item) for item in items]
        rows, owners = self._measurements(items, outcomes)
        with transaction.atomic():
            dupes = self._mark_duplicates(rows, owners, outcomes)
            partitions.ensure_months(partitions.months_of(r.data_time for r in rows))
            partitions.ensure_months(partitions.months_of(item.at for item in items), partitions.RAW_LOG)
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

    def _measurements(
        self, items: list[Received], outcomes: list[Outcome]
    ) -> tuple[list[Measurement], list[int]]:
        rows: list[Measurement] = []
        owners: list[int] = []  # index of the outcome each row comes from
        for i, out in enumerate(outcomes):
            whole = out.whole or out.packet
            if out.status != FrameStatus.OK or whole is None or whole.is_split:
                continue
            info = self.devices.get(whole.mn)
            assert info is not None
            for row in _rows(whole, info, items[i].at):
                rows.append(row)
                owners.append(i)
        return rows, owners

    def _mark_duplicates(
        self, rows: list[Measurement], owners: list[int], outcomes: list[Outcome]
    ) -> set[int]:
        """A packet all of whose rows exist already (or earlier in this batch) is a duplicate."""
        if not rows:
            return set()
        times = {r.data_time for r in rows}
        points = {r.point_id for r in rows}
        existing = set(
            Measurement.objects.filter(point_id__in=points, data_time__in=times).values_list(
                "point_id", "period", "pollutant", "data_time"
            )
        )
        by_owner: dict[int, list[tuple[int, str, str, dt.datetime]]] = {}
        for r, o in zip(rows, owners, strict=True):
            by_owner.setdefault(o, []).append((r.point_id, r.period, r.pollutant, r.data_time))
        dupes = set()
        for o, keys in by_owner.items():
            if all(k in existing for k in keys):
                dupes.add(o)
                outcomes[o].status = FrameStatus.DUPLICATE
            existing.update(keys)
        return dupes

    def _touch_devices(self, items: list[Received], outcomes: list[Outcome]) -> None:
        """One UPDATE per batch: when each device was last heard from (the points list's online status)."""
        ids = {
            info.device_id
            for out in outcomes
            if out.status in (FrameStatus.OK, FrameStatus.DUPLICATE)
            and out.packet
            and (info := self.devices.get(out.packet.mn)) is not None
        }
        if ids:
            Device.objects.filter(pk__in=ids).update(last_seen_at=max(i.at for i in items))

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


def _insert_measurements(rows: list[Measurement]) -> None:
    """executemany with ON CONFLICT DO NOTHING (PostgreSQL, SQLite >= 3.24): the ORM's per-value
    preparation was most of a batch's time; the natural key still makes the write idempotent."""
    if not rows:
        return
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        (
            r.point_id,
            r.period,
            r.pollutant,
            adapt(r.data_time),
            r.value,
            r.min_value,
            r.max_value,
            r.cou,
            r.flag,
            adapt(r.received_at),
        )
        for r in rows
    ]
    with connection.cursor() as cur:
        cur.executemany(_MEAS_SQL, params)


def _insert_raw(items: list[Received], outcomes: list[Outcome]) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    params = []
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
    with connection.cursor() as cur:
        cur.executemany(_RAW_SQL, params)


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


def _rows(p: Packet, info: DeviceInfo, received: dt.datetime) -> list[Measurement]:
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
            Measurement(
                point_id=info.point_id,
                period=period,
                pollutant=pollutant[:24],
                data_time=when,
                value=_num(fields[key]),
                min_value=_num(fields.get("Min")),
                max_value=_num(fields.get("Max")),
                cou=_num(fields.get("Cou")),
                flag=(fields.get("Flag") or "N")[:1],
                received_at=received,
            )
        )
    return rows
