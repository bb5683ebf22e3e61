"""Excel export of case lists (openpyxl). Every cell is written as text, so "=…" is never a formula."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ecoenforce.cases.models import Case

MAX_ROWS = 50_000
HEADERS = (
    "案号",
    "案由",
    "当事人",
    "统一社会信用代码",
    "承办单位",
    "办理阶段",
    "违法行为发生日期",
    "立案日期",
    "决定罚款（元）",
    "决定日期",
    "结案日期",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(c: Case) -> list[str]:
    return [
        c.number,
        c.title,
        c.entity.name,
        c.entity.uscc,
        c.unit.name,
        c.state_label,
        str(c.act_date),
        str(c.filed_on or ""),
        str(c.decided_amount or ""),
        str(c.decided_on or ""),
        str(c.closed_on or ""),
    ]


def _text(ws: object, value: str) -> WriteOnlyCell:
    """Always text (data type "s"): never read as a formula; illegal XML characters removed."""
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:32_767])
    cell.data_type = "s"
    return cell


def cases_workbook(cases: Iterable[Case]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("案件")
    ws.append([_text(ws, h) for h in HEADERS])
    for case in cases:
        ws.append([_text(ws, v) for v in _row(case)])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def response(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename=\"cases.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return resp
