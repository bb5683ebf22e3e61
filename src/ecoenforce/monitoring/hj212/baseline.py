"""The straightforward decoder the benchmark compares against: bit-by-bit CRC and plain str.split."""

from __future__ import annotations

from .crc import crc16_bitwise
from .errors import CRCError, FormatError


def naive_decode(raw: bytes) -> dict[str, object]:
    text = raw.decode("utf-8").rstrip("\r\n")
    if not text.startswith("##"):
        raise FormatError("no ##")
    segment, crc = text[6:-4], text[-4:]
    if crc16_bitwise(segment.encode("utf-8")) != int(crc, 16):
        raise CRCError("crc")
    head, _, cp = segment.partition("CP=&&")
    fields: dict[str, object] = {}
    for part in head.strip(";").split(";"):
        if part:
            k, v = part.split("=", 1)
            fields[k] = v
    items: dict[str, str] = {}
    for group in cp.rstrip("&").split(";"):
        for item in group.split(","):
            if "=" in item:
                k, v = item.split("=", 1)
                items[k] = v
    fields["CP"] = items
    return fields
