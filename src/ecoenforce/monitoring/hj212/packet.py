"""The decoded packet: header fields of HJ 212-2017 Table 3 and the CP region as an ordered structure."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Flag bits (PDF2017 §6.3, Flag = V5..V0 D A)
FLAG_ACK = 0x01  # A: the command needs an answer
FLAG_SPLIT = 0x02  # D: PNUM/PNO present

Item = tuple[str, str]
Group = tuple[Item, ...]


_ITEM = re.compile(r"([^=;,]+)=([^;,]*)")


class Cp:
    """CP=&&…&&: groups separated by ';', items in a group by ',', key=value (§6.3.3), order kept.

    A decoded CP keeps its validated text and builds the groups on first use (`lazy`): the ingest path
    often needs only DataTime and a few factors, and building every tuple was most of decode's time."""

    __slots__ = ("_groups", "_text")

    def __init__(self, groups: tuple[Group, ...] = ()) -> None:
        self._groups: tuple[Group, ...] | None = groups
        self._text: str | None = None

    @classmethod
    def lazy(cls, text: str) -> Cp:
        """From CP text the decoder has already validated (well-formed items, no empty group)."""
        cp = cls.__new__(cls)
        cp._groups = None
        cp._text = text
        return cp

    @property
    def groups(self) -> tuple[Group, ...]:
        if self._groups is None:
            findall = _ITEM.findall
            self._groups = tuple(tuple(findall(g)) for g in (self._text or "").split(";") if g)
        return self._groups

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cp) and self.groups == other.groups

    def __hash__(self) -> int:
        return hash(self.groups)

    def __repr__(self) -> str:
        return f"Cp(groups={self.groups!r})"

    def get(self, key: str) -> str | None:
        for group in self.groups:
            for k, v in group:
                if k == key:
                    return v
        return None

    @property
    def data_time(self) -> str | None:
        return self.get("DataTime")

    def factors(self) -> dict[str, dict[str, str]]:
        """{"w01018": {"Avg": "12.3", "Flag": "N"}, "SB1": {"RS": "1"}} from `code-Field=value` items."""
        out: dict[str, dict[str, str]] = {}
        for group in self.groups:
            for key, value in group:
                code, dash, name = key.rpartition("-")
                if dash and code:
                    out.setdefault(code, {})[name] = value
        return out

    def text(self) -> str:
        if self._groups is None and self._text is not None:
            return self._text
        return ";".join(",".join(f"{k}={v}" for k, v in g) for g in self.groups)

    @classmethod
    def of(cls, *groups: dict[str, str] | list[tuple[str, str]]) -> Cp:
        return cls(tuple(tuple(g.items() if isinstance(g, dict) else g) for g in groups))


@dataclass(frozen=True, slots=True)
class Packet:
    st: str
    cn: str
    pw: str
    mn: str
    cp: Cp = field(default_factory=Cp)
    qn: str | None = None
    flag: int | None = None
    pnum: int | None = None
    pno: int | None = None
    extra: tuple[Item, ...] = ()  # header fields of later editions (e.g. RF=1 of HJ 212-2025)
    warnings: tuple[str, ...] = ()  # deviations accepted under a Tolerance setting

    @property
    def version(self) -> str:
        """2005 (version bits 000000 or no Flag), 2017 (000001), 2025 (000010)."""
        if self.flag is None:
            return "2005"
        return {0: "2005", 1: "2017", 2: "2025"}.get(self.flag >> 2, "unknown")

    @property
    def needs_ack(self) -> bool:
        return self.flag is not None and bool(self.flag & FLAG_ACK)

    @property
    def is_split(self) -> bool:
        return self.pnum is not None


# The decoder builds a Packet per frame; the frozen dataclass's __init__ (object.__setattr__ per field)
# cost ~1.3 µs of it. Calling the slots' own descriptors is the same object at half the cost.
_new = object.__new__
_FIELDS = ("st", "cn", "pw", "mn", "cp", "qn", "flag", "pnum", "pno", "extra", "warnings")
if tuple(Packet.__slots__) != _FIELDS:  # a new field must be added to make_packet too
    raise AssertionError(f"Packet fields changed: {Packet.__slots__}")
_slot_setters: dict[str, Callable[[Packet, Any], None]] = {k: Packet.__dict__[k].__set__ for k in _FIELDS}
_s_st, _s_cn, _s_pw, _s_mn, _s_cp, _s_qn, _s_flag, _s_pnum, _s_pno, _s_extra, _s_warn = (
    _slot_setters[k] for k in _FIELDS
)


def make_packet(
    st: str, cn: str, pw: str, mn: str, cp: Cp, qn: str | None, flag: int | None,
    pnum: int | None, pno: int | None, extra: tuple[Item, ...] = (), warnings: tuple[str, ...] = (),
) -> Packet:  # fmt: skip
    """Packet(st=..., ...) for values the decoder has already checked: equal to it in every field."""
    p: Packet = _new(Packet)
    _s_st(p, st)
    _s_cn(p, cn)
    _s_pw(p, pw)
    _s_mn(p, mn)
    _s_cp(p, cp)
    _s_qn(p, qn)
    _s_flag(p, flag)
    _s_pnum(p, pnum)
    _s_pno(p, pno)
    _s_extra(p, extra)
    _s_warn(p, warnings)
    return p
