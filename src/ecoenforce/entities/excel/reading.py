"""Reading an upload: is it Excel at all, are the columns the template's, the data rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecoenforce.entities.excel import columns as limits
from ecoenforce.entities.excel.columns import COLUMNS, NOT_EXCEL, SHEET, ExcelError
from ecoenforce.org import uploads
from ecoenforce.org.uploads import Budget, UploadRefused, open_xlsx, sheet_rows

# ---------------------------------------------------------------- reading an upload


def budget() -> Budget:
    """Budgets against uploads built to stall or swell a worker (issue 10 §4): see org/uploads.py."""
    return Budget(
        max_bytes=limits.MAX_BYTES,
        max_unzipped=limits.MAX_UNZIPPED,
        max_sheet_rows=limits.MAX_ROWS + 10_000,  # data rows plus blank ones
        max_cell_chars=2_000,
        seconds=120.0,
    )


def _open_workbook(data: bytes) -> Any:
    try:
        return open_xlsx(data, budget())
    except UploadRefused as exc:
        raise ExcelError(NOT_EXCEL if exc.message == uploads.NOT_XLSX else exc.message) from exc


def _column_map(header: tuple[Any, ...]) -> dict[str, int]:
    """Header titles (a trailing * allowed) → column index; refuses missing or unknown columns."""
    by_title = {c.title: c for c in COLUMNS}
    found: dict[str, int] = {}
    unknown: list[str] = []
    for i, raw in enumerate(header):
        title = str(raw if raw is not None else "").strip().rstrip("*＊").strip()
        if not title:
            continue
        if title in by_title and by_title[title].field not in found:
            found[by_title[title].field] = i
        else:
            unknown.append(title)
    missing = [c.title for c in COLUMNS if c.required and c.field not in found]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("缺少列：" + "、".join(missing))
        if unknown:
            parts.append("无法识别的列：" + "、".join(unknown))
        raise ExcelError("列名与模板不一致（" + "；".join(parts) + "）。请下载导入模板，按模板的列填写。")
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(Excel row number, {field: text}) for each non-empty data row; ExcelError for the whole file."""
    wb = _open_workbook(data)
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = sheet_rows(ws, budget())
        first = next(rows, None)
        if first is None:
            raise ExcelError("文件中没有数据：第1行应为列名，从第2行起为数据")
        columns = _column_map(first[1])
        count = 0
        for number, values in rows:
            record = {f: _text(values[i]) if i < len(values) else "" for f, i in columns.items()}
            if not any(record.values()):
                continue
            count += 1
            if count > limits.MAX_ROWS:
                raise ExcelError(f"数据超过 {limits.MAX_ROWS} 行上限，请拆分后分批导入")
            yield number, record  # cells already checked (length, NUL) by sheet_rows
    except UploadRefused as exc:
        raise ExcelError(exc.message) from exc
    finally:
        wb.close()
