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
from openpyxl import Workbook, load_workbook

from ecoenforce.complaints.models import Category, Complaint
from ecoenforce.complaints.services import complaint_submit

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


def import_transfers(data: bytes, *, by: Any) -> list[RowResult]:
    try:
        ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many types for a file that is not .xlsx
        raise ValidationError("无法读取该文件，请上传 .xlsx 格式的转办清单") from exc
    results: list[RowResult] = []
    for n, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if not any(v not in (None, "") for v in values):
            continue
        try:
            c, code = _row(list(values), by)
            results.append(RowResult(n, True, "已登记", c.number, code))
        except ValidationError as exc:
            results.append(RowResult(n, False, "；".join(exc.messages)))
        if len(results) >= 2000:
            break
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
