"""HJ 212 codec (pure Python, no Django): decode/encode, CRC, framing, split packets, platform messages."""

from .codec import decode, encode, try_decode
from .crc import crc16
from .errors import CRCError, FieldError, FormatError, HJ212Error, LengthError
from .packet import Cp, Packet
from .reassembly import Reassembler
from .stream import Chunk, FrameReader
from .tolerance import DEFAULT, STRICT, Tolerance

__all__ = [
    "DEFAULT", "STRICT", "CRCError", "Chunk", "Cp", "FieldError", "FormatError", "FrameReader",
    "HJ212Error", "LengthError", "Packet", "Reassembler", "Tolerance", "crc16", "decode", "encode",
    "try_decode",
]  # fmt: skip
