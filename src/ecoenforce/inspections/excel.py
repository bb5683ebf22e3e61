"""Excel exports of every list. Every cell is written as text, so "=…" is never a live formula."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(["" if v is None else str(v) for v in row])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # text, even when it starts with "="
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def response(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    resp = HttpResponse(workbook(title, headers, rows), content_type=XLSX)
    resp["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(title)}.xlsx"
    )
    return resp
