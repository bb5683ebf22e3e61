"""Typed errors of the HJ 212 codec; every failure of decode() is one of these."""

from __future__ import annotations


class HJ212Error(ValueError):
    """Base: the bytes are not a packet the platform accepts. `status` names the raw-log status."""

    status = "bad_format"


class CRCError(HJ212Error):
    """CRC mismatch — HJ 212-2017 Table 2: processing of the packet ends."""

    status = "bad_crc"


class LengthError(HJ212Error):
    """Declared length differs from the data segment, or exceeds the limit (Table 2: 0–1024)."""


class FormatError(HJ212Error):
    """Framing or segment syntax is wrong (##, CRLF, CP=&&…&&, NAME=value)."""


class FieldError(HJ212Error):
    """A field is missing or its value is outside Table 3 (QN, ST, CN, PW, MN, Flag, PNUM, PNO)."""
