"""Packets the platform sends: answers (PDF2017 §6.5, App. C) and requests for the first connection (§6.7)."""

from __future__ import annotations

from datetime import datetime

from .packet import FLAG_ACK, Cp, Packet

UPLOAD_CNS = frozenset({"2011", "2021", "2031", "2041", "2051", "2061", "2081", "3015"})
DATA_CNS = frozenset({"2011", "2031", "2051", "2061"})  # measurement uploads
PERIOD_OF_CN = {"2011": "rtd", "2051": "minute", "2061": "hour", "2031": "day"}
ST_SYSTEM = "91"
FLAG_2017 = 4  # version bits 000001, no split, no ack


def qn_at(when: datetime) -> str:
    return when.strftime("%Y%m%d%H%M%S") + f"{when.microsecond // 1000:03d}"


def answer_9014(upload: Packet) -> Packet:
    """Data answer (C.14, C.18, C.24): ST=91, CN=9014, the upload's QN, Flag=4, CP=&&&&.

    HJ/T 212-2005 puts the QN inside CP instead (PDF2005 examples)."""
    if upload.version == "2005":
        cp = Cp.of({"QN": upload.qn}) if upload.qn else Cp()
        return Packet(st=ST_SYSTEM, cn="9014", pw=upload.pw, mn=upload.mn, cp=cp, flag=0)
    return Packet(st=ST_SYSTEM, cn="9014", pw=upload.pw, mn=upload.mn, qn=upload.qn, flag=FLAG_2017)


def answer_9013(notice: Packet) -> Packet:
    """Notification answer (C.4), e.g. to a field 1013 time-calibration notice."""
    return Packet(st=ST_SYSTEM, cn="9013", pw=notice.pw, mn=notice.mn, qn=notice.qn, flag=FLAG_2017)


def request(cn: str, *, mn: str, pw: str, when: datetime, cp: Cp | None = None, st: str = "32") -> Packet:
    """A platform request (Flag=5: 2017 + answer wanted)."""
    return Packet(st=st, cn=cn, pw=pw, mn=mn, qn=qn_at(when), flag=FLAG_2017 | FLAG_ACK, cp=cp or Cp())


def first_connection(*, mn: str, pw: str, now: datetime, st: str = "32") -> list[Packet]:
    """§6.7 first-connection sequence: set the field time, timeout/retries, intervals."""
    stamp = now.strftime("%Y%m%d%H%M%S")
    return [
        request("1012", mn=mn, pw=pw, when=now, st=st, cp=Cp.of({"SystemTime": stamp})),
        request("1000", mn=mn, pw=pw, when=now, st=st, cp=Cp.of({"OverTime": "10", "ReCount": "3"})),
        request("1062", mn=mn, pw=pw, when=now, st=st, cp=Cp.of({"RtdInterval": "30"})),
        request("1064", mn=mn, pw=pw, when=now, st=st, cp=Cp.of({"MinInterval": "10"})),
    ]


def history_request(*, mn: str, pw: str, cn: str, begin: datetime, end: datetime, now: datetime) -> Packet:
    """Ask a logger for history (2031 day / 2051 minute / 2061 hour) between begin and end (C.47)."""
    cp = Cp.of({"BeginTime": begin.strftime("%Y%m%d%H%M%S"), "EndTime": end.strftime("%Y%m%d%H%M%S")})
    return request(cn, mn=mn, pw=pw, when=now, cp=cp)
