"""The HJ 212 codec against the standard's example, the real packets, and every upload/answer CN."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from ecoenforce.monitoring.hj212 import (
    DEFAULT,
    STRICT,
    Cp,
    CRCError,
    FieldError,
    FormatError,
    HJ212Error,
    LengthError,
    Packet,
    Tolerance,
    decode,
    encode,
)
from ecoenforce.monitoring.hj212.crc import crc16, crc16_bitwise, crc16_modbus, crc16_table
from ecoenforce.monitoring.hj212.messages import answer_9013, answer_9014, first_connection, history_request

EXAMPLES = [json.loads(line) for line in (Path(__file__).parent / "data/hj212-examples.jsonl").open()]
STANDARD = (
    b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;"
    b"Flag=5;CP=&&RtdInterval=30&&1C80\r\n"
)
MN = "010000A8900016F000169DC0"
H = f"QN=20160801085857223;ST=32;CN=2011;PW=100000;MN={MN}"


def test_crc_check_value_and_the_three_implementations_agree():
    assert crc16(b"123456789") == 0x2F80
    assert crc16_table(b"123456789") == 0x2F80
    assert crc16_bitwise(b"123456789") == 0x2F80
    assert crc16_modbus(b"123456789") == 0x4B37  # the variant, so it is not the same algorithm
    for n in (0, 1, 2, 100, 1024, 5000):
        data = bytes((i * 37 + 11) % 256 for i in range(n))
        assert crc16(data) == crc16_bitwise(data) == crc16_table(data)


def test_standard_example_decodes_and_reencodes_byte_for_byte():
    p = decode(STANDARD)
    assert (p.qn, p.st, p.cn, p.pw, p.mn, p.flag) == ("20160801085857223", "32", "1062", "100000", MN, 5)
    assert p.cp.get("RtdInterval") == "30"
    assert p.version == "2017" and p.needs_ack and not p.is_split
    assert p.warnings == ()
    assert encode(p) == STANDARD


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: str(e["_orig_index"]))
def test_real_packets_as_the_standard_says(ex):
    raw = ex["packet"].encode()
    if not ex["crc_ok"]:
        with pytest.raises(CRCError):
            decode(raw)
        return
    p = decode(raw)
    for key, value in ex["header_fields(derived)"].items():
        assert getattr(p, key.lower()) == (int(value) if key == "Flag" else value)
    # re-encoding gives a packet with the same content and an upper-case CRC
    again = decode(encode(p))
    assert again.cp == p.cp and again.mn == p.mn


def test_real_packet_quirks_are_named_in_warnings():
    by_index = {e["_orig_index"]: e["packet"].encode() for e in EXAMPLES}
    assert "millisecond_datatime" in decode(by_index[1]).warnings
    assert "lowercase_crc" in decode(by_index[2]).warnings
    quirky = decode(by_index[5])
    assert {"split_flag_without_pnum", "empty_cp_item"} <= set(quirky.warnings)
    assert quirky.cp.data_time == "20200814151600"  # not swapped with LA-td
    assert quirky.cp.factors()["LA"] == {"td": "50.1", "Flag": "N"}
    assert {"header_order", "free_mn"} <= set(decode(by_index[6]).warnings)
    hourly = decode(by_index[9])
    assert hourly.cp.factors()["a34006"] == {"Avg": "2.69700", "Flag": "N"}
    assert "long_pw" in hourly.warnings


@pytest.mark.parametrize(
    ("index", "setting"),
    [
        (1, "millisecond_datatime"),
        (2, "lowercase_crc"),
        (5, "split_flag_without_pnum"),
        (6, "header_order"),
        (9, "long_pw"),
    ],
)
def test_each_tolerance_when_off_rejects_that_deviation(index, setting):
    raw = next(e for e in EXAMPLES if e["_orig_index"] == index)["packet"].encode()
    decode(raw, DEFAULT)
    tol = Tolerance(**{setting: False})
    with pytest.raises(HJ212Error):
        decode(raw, tol)


def test_tolerance_missing_crlf_header_case_free_mn_2005_2025():
    assert "missing_crlf" in decode(STANDARD[:-2]).warnings
    with pytest.raises(FormatError):
        decode(STANDARD[:-2], Tolerance(missing_crlf=False))
    upper = _frame(H + ";FLAG=4;CP=&&&&")
    assert "header_key_case" in decode(upper).warnings
    with pytest.raises(FieldError):
        decode(upper, Tolerance(header_key_case=False))
    free = _frame("QN=20160801085857223;ST=32;CN=2011;PW=100000;MN=aqms-1100;Flag=4;CP=&&&&")
    assert "free_mn" in decode(free).warnings
    with pytest.raises(FieldError):
        decode(free, Tolerance(free_mn=False))
    old = _frame("ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817&&")
    assert decode(old).version == "2005"
    with pytest.raises(FieldError):
        decode(old, STRICT)
    new = _frame(f"QN=20240601085857223;ST=32;CN=1011;PW=123456;MN={MN};Flag=9;RF=1;CP=&&&&")
    assert decode(new).version == "2025" and decode(new).extra == (("RF", "1"),)
    with pytest.raises(FieldError):
        decode(new, Tolerance(edition_2025=False))


def test_2025_example_crc_verified():
    p = decode(
        b"##0087QN=20240601085857223;ST=32;CN=1011;PW=123456;MN=" + MN.encode() + b";Flag=9;CP=&&&&2200"
    )
    assert p.version == "2025" and p.needs_ack


def test_modbus_crc_only_when_the_device_setting_allows_it():
    seg = H + ";Flag=4;CP=&&&&"
    raw = b"##%04d%s%04X\r\n" % (len(seg), seg.encode(), crc16_modbus(seg.encode()))
    with pytest.raises(CRCError):
        decode(raw)
    assert "modbus_crc" in decode(raw, Tolerance(modbus_crc=True)).warnings


def _frame(segment: str) -> bytes:
    seg = segment.encode()
    return b"##%04d%s%04X\r\n" % (len(seg), seg, crc16(seg))


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"", FormatError),
        (b"#0101", FormatError),
        (b"##01a1QN=1&&1C80\r\n", LengthError),
        (STANDARD.replace(b"##0101", b"##0102"), LengthError),
        (b"##2000" + b"x" * 2004 + b"\r\n", LengthError),
        (STANDARD.replace(b"1C80", b"1C08"), CRCError),  # the standard's prose typo
        (STANDARD.replace(b"1C80", b"ZZZZ"), CRCError),
        (_frame(H + ";Flag=4;CP=&&a"), FormatError),
        (_frame(f"QN=2016;ST=32;CN=2011;PW=100000;MN={MN};Flag=4;CP=&&&&"), FieldError),
        (_frame(f"QN=20160801085857223;ST=32;CN=20111;PW=100000;MN={MN};Flag=4;CP=&&&&"), FieldError),
        (_frame(f"QN=20160801085857223;ST=32;CN=2011;MN={MN};Flag=4;CP=&&&&"), FieldError),
        (_frame(H + ";Flag=999;CP=&&&&"), FieldError),
        (_frame(H + ";Flag=60;CP=&&&&"), FieldError),
        (_frame(H + ";Flag=6;PNUM=2;CP=&&&&"), FieldError),
        (_frame(H + ";Flag=6;PNUM=2;PNO=3;CP=&&&&"), FieldError),
        (_frame(H + ";Flag=4;CP=&&DataTime=2016&&"), FieldError),
        (_frame(H + ";Flag=4;CP=&&a34004-Rtd&&"), FormatError),
        (_frame(f"QN=20160801085857223;ST=32;ST=32;CN=2011;PW=100000;MN={MN};Flag=4;CP=&&&&"), FieldError),
        (_frame(f"QN=20160801085857223;XX=1;ST=32;CN=2011;PW=100000;MN={MN};Flag=4;CP=&&&&"), FieldError),
        (b"##0004\xff\xfe&&%04X\r\n" % crc16(b"\xff\xfe&&"), FormatError),
    ],
)
def test_malformed_frames_raise_typed_errors(raw, error):
    with pytest.raises(error):
        decode(raw)


NOW = datetime(2026, 11, 30, 10, 0, 0, 123000)


def _upload(cn: str, cp: Cp, flag: int = 5) -> Packet:
    return Packet(st="32", cn=cn, pw="123456", mn=MN, qn="20261130100000123", flag=flag, cp=cp)


UPLOADS = {
    "2011": Cp.of({"DataTime": "20261130100000"}, {"w01018-Rtd": "12.5", "w01018-Flag": "N"}),
    "2021": Cp.of({"DataTime": "20261130100000"}, {"SB1-RS": "1"}),
    "2031": Cp.of({"DataTime": "20261129000000"}, {"w01018-Avg": "12.5", "w01018-Flag": "N"}),
    "2041": Cp.of({"DataTime": "20261129000000"}, {"SB1-RT": "23.5"}),
    "2051": Cp.of({"DataTime": "20261130095000"}, {"w01018-Avg": "12.5", "w01018-Cou": "1.2"}),
    "2061": Cp.of({"DataTime": "20261130090000"}, {"a21026-Avg": "20.1", "a21026-ZsAvg": "22.0"}),
    "2081": Cp.of({"DataTime": "20261130100000", "RestartTime": "20261130095500"}),
    "3015": Cp.of({"DataTime": "20261130100000"}),
}


@pytest.mark.parametrize("cn", sorted(UPLOADS))
def test_every_upload_cn_round_trips_and_gets_a_9014_with_its_qn(cn):
    p = _upload(cn, UPLOADS[cn])
    assert decode(encode(p)) == p
    ack = decode(encode(answer_9014(p)))
    assert (ack.st, ack.cn, ack.qn, ack.flag, ack.cp) == ("91", "9014", p.qn, 4, Cp())
    assert encode(answer_9014(p)).endswith(b"CP=&&&&" + encode(answer_9014(p))[-6:])


def test_2005_answer_puts_the_qn_in_cp():
    old = Packet(st="32", cn="2011", pw="123456", mn="LD130133000015", qn="20040516010101001", cp=Cp())
    ack = answer_9014(old)
    assert ack.cp.get("QN") == "20040516010101001" and ack.qn is None


@pytest.mark.parametrize(
    ("cn", "cp"),
    [
        ("9011", Cp.of({"QnRtn": "1"})),
        ("9012", Cp.of({"ExeRtn": "1"})),
        ("9013", Cp()),
        ("9014", Cp()),
        ("1011", Cp.of({"SystemTime": "20261130100000"})),
        ("1013", Cp()),
    ],
)
def test_answer_and_field_cns_round_trip(cn, cp):
    p = Packet(st="91", cn=cn, pw="123456", mn=MN, qn="20261130100000123", flag=4, cp=cp)
    assert decode(encode(p)) == p


def test_platform_requests_first_connection_and_history():
    seq = first_connection(mn=MN, pw="123456", now=NOW)
    assert [p.cn for p in seq] == ["1012", "1000", "1062", "1064"]
    assert seq[0].cp.get("SystemTime") == "20261130100000"
    for p in seq:
        assert decode(encode(p)).needs_ack
    h = history_request(mn=MN, pw="123456", cn="2061", begin=datetime(2026, 11, 29), end=NOW, now=NOW)
    assert decode(encode(h)).cp.get("BeginTime") == "20261129000000"
    assert answer_9013(decode(encode(seq[0]))).cn == "9013"


def test_encode_refuses_oversize():
    big = Cp.of({f"a{i:05d}-Rtd": "1.0" for i in range(200)})
    with pytest.raises(LengthError):
        encode(_upload("2011", big))


def test_chinese_text_in_utf8_counts_bytes():
    p = _upload("3020", Cp.of({"i12001-Info": "设备正常"}))
    raw = encode(p)
    assert decode(raw).cp.get("i12001-Info") == "设备正常"
