"""decode(raw) -> Packet and encode(packet) -> bytes for HJ 212-2017 (2005 and 2025 tolerated on input).

Frame (PDF2017 §6.3 Table 2): "##" + 4-digit length + data segment + 4-hex CRC + CRLF. The CRC covers
the data segment only. Field limits follow Table 3. Every failure raises a subclass of HJ212Error.

Two paths, one result. A frame in the standard's own layout (2017 header in Table 3's order, upper-case
CRC, CRLF, well-formed CP with 14-digit times) is checked by one compiled regex over the whole frame and
a few integer comparisons (`decode`). Anything else — every deviation a Tolerance covers and every
error — goes to the general path (`_decode_general`), which names warnings and errors. The fast path
accepts only frames the general path accepts with no warning, and builds the same Packet;
tests/monitoring/test_codec_fast.py checks this against a frozen copy of the previous decoder.
"""

from __future__ import annotations

import re

from .crc import crc16, crc16_modbus
from .errors import CRCError, FieldError, FormatError, HJ212Error, LengthError
from .packet import FLAG_SPLIT, Cp, Packet, make_packet
from .tolerance import DEFAULT, Tolerance

HEADER_ORDER = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO")
_CANON = {k.upper(): k for k in HEADER_ORDER}
_MN_2017 = re.compile(r"[0-9A-F]{24}")
_MN_2005 = re.compile(r"[0-9A-Za-z]{14}")
_MN_FREE = re.compile(r"[0-9A-Za-z_\-]{1,27}")
_PW = re.compile(r"[0-9A-Za-z]{1,6}")
_PW_LONG = re.compile(r"[0-9A-Za-z]{1,32}")
_HEADER_2017 = re.compile(
    r"QN=(?P<QN>[0-9]{17});ST=(?P<ST>[0-9]{2});CN=(?P<CN>[0-9]{4});PW=(?P<PW>[0-9A-Za-z]{1,6});"
    r"MN=(?P<MN>[0-9A-F]{24});Flag=(?P<Flag>[0-9]{1,3});(?:PNUM=(?P<PNUM>[0-9]{1,4});PNO=(?P<PNO>[0-9]{1,4});)?"
)
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_RANK = {k: i for i, k in enumerate(HEADER_ORDER)}

# CP items: key=value, the value without the separators; groups by ';', items by ','. Possessive
# quantifiers: a value or key never needs to give back characters, so the engine keeps no backtrack state.
_KEY = r"[0-9A-Za-z_\-]{1,40}+"
# A value character is [^;,=&\r\n], written as the ranges around those six: sre tests a range set
# faster than a negated list (the frame regex went from ~1.75 to ~1.5 µs), and values are most of a frame.
_VAL_CHAR = r"[\x00-\x09\x0b\x0c\x0e-\x25\x27-\x2b\x2d-\x3a\x3c\x3e-\U0010ffff]"
_VAL = rf"{_VAL_CHAR}*+"
_CP_ITEMS = rf"{_KEY}={_VAL}(?:[;,]{_KEY}={_VAL})*+"
# The fast path wants every item whose key ends in "Time" to have a 14-digit value: then DataTime,
# BeginTime, EndTime and SystemTime pass _check_data_time with no warning. Stricter than needed for
# other keys (RunTime=5): such a frame takes the general path, slower but with the same answer.
_TIME_NOT_14 = re.compile(r"Time=(?![0-9]{14}(?![^;,]))")
# The whole standard frame: the same header pattern as _HEADER_2017, the CP, an upper-case CRC, CRLF.
_STANDARD_FRAME = re.compile(
    r"##([0-9]{4})QN=([0-9]{17});ST=([0-9]{2});CN=([0-9]{4});PW=([0-9A-Za-z]{1,6});MN=([0-9A-F]{24});"
    r"Flag=([0-9]{1,3});(?:PNUM=([0-9]{1,4});PNO=([0-9]{1,4});)?"
    rf"CP=&&((?:{_CP_ITEMS})?)&&([0-9A-F]{{4}})\r\n"
)


