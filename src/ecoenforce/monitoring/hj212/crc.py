"""The CRC of HJ 212-2017 Appendix A ("ANSI CRC16"); check value of b"123456789" = 0x2F80.

Per byte: crc = (crc >> 8) ^ b, then eight reflected shifts with 0xA001. The low byte of the running
CRC is dropped at every step, so the state carried is only its high byte h, and one step is
h' = H[h ^ b] (H = high byte of the 256-entry table T); the final CRC is T[h_before_last ^ last byte].

`crc16` uses two facts about H: it is linear over GF(2) and H^8 = identity (checked at import). So
after n bytes, h = XOR over i of H^((n - i) mod 8)(byte i) ^ H^(n mod 8)(0xFF): only the XOR of the
bytes in each of the 8 positions mod 8 matters. Those 8 XORs are the 64-bit XOR-fold of the data read
as one little-endian integer, which CPython's big-integer shifts and XORs compute in C (a handful of
operations instead of one Python step per byte). Four look-ups in 64 K tables then apply the powers
of H. `crc16_table` is the classic byte loop, `crc16_bitwise` the text of the standard, kept as the
baseline and as the oracles in tests.
"""

from __future__ import annotations

from functools import cache

POLY = 0xA001
INIT = 0xFFFF


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


def _power_tables() -> tuple[list[list[int]], list[bytes], list[list[int]]]:
    high = [t >> 8 for t in TABLE]
    powers = [list(range(256))]  # powers[k][x] = H^k(x)
    for _ in range(8):
        powers.append([high[v] for v in powers[-1]])
    linear = all(high[a ^ b] == high[a] ^ high[b] for a in (1, 2, 4, 8, 16, 32, 64, 128) for b in range(256))
    if not linear or powers[8] != powers[0] or len(set(high)) != 256:  # the algebra crc16 relies on
        raise AssertionError("HJ 212 CRC: H is not a linear order-8 permutation")
    # Lane j of the front-padded data (length ≡ 0 mod 8) is raised to H^(-j) = H^((8 - j) % 8);
    # one 64 K table per pair of lanes (2q, 2q + 1), as bytes (compact, indexing gives an int).
    pairs = []
    for q in range(4):
        lo, hi = powers[(8 - 2 * q) % 8], powers[(8 - 2 * q - 1) % 8]
        pairs.append(bytes(lo[v & 0xFF] ^ hi[v >> 8] for v in range(65536)))
    # The state h after the last byte gives the CRC T[H^-1(h)]; fold in the 0xFF start per n mod 8.
    inverse = [0] * 256
    for x, y in enumerate(high):
        inverse[y] = x
    final = [[TABLE[inverse[h ^ powers[r][INIT >> 8]]] for h in range(256)] for r in range(8)]
    return powers, pairs, final


_POWERS, (_P0, _P1, _P2, _P3), _FINAL = _power_tables()
# Fold plan per data length: the (shift, mask) pairs that halve the integer down to 64 bits.
_PLAN_MAX = 1536  # frames are ≤ 1024 bytes by default (Table 2); longer data computes its plan
_PLANS: list[tuple[tuple[int, int], ...]] = []


@cache
def _plan_for_width(width: int) -> tuple[tuple[int, int], ...]:
    out = []
    while width > 64:
        width >>= 1
        out.append((width, (1 << width) - 1))
    return tuple(out)


def _plan(nbytes: int) -> tuple[tuple[int, int], ...]:
    return _plan_for_width(max(64, 1 << ((nbytes << 3) - 1).bit_length()))


_PLANS.extend(_plan(n) for n in range(_PLAN_MAX + 1))  # ~10 distinct plans, shared


def crc16(data: bytes) -> int:
    """Same result as crc16_bitwise, computed by the 64-bit XOR-fold (see the module doc)."""
    n = len(data)
    if not n:
        return INIT
    pad = (-n) & 7  # as if the data had `pad` zero bytes in front (they add nothing): lanes line up
    x = int.from_bytes(data, "little") << (pad << 3)
    for width, mask in _PLANS[n + pad] if n + pad <= _PLAN_MAX else _plan(n + pad):
        x = (x >> width) ^ (x & mask)  # XOR the top half onto the bottom half
    h = _P0[x & 0xFFFF] ^ _P1[(x >> 16) & 0xFFFF] ^ _P2[(x >> 32) & 0xFFFF] ^ _P3[x >> 48]
    return _FINAL[n & 7][h]


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (crc ^= b): a variant some legacy loggers send; accepted only per device."""
    crc = INIT
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ POLY if crc & 1 else crc >> 1
    return crc
