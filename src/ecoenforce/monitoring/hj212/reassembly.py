"""Split packets (PDF2017 App. C.49/C.50): pieces with PNUM/PNO, each with a new QN, joined in PNO order."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace

from .errors import FieldError
from .packet import FLAG_SPLIT, Cp, Packet

Key = tuple[str, str, str | None, int]


@dataclass(slots=True)
class Reassembler:
    """Collects pieces by (MN, CN, DataTime, PNUM); returns the whole packet when the last arrives.

    Pieces without DataTime (only the first carries it in some loggers) join the open group of the same
    (MN, CN, PNUM). At most `max_open` groups are kept; the oldest is dropped (its pieces are in the raw log).
    """

    max_open: int = 1000
    _open: OrderedDict[Key, dict[int, Packet]] = field(default_factory=OrderedDict)

    def add(self, piece: Packet) -> Packet | None:
        if piece.pnum is None or piece.pno is None:
            return piece
        key = self._key(piece)
        parts = self._open.setdefault(key, {})
        if piece.pno in parts:
            raise FieldError(f"piece {piece.pno}/{piece.pnum} repeated")
        parts[piece.pno] = piece
        self._open.move_to_end(key)
        if len(parts) == piece.pnum:
            del self._open[key]
            return _join([parts[i] for i in range(1, piece.pnum + 1)])
        while len(self._open) > self.max_open:
            self._open.popitem(last=False)
        return None

    def _key(self, piece: Packet) -> Key:
        assert piece.pnum is not None
        dt = piece.cp.data_time
        if dt is None:
            for mn, cn, odt, pnum in reversed(self._open):
                if (mn, cn, pnum) == (piece.mn, piece.cn, piece.pnum):
                    return (mn, cn, odt, pnum)
        return (piece.mn, piece.cn, dt, piece.pnum)

    @property
    def open_groups(self) -> int:
        return len(self._open)


def _join(pieces: list[Packet]) -> Packet:
    first = pieces[0]
    seen_dt = False
    groups = []
    for p in pieces:
        for g in p.cp.groups:
            if g == (("DataTime", first.cp.data_time),) and seen_dt:
                continue  # each piece may repeat DataTime; keep one
            seen_dt = seen_dt or g == (("DataTime", first.cp.data_time),)
            groups.append(g)
    flag = None if first.flag is None else first.flag & ~FLAG_SPLIT
    return replace(first, cp=Cp(tuple(groups)), flag=flag, pnum=None, pno=None)


def split(packet: Packet, *, max_cp: int, qns: list[str]) -> list[Packet]:
    """Cut a packet's CP into pieces of at most max_cp characters; each piece repeats DataTime."""
    dt = packet.cp.data_time
    head = (("DataTime", dt),) if dt is not None else None
    body = [g for g in packet.cp.groups if g != head]
    chunks: list[list[tuple[tuple[str, str], ...]]] = [[]]
    size = 0
    for g in body:
        glen = len(Cp((g,)).text()) + 1
        if chunks[-1] and size + glen > max_cp:
            chunks.append([])
            size = 0
        chunks[-1].append(g)
        size += glen
    n = len(chunks)
    if len(qns) < n:
        raise ValueError("one QN per piece is needed")
    flag = (packet.flag or 4) | FLAG_SPLIT
    out = []
    for i, chunk in enumerate(chunks, start=1):
        groups = ((head,) if head else ()) + tuple(chunk)
        out.append(replace(packet, qn=qns[i - 1], flag=flag, pnum=n, pno=i, cp=Cp(groups)))
    return out
