"""Explicit choices for real-world deviations from HJ 212 (hj212.md "What the platform must do").

Each flag accepts one deviation seen in real traffic; an accepted deviation is named in
Packet.warnings and so reaches the raw log. `STRICT` is the standard's letter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tolerance:
    max_segment: int = 1024  # PDF2017 Table 2: 0 ≤ n ≤ 1024 (some READMEs say 9999)
    lowercase_crc: bool = True  # xiaoyao9184 emits lower-case hex
    missing_crlf: bool = True  # some loggers end at the CRC
    header_key_case: bool = True  # "FLAG=0" (teafull/hjt212 testdata #20)
    header_order: bool = True  # MN before PW (teafull/hjt212 testdata, real device)
    split_flag_without_pnum: bool = True  # Flag=7 with no PNUM/PNO (teafull/hjt212 #5)
    millisecond_datatime: bool = True  # DataTime with 17 digits (xiaoyao9184 tests)
    free_mn: bool = True  # MN not 24 hex chars (2005: 14 chars; vendors: letters and '-')
    long_pw: bool = True  # PW longer than 6 chars (IceCoffee demo: 24 chars)
    edition_2005: bool = True  # HJ/T 212-2005: no QN, no Flag
    edition_2025: bool = True  # version bits 000010 and the RF field
    empty_cp_items: bool = True  # a trailing ';' before the closing && (#5)
    modbus_crc: bool = False  # per device, for known legacy loggers: CRC-16/MODBUS


DEFAULT = Tolerance()
STRICT = Tolerance(
    lowercase_crc=False,
    missing_crlf=False,
    header_key_case=False,
    header_order=False,
    split_flag_without_pnum=False,
    millisecond_datatime=False,
    free_mn=False,
    long_pw=False,
    edition_2005=False,
    edition_2025=False,
    empty_cp_items=False,
)
