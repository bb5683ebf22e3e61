"""Excel export of the consistency report (openpyxl write-only: rows stream to the file)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ecoenforce.penalty.selectors import ConsistencyResult

SUMMARY_HEADERS = [
    "裁量决定数",
    "可复算数",
    "偏离基准数",
    "偏离率(%)",
    "偏离且未说明理由",
    "平均绝对偏差(元)",
    "平均相对偏差(%)",
    "无法复算",
    "基准已变化",
]
SUMMARY_KEYS = [
    "count",
    "compared",
    "flagged",
    "share",
    "without_reason",
    "mean_abs_gap",
    "mean_rel_gap",
    "errors",
    "drift",
]


def _cell(ws: Any, value: Any, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, Decimal):
        value = float(value.quantize(Decimal("0.01")))
    cell = WriteOnlyCell(ws, value=value)
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append([_cell(ws, h, bold=True) for h in headers])
    for values in rows:
        ws.append([_cell(ws, v) for v in values])


def workbook(
    result: ConsistencyResult, tables: dict[str, list[dict[str, Any]]], total: dict[str, Any]
) -> bytes:
    wb = Workbook(write_only=True)
    f = result.filters
    about = wb.create_sheet("说明")
    for line in (
        ["同案不同罚分析（裁量决定与裁量基准的偏离）"],
        ["导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        ["单位", f.unit.name if f.unit else "本辖区全部"],
        ["决定日期", f"{f.date_from or '不限'} 至 {f.date_to or '不限'}"],
        ["事项编码", f.item_code or "全部"],
        ["口径", "以现行计算引擎和裁量基准对每条记录的计算输入重新计算基准；结论或金额与基准不同即为偏离。"],
        [
            "",
            "平均绝对偏差按可复算的全部决定计算；平均相对偏差=|决定金额−基准金额|/基准金额，仅计基准金额大于0的决定。",
        ],
        ["", "基准已变化：现行基准与作出决定时记录的基准金额不同（裁量基准或法律参数已调整）。"],
    ):
        about.append(line)
    _sheet(
        wb,
        "按单位",
        ["单位", *SUMMARY_HEADERS],
        [[r["label"], *[r[k] for k in SUMMARY_KEYS]] for r in [*tables["units"], total]],
    )
    _sheet(
        wb,
        "按执法人员",
        ["执法人员", "所属单位", *SUMMARY_HEADERS],
        [[r["label"], r["unit"], *[r[k] for k in SUMMARY_KEYS]] for r in tables["officers"]],
    )
    _sheet(
        wb,
        "按事项",
        ["事项编码", "事项名称", *SUMMARY_HEADERS],
        [[r["label"], r["name"], *[r[k] for k in SUMMARY_KEYS]] for r in tables["items"]],
    )
    _sheet(
        wb,
        f"偏离明细（前{result.report.keep}条）",
        [
            "记录号",
            "单位",
            "执法人员",
            "事项编码",
            "决定日期",
            "决定结论",
            "基准结论",
            "决定金额(元)",
            "基准金额(元)",
            "偏差(元)",
            "相对偏差(%)",
            "是否说明理由",
        ],
        [
            [
                r["pk"],
                r["unit"],
                r["officer"],
                r["item"],
                r["decided_on"],
                r["decision"],
                r["benchmark_decision"],
                r["decided"],
                r["benchmark"],
                r["gap"],
                r["rel_gap"],
                "是" if r["has_reason"] else "否",
            ]
            for r in tables["flagged"]
        ],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
