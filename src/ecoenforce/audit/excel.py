"""Excel export of audit events: openpyxl write-only (rows stream to a temporary file)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ecoenforce.audit.models import AuditEvent, Outcome
from ecoenforce.audit.selectors import unit_names

EXPORT_CAP = 100_000
_MAX_CELL = 32_767  # Excel's limit for one cell

# (header, column) in sheet order; the header row is what people see, in Chinese.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("序号", "seq"),
    ("时间", "occurred_at"),
    ("操作人", "actor_name"),
    ("操作人编号", "actor_id"),
    ("单位", "unit_id"),
    ("IP地址", "ip"),
    ("客户端", "user_agent"),
    ("操作", "action"),
    ("结果", "outcome"),
    ("对象类型", "target_type"),
    ("对象编号", "target_id"),
    ("对象", "target_repr"),
    ("说明", "reason"),
    ("变更前", "before"),
    ("变更后", "after"),
    ("前一事件摘要", "prev_digest"),
    ("摘要", "digest"),
    ("摘要算法", "algorithm"),
)
_OUTCOMES = dict(Outcome.choices)
_WIDTHS = {"时间": 20, "操作": 22, "对象": 30, "说明": 30, "摘要": 20, "前一事件摘要": 20, "客户端": 24}


def _text_cell(ws: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    """A cell that is always text: illegal XML characters removed, never read as a formula."""
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_CELL])
    cell.data_type = "s"
    return cell


def _row(ws: WriteOnlyWorksheet, values: dict[str, Any], units: dict[int, str]) -> list[Any]:
    cells: list[Any] = []
    for _, column in COLUMNS:
        value = values[column]
        if column == "occurred_at":
            cell = WriteOnlyCell(ws, value=timezone.localtime(value).replace(tzinfo=None))
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
            cells.append(cell)
        elif column in {"seq", "actor_id"}:
            cells.append(value)
        elif column == "unit_id":
            cells.append(_text_cell(ws, units.get(value, "") if value is not None else ""))
        elif column == "outcome":
            cells.append(_text_cell(ws, _OUTCOMES.get(value, value)))
        else:
            cells.append(_text_cell(ws, str(value)))
    return cells


def _batches(qs: QuerySet[AuditEvent], size: int = 2000) -> Iterable[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for values in qs.values(*(c for _, c in COLUMNS)).iterator(chunk_size=size):
        batch.append(values)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_events(qs: QuerySet[AuditEvent], *, total: int, notes: list[tuple[str, str]]) -> IO[bytes]:
    """The filtered events (at most EXPORT_CAP, newest first) as an .xlsx in a temporary file."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计记录")
    for index, (header, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(header, 12)
    ws.freeze_panes = "A2"
    ws.append([_text_cell(ws, header) for header, _ in COLUMNS])
    for batch in _batches(qs[:EXPORT_CAP]):
        units = unit_names(v["unit_id"] for v in batch)
        for values in batch:
            ws.append(_row(ws, values, units))
    info = wb.create_sheet("说明")
    written = min(total, EXPORT_CAP)
    lines = [
        ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
        ("符合条件的事件数", str(total)),
        ("本文件包含的事件数", str(written)),
        *notes,
    ]
    if total > EXPORT_CAP:
        lines.append(
            (
                "提示",
                f"符合条件的事件超过 {EXPORT_CAP:,} 条，本文件只包含最新的 {EXPORT_CAP:,} 条；"
                "请缩小时间范围后分批导出。",
            )
        )
    for key, value in lines:
        info.append([_text_cell(info, key), _text_cell(info, value)])
    out = tempfile.TemporaryFile()  # noqa: SIM115 (returned open: FileResponse closes it)
    wb.save(out)
    out.seek(0)
    return out


def export_name(moment: datetime | None = None) -> str:
    moment = timezone.localtime(moment)
    return f"审计记录_{moment:%Y%m%d_%H%M%S}.xlsx"
