"""Budgets for reading an uploaded .xlsx, shared by every Excel import (entities, catalog, monitoring,
complaints).

An .xlsx is a zip of XML: a 1 MB upload can hold 380 MB of empty rows or one 250 MB cell (issue 10 §4).
Each budget is checked before the work it bounds, so an upload built to stall or swell a worker is
refused quickly with a Chinese message (``UploadRefused``) and nothing is stored:

* size: the upload's own bytes;
* decompressed size: the sum of the zip members' declared sizes (ZipInfo.file_size) before anything
  is inflated (zipfile refuses to inflate more than a member declares);
* rows: the sheet's declared dimension (``ws.max_row``) and the rows actually read, empty rows included,
  so a sheet of blank rows stops at the budget instead of being read to its end;
* cells: characters per cell, and no NUL (a raw NUL or ``&#0;`` makes the XML parser fail: a user error,
  not a server error);
* time: a deadline for the whole read.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from openpyxl import load_workbook

NOT_XLSX = "文件不是有效的 Excel（.xlsx）文件，请使用模板填写后上传"
UNREADABLE = "文件含有无法读取的内容（例如空字符或损坏的表格数据），请在 Excel 中检查后重新保存再导入"


class UploadRefused(Exception):
    """An upload over one of its budgets or unreadable; ``message`` is for the user (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Budget:
    max_bytes: int = 20 * 1024 * 1024
    max_unzipped: int = 200 * 1024 * 1024
    max_sheet_rows: int = 110_000  # rows read, empty ones included
    max_cell_chars: int = 2_000
    seconds: float = 120.0

    def mb(self, n: int) -> str:
        return f"{n // (1024 * 1024)} MB"


def check_zip(data: bytes, budget: Budget) -> None:
    """Size and decompressed-size budgets, from the zip directory alone (nothing is inflated)."""
    if len(data) > budget.max_bytes:
        raise UploadRefused(f"文件超过 {budget.mb(budget.max_bytes)} 上限，请拆分后分批导入")
    if not data.startswith(b"PK\x03\x04"):
        raise UploadRefused(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(NOT_XLSX) from exc
    if sum(m.file_size for m in members) > budget.max_unzipped:
        raise UploadRefused(
            f"文件解压后超过 {budget.mb(budget.max_unzipped)}（可能含有大量空行或超长内容），请检查后分批导入"
        )


def open_xlsx(data: bytes, budget: Budget) -> Any:
    """The workbook in read-only mode once the zip budgets pass; UploadRefused otherwise."""
    check_zip(data, budget)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SyntaxError as exc:  # the XML parsers' errors (a raw NUL, &#0; …) derive from SyntaxError
        raise UploadRefused(UNREADABLE) from exc
    except Exception as exc:  # a renamed .docx, a missing part …
        raise UploadRefused(NOT_XLSX) from exc


def sheet_rows(ws: Any, budget: Budget) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) for every row read, empty ones too, within the row, cell and time budgets."""
    declared = getattr(ws, "max_row", None)
    if isinstance(declared, int) and declared > budget.max_sheet_rows:
        raise UploadRefused(_too_many_rows(budget))
    deadline = time.monotonic() + budget.seconds
    rows = ws.iter_rows(values_only=True)
    number = 0
    while True:
        try:
            values = next(rows, None)
        except Exception as exc:  # the XML parser on a raw NUL, &#0;, a broken cell
            raise UploadRefused(UNREADABLE) from exc
        if values is None:
            return
        number += 1
        if number > budget.max_sheet_rows:
            raise UploadRefused(_too_many_rows(budget))
        if number % 500 == 0 and time.monotonic() > deadline:
            raise UploadRefused("文件读取超时，请拆分后分批导入")
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                if len(value) > budget.max_cell_chars:
                    raise UploadRefused(
                        f"第{number}行第{column}列内容过长（超过 {budget.max_cell_chars} 字），请检查后再导入"
                    )
                if "\x00" in value:
                    raise UploadRefused(f"第{number}行第{column}列含有不允许的空字符，请删除后再导入")
        yield number, values


def _too_many_rows(budget: Budget) -> str:
    return f"表格超过 {budget.max_sheet_rows} 行（空行也计算在内），请删除空行或拆分后导入"


# ---------------------------------------------------------------- handing an upload to the worker
# The request checks the cheap budgets (size, zip directory) and spools the bytes; the worker takes them
# (read and delete at once, so nothing stays behind whatever the outcome) and parses them.

_SPOOL_KEY = re.compile(r"^[0-9a-f-]{36}$")


def spool_dir() -> Path:
    return Path(getattr(settings, "UPLOAD_SPOOL_DIR", "") or Path(settings.VAR_DIR) / "uploads")


def _spool_path(key: str) -> Path:
    if not _SPOOL_KEY.match(key):
        raise ValueError(f"bad spool key {key!r}")
    return spool_dir() / f"{key}.upload"


def spool_put(key: str, data: bytes) -> None:
    """Keep an upload for the worker under `key` (a job id), readable by this account only."""
    path = _spool_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    tmp.replace(path)


def spool_take(key: str) -> bytes | None:
    """The spooled upload, removed as it is read; None when it is gone."""
    path = _spool_path(key)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    path.unlink(missing_ok=True)
    return data


def spool_sweep(*, older_than: dt.timedelta = dt.timedelta(hours=6), now: float | None = None) -> int:
    """Delete spooled uploads no worker took within `older_than` (a job that never ran, a crash between
    the spool and the enqueue): nothing an upload brought stays behind. Returns how many were removed."""
    base = spool_dir()
    if not base.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - older_than.total_seconds()
    removed = 0
    for path in base.iterdir():
        if path.suffix not in (".upload", ".part"):
            continue
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # taken by a worker meanwhile
            continue
    return removed
