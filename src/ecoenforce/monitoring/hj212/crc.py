"""The CRC of HJ 212-2017 Appendix A ("ANSI CRC16"); check value of b"123456789" = 0x2F80.

Per byte: crc = (crc >> 8) ^ b, then eight reflected shifts with 0xA001. Because the shift input is
only eight bits wide, one byte step is a table look-up: crc' = T[(crc >> 8) ^ b]. The step is linear
over GF(2), so the CRC is also the XOR of per-position contributions, which numpy sums in one
vectorised look-up (`crc16`); `crc16_table` is the classic byte loop, `crc16_bitwise` the text of
the standard, kept as the baseline and as the oracle in tests.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

POLY = 0xA001
INIT = 0xFFFF
MAX_LEN = 4096  # longer inputs fall back to the byte loop


def crc16_bitwise(data: bytes) -> int:
    """The algorithm exactly as Appendix A writes it (bit by bit)."""
    crc = INIT
    for b in data:
        crc = (crc >> 8) ^ b
        for _ in range(8):
            carry = crc & 1
            crc >>= 1
            if carry:
                crc ^= POLY
    return crc


def _step(x: int) -> int:
    for _ in range(8):
        x = (x >> 1) ^ POLY if x & 1 else x >> 1
    return x


TABLE: tuple[int, ...] = tuple(_step(x) for x in range(256))


def crc16_table(data: bytes) -> int:
    """Byte-at-a-time table loop."""
    crc = INIT
    table = TABLE
    for b in data:
        crc = table[(crc >> 8) ^ b]
    return crc


def _positional_tables() -> tuple[npt.NDArray[np.uint16], npt.NDArray[np.uint16]]:
    # h = high byte of the running CRC; h' = H[h ^ b]. With d bytes still to come after byte b,
    # byte b contributes T[H^d(b)] to the final CRC, and the initial 0xFF contributes T[H^(n-1)(0xFF)].
    high = [t >> 8 for t in TABLE]
    contrib = np.zeros((MAX_LEN, 256), dtype=np.uint16)
    init = np.zeros(MAX_LEN + 1, dtype=np.uint16)
    cur = list(range(256))
    h0 = INIT >> 8
    for d in range(MAX_LEN):
        contrib[d] = [TABLE[v] for v in cur]
        init[d + 1] = TABLE[h0]
        cur = [high[v] for v in cur]
        h0 = high[h0]
    return contrib, init


_CONTRIB, _INIT = _positional_tables()
_FLAT = _CONTRIB.ravel()
_ROW_BASE = np.arange(MAX_LEN - 1, -1, -1, dtype=np.int64) * 256  # row offset for "bytes to come"


def crc16(data: bytes) -> int:
    """Vectorised CRC: one gather and one XOR-reduce (same result as crc16_bitwise)."""
    n = len(data)
    if n == 0:
        return INIT
    if n > MAX_LEN:
        return crc16_table(data)
    idx = _ROW_BASE[MAX_LEN - n :] + np.frombuffer(data, dtype=np.uint8)
    return int(np.bitwise_xor.reduce(_FLAT[idx])) ^ int(_INIT[n])


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (crc ^= b): a variant some legacy loggers send; accepted only per device."""
    crc = INIT
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ POLY if crc & 1 else crc >> 1
    return crc