def decode(raw: bytes, tol: Tolerance = DEFAULT) -> Packet:
    """One whole frame → Packet, or an HJ212Error saying why not."""
    if type(raw) is bytes:
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            text = ""
        m = _STANDARD_FRAME.fullmatch(text)
        if m is not None:
            n, qn, st, cn, pw, mn, flag_text, pnum_text, pno_text, cp_text, crc_text = m.groups()
            size = len(raw) - 12  # "##", length, CRC, CRLF
            flag = int(flag_text)
            # Flag 4–7: version bits 000001 (2017), so the 2005/2025 tolerances play no part
            if int(n) == size and size <= tol.max_segment and flag >> 2 == 1:
                if pnum_text is None:
                    pnum = pno = None
                    ok = not flag & FLAG_SPLIT  # split flag without PNUM/PNO: a warning or an error
                else:
                    pnum, pno = int(pnum_text), int(pno_text)
                    ok = 1 <= pno <= pnum
                ok = ok and _TIME_NOT_14.search(cp_text) is None
                if ok and crc16(raw[6:-6]) == int(crc_text, 16):
                    cp = Cp.lazy(cp_text) if cp_text else Cp()
                    return make_packet(st, cn, pw, mn, cp, qn, flag, pnum, pno)
    return _decode_general(raw, tol)


def _decode_general(raw: bytes, tol: Tolerance) -> Packet:
    """Every frame the fast path does not take: tolerated deviations are named, errors raised."""
    if not isinstance(raw, bytes | bytearray):
        raise FormatError("frame must be bytes")
    warnings: list[str] = []
    segment, crc_text = _unframe(bytes(raw), tol, warnings)
    _check_crc(segment, crc_text, tol, warnings)
    try:
        text = segment.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError("data segment is not UTF-8") from exc
    return _parse_segment(text, tol, warnings)


def _unframe(raw: bytes, tol: Tolerance, warnings: list[str]) -> tuple[bytes, str]:
    if raw[:2] != b"##":
        raise FormatError("frame does not start with ##")
    head = raw[2:6]
    if len(head) != 4 or not head.isdigit():
        raise LengthError("length field is not 4 decimal digits")
    n = int(head)
    if n > tol.max_segment:
        raise LengthError(f"data segment of {n} exceeds {tol.max_segment}")
    body = raw[6:]
    if body.endswith(b"\r\n"):
        body = body[:-2]
    elif tol.missing_crlf:
        warnings.append("missing_crlf")
    else:
        raise FormatError("frame does not end with CRLF")
    if len(body) != n + 4:
        raise LengthError(f"declared length {n}, data segment {len(body) - 4}")
    return body[:n], body[n:].decode("ascii", "replace")


def _check_crc(segment: bytes, crc_text: str, tol: Tolerance, warnings: list[str]) -> None:
    if not _HEX4.fullmatch(crc_text):
        raise CRCError("CRC is not 4 hex digits")
    if crc_text != crc_text.upper():
        if not tol.lowercase_crc:
            raise CRCError("CRC in lower case")
        warnings.append("lowercase_crc")
    got = int(crc_text, 16)
    if got == crc16(segment):
        return
    if tol.modbus_crc and got == crc16_modbus(segment):
        warnings.append("modbus_crc")
        return
    raise CRCError(f"CRC {crc_text} does not match the data segment")


def _parse_segment(text: str, tol: Tolerance, warnings: list[str]) -> Packet:
    i = text.find("CP=&&")
    if i < 0 or not text.endswith("&&") or len(text) < i + 7:
        raise FormatError("data segment has no CP=&&…&&")
    if i and text[i - 1] != ";":
        raise FormatError("CP is not preceded by ';'")
    cp = _parse_cp(text[i + 5 : -2], tol, warnings)
    m = _HEADER_2017.fullmatch(text, 0, i)
    if m is not None:  # the standard's own layout: QN, ST, CN, PW and MN already checked by the pattern
        header = {k: v for k, v in m.groupdict().items() if v is not None}
        return _build(header, cp, tol, warnings, checked=True)
    header = _parse_header(text[: max(i - 1, 0)], tol, warnings)
    return _build(header, cp, tol, warnings, checked=False)


