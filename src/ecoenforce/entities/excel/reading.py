"""Reading an upload: is it Excel at all, are the columns the template's, the data rows."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook

from ecoenforce.entities.excel import columns as limits
from ecoenforce.entities.excel.columns import COLUMNS, NOT_EXCEL, SHEET, ExcelError

# ---------------------------------------------------------------- reading an upload


def _open_workbook(data: bytes) -> Any:
    if len(data) > limits.MAX_BYTES:
        raise ExcelError("文件超过 20 MB 上限，请拆分后分批导入")
    if not data.startswith(b"PK\x03\x04"):
        raise ExcelError(NOT_EXCEL)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > limits.MAX_UNZIPPED:
                raise ExcelError("文件内容过大，请拆分后分批导入")
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ExcelError:
        raise
    except Exception as exc:  # not a workbook: a renamed text file, a .docx, a broken zip …
        raise ExcelError(NOT_EXCEL) from exc


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


# Budgets against uploads built to stall or swell a worker (issue 10 §4): empty rows count too, a cell
# has a length limit, and the whole read has a deadline.
MAX_SHEET_ROWS = limits.MAX_ROWS + 10_000  # data rows plus blank ones
MAX_CELL_CHARS = 2_000
READ_SECONDS = 120.0
UNREADABLE = "文件含有无法读取的内容（例如空字符或损坏的表格数据），请在 Excel 中检查后重新保存再导入"


def _checked(number: int, record: dict[str, str]) -> dict[str, str]:
    for field, text in record.items():
        title = next(c.title for c in COLUMNS if c.field == field)
        if "\x00" in text:
            raise ExcelError(f"第{number}行“{title}”含有不允许的空字符，请删除后再导入")
        if len(text) > MAX_CELL_CHARS:
            raise ExcelError(f"第{number}行“{title}”内容过长（超过 {MAX_CELL_CHARS} 字），请检查后再导入")
    return record


def read_rows(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(Excel row number, {field: text}) for each non-empty data row; ExcelError for the whole file."""
    wb = _open_workbook(data)
    deadline = time.monotonic() + READ_SECONDS
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = _next(rows)
        if header is None:
            raise ExcelError("文件中没有数据：第1行应为列名，从第2行起为数据")
        columns = _column_map(header)
        count, number = 0, 1
        while (values := _next(rows)) is not None:
            number += 1
            if number > MAX_SHEET_ROWS + 1:
                raise ExcelError(f"表格超过 {MAX_SHEET_ROWS} 行（空行也计算在内），请删除空行或拆分后导入")
            if number % 1000 == 0 and time.monotonic() > deadline:
                raise ExcelError("文件读取超时，请拆分后分批导入")
            record = {f: _text(values[i]) if i < len(values) else "" for f, i in columns.items()}
            if not any(record.values()):
                continue
            count += 1
            if count > limits.MAX_ROWS:
                raise ExcelError(f"数据超过 {limits.MAX_ROWS} 行上限，请拆分后分批导入")
            yield number, _checked(number, record)
    finally:
        wb.close()


def _next(rows: Iterator[tuple[Any, ...]]) -> tuple[Any, ...] | None:
    """The next row; a sheet the XML parser cannot read (a raw NUL, &#0;) is the user's error, not a 500."""
    try:
        return next(rows, None)
    except ExcelError:
        raise
    except Exception as exc:
        raise ExcelError(UNREADABLE) from exc
