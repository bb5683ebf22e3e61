"""Excel import of hotline transfers (12345/12369 lists) and the handlers' export.

Import: each row is registered through complaint_submit; a bad row is reported with its reason and
stored not at all; a transfer number already registered is reported, not registered twice.
Export: every cell is written as text (a value starting with "=" never becomes a formula) and the
reporter's identity is never in it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook

from ecoenforce.complaints.models import Category, Complaint
from ecoenforce.complaints.services import complaint_submit
from ecoenforce.org import uploads
from ecoenforce.org.uploads import Budget, UploadRefused, open_xlsx, sheet_rows

COLUMNS = ("转办渠道", "转办单号", "举报类别", "举报内容", "地点", "行政区划代码", "举报人姓名", "联系电话")
CHANNELS = {"12345": "12345", "12369": "12369"}
CATEGORIES = {label: value for value, label in Category.choices}


@dataclass
class RowResult:
    row: int
    ok: bool
    message: str
    number: str = ""
    code: str = ""


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip().replace("\x00", "")


def _row(values: list[Any], by: Any) -> tuple[Complaint, str]:
    cells = [_text(v) for v in [*values, *[None] * len(COLUMNS)][: len(COLUMNS)]]
    channel, ref, category, description, address, division, name, phone = cells
    errors: dict[str, str] = {}
    if channel not in CHANNELS:
        errors["转办渠道"] = "应为12345或12369"
    if category not in CATEGORIES:
        errors["举报类别"] = "应为：" + "、".join(CATEGORIES)
    if not ref:
        errors["转办单号"] = "必填"
    if errors:
        raise ValidationError("；".join(f"{k}{v}" for k, v in errors.items()))
    return complaint_submit(
        channel=CHANNELS[channel],
        external_ref=ref,
        category=CATEGORIES[category],
        description=description,
        address=address,
        division_code=division,
        identity={"name": name, "phone": phone},
        by=by,
    )


# A hotline list is a few hundred rows of short text; the shared budgets refuse files built to stall or
# swell a worker (size, unzipped size, rows read including empty ones, cell length, time; org/uploads.py).
BUDGET = Budget(max_bytes=5 * 1024 * 1024, max_unzipped=100 * 1024 * 1024, max_sheet_rows=20_000,
                max_cell_chars=5_000, seconds=60.0)  # fmt: skip
MAX_ROWS = 2000


def import_transfers(data: bytes, *, by: Any) -> list[RowResult]:
    try:
        wb = open_xlsx(data, BUDGET)
    except UploadRefused as exc:
        if exc.message == uploads.NOT_XLSX:
            raise ValidationError("无法读取该文件，请上传 .xlsx 格式的转办清单") from exc
        raise ValidationError(exc.message) from exc
    rows: list[tuple[int, tuple[Any, ...]]] = []
    try:  # read the whole sheet within its budgets first, so a refused file registers nothing
        for n, values in sheet_rows(wb.worksheets[0], BUDGET):
            if n > 1 and any(v not in (None, "") for v in values):
                rows.append((n, values))
    except UploadRefused as exc:
        raise ValidationError(exc.message) from exc
    finally:
        wb.close()
    results: list[RowResult] = []
    for n, values in rows[:MAX_ROWS]:
        try:
            c, code = _row(list(values), by)
            results.append(RowResult(n, True, "已登记", c.number, code))
        except ValidationError as exc:
            results.append(RowResult(n, False, "；".join(exc.messages)))
    return results


def template() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "转办清单"
    ws.append(COLUMNS)
    return _save(wb)


def export(rows: list[Complaint]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "投诉举报"
    ws.append(
        [
            "编号",
            "来源渠道",
            "转办单号",
            "举报类别",
            "地点",
            "承办单位",
            "状态",
            "收到时间",
            "办结期限",
            "满意度",
        ]
    )
    for c in rows:
        values = [
            c.number,
            c.get_channel_display(),
            c.external_ref,
            c.get_category_display(),
            c.address,
            str(c.unit or ""),
            c.get_status_display(),
            f"{c.received_at:%Y-%m-%d %H:%M}",
            f"{c.handle_due:%Y-%m-%d}",
            c.get_satisfaction_display(),
        ]
        ws.append(values)
    for row in ws.iter_rows():
        for cell in row:
            cell.data_type = "s"  # text, never a live formula
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