def _parse_header(text: str, tol: Tolerance, warnings: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    ranks: list[int] = []
    key_case = tol.header_key_case
    for part in text.split(";") if text else ():
        key, eq, value = part.partition("=")
        if not eq:
            raise FormatError(f"header item without '=': {part[:20]!r}")
        canon = key if key in _RANK else (_CANON.get(key.upper()) if key_case else None)
        if canon is None:
            if key == "RF" and tol.edition_2025:
                canon = key
            else:
                raise FieldError(f"unknown header field {key[:20]!r}")
        if canon != key:
            warnings.append("header_key_case")
        if canon in fields:
            raise FieldError(f"header field {canon} repeated")
        fields[canon] = value
        if canon in _RANK:
            ranks.append(_RANK[canon])
    if ranks != sorted(ranks):
        if not tol.header_order:
            raise FieldError("header fields out of order")
        warnings.append("header_order")
    return fields


_KV = rf"{_KEY}={_VAL}"
_CP_WELLFORMED = re.compile(rf"(?:{_CP_ITEMS})?")  # the same language as groups of items, flattened
_CP_LOOSE = re.compile(rf"(?:{_KV}(?:,{_KV})*+)?+(?:;(?:{_KV}(?:,{_KV})*+)?+)*+")  # empty groups allowed


def _parse_cp(text: str, tol: Tolerance, warnings: list[str]) -> Cp:
    """One C-level regex validates the whole region; then plain splits build the structure."""
    if not text:
        return Cp()
    if not _CP_WELLFORMED.fullmatch(text):
        if not (tol.empty_cp_items and _CP_LOOSE.fullmatch(text)):
            raise FormatError("CP is not key=value items separated by ',' and ';'")
        warnings.append("empty_cp_item")
    _check_data_time(text, tol, warnings)
    return Cp.lazy(text)  # validated: the groups are built only when asked for


def _int_field(fields: dict[str, str], key: str, lo: int, hi: int, width: int) -> int | None:
    value = fields.get(key)
    if value is None:
        return None
    if len(value) > width or not (value.isascii() and value.isdigit()) or not lo <= int(value) <= hi:
        raise FieldError(f"{key} must be an integer {lo}–{hi}")
    return int(value)


_VERSIONS = {0: "2005", 1: "2017", 2: "2025"}


def _build(fields: dict[str, str], cp: Cp, tol: Tolerance, warnings: list[str], *, checked: bool) -> Packet:
    for key in ("ST", "CN", "PW", "MN"):
        if key not in fields:
            raise FieldError(f"header field {key} missing")
    flag = _int_field(fields, "Flag", 0, 255, 3)
    version = "2005" if flag is None else _VERSIONS.get(flag >> 2, "")
    if version == "" or (version == "2005" and not tol.edition_2005):
        raise FieldError(f"Flag {flag}: unsupported protocol version")
    if version == "2025" and not tol.edition_2025:
        raise FieldError("HJ 212-2025 packets not accepted")
    if "RF" in fields and version != "2025":
        raise FieldError("RF is a field of HJ 212-2025 only")
    qn = fields.get("QN")
    if not checked:
        if qn is not None and not (len(qn) == 17 and qn.isdigit()):
            raise FieldError("QN must be 17 digits YYYYMMDDhhmmsszzz")
        if qn is None and version != "2005":
            raise FieldError("QN missing")
        _check_codes(fields, version, tol, warnings)
    pnum = _int_field(fields, "PNUM", 1, 9999, 4)
    pno = _int_field(fields, "PNO", 1, 9999, 4)
    if (pnum is None) != (pno is None) or (pnum is not None and pno is not None and pno > pnum):
        raise FieldError("PNUM/PNO must come together with 1 ≤ PNO ≤ PNUM")
    if flag is not None and flag & FLAG_SPLIT and pnum is None:
        if not tol.split_flag_without_pnum:
            raise FieldError("Flag says split but PNUM/PNO are missing")
        warnings.append("split_flag_without_pnum")
    extra = (("RF", fields["RF"]),) if "RF" in fields else ()
    st, cn, pw, mn = fields["ST"], fields["CN"], fields["PW"], fields["MN"]
    return make_packet(st, cn, pw, mn, cp, qn, flag, pnum, pno, extra, tuple(warnings))


def _check_codes(fields: dict[str, str], version: str, tol: Tolerance, warnings: list[str]) -> None:
    st, cn, pw, mn = fields["ST"], fields["CN"], fields["PW"], fields["MN"]
    if not (len(st) == 2 and st.isdigit()):
        raise FieldError("ST must be 2 digits")
    if not (len(cn) == 4 and cn.isdigit()):
        raise FieldError("CN must be 4 digits")
    if not _PW.fullmatch(pw):
        if not (tol.long_pw and _PW_LONG.fullmatch(pw)):
            raise FieldError("PW must be 1–6 letters or digits")
        warnings.append("long_pw")
    standard = _MN_2005 if version == "2005" else _MN_2017
    if not standard.fullmatch(mn):
        if not (tol.free_mn and _MN_FREE.fullmatch(mn)):
            raise FieldError("MN is not a valid data-logger code")
        warnings.append("free_mn")


_VALUE = re.compile(r"[^;,]*")  # always matches
_TIME_RANK = {"DataTime": 0, "BeginTime": 1, "EndTime": 2, "SystemTime": 3}


def _time_items(text: str) -> list[tuple[str, str]]:
    """(key, value) of the time fields in validated CP text, DataTime's first, then in text order.

    Found by str.find of "Time=" (a regex scan of the whole CP cost more than the rest of decode): in
    validated text each item has one '=', so the key is what lies between the item's start and it."""
    out = []
    i = text.find("Time=")
    while i >= 0:
        key = text[max(text.rfind(";", 0, i), text.rfind(",", 0, i)) + 1 : i + 4]
        if key in _TIME_RANK:
            out.append((key, _VALUE.match(text, i + 5).group()))  # type: ignore[union-attr]
        i = text.find("Time=", i + 5)
    if len(out) > 1:
        out.sort(key=lambda item: _TIME_RANK[item[0]])  # stable: the order errors were raised in
    return out


def _check_data_time(text: str, tol: Tolerance, warnings: list[str]) -> None:
    """Time fields of the (validated) CP text: 14 digits, or 17 under the millisecond tolerance."""
    for key, value in _time_items(text):
        if len(value) == 17 and value.isdigit() and tol.millisecond_datatime:
            warnings.append("millisecond_datatime")
        elif not (len(value) == 14 and value.isdigit()):
            raise FieldError(f"{key} must be 14 digits YYYYMMDDhhmmss")


def encode(packet: Packet, tol: Tolerance = DEFAULT) -> bytes:
    """Packet → frame, fields in the standard's order, CRC in upper case."""
    parts = [f"QN={packet.qn}"] if packet.qn is not None else []
    parts += [f"ST={packet.st}", f"CN={packet.cn}", f"PW={packet.pw}", f"MN={packet.mn}"]
    if packet.flag is not None:
        parts.append(f"Flag={packet.flag}")
    if packet.pnum is not None:
        parts += [f"PNUM={packet.pnum}", f"PNO={packet.pno}"]
    parts += [f"{k}={v}" for k, v in packet.extra]
    parts.append(f"CP=&&{packet.cp.text()}&&")
    segment = ";".join(parts).encode("utf-8")
    if len(segment) > tol.max_segment:
        raise LengthError(f"data segment of {len(segment)} exceeds {tol.max_segment}")
    return b"##%04d%s%04X\r\n" % (len(segment), segment, crc16(segment))


def try_decode(raw: bytes, tol: Tolerance = DEFAULT) -> Packet | HJ212Error:
    """decode() that returns the error instead of raising (convenient in batch paths)."""
    try:
        return decode(raw, tol)
    except HJ212Error as exc:
        return exc
