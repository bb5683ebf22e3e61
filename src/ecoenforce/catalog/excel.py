"""Excel export and import of a catalog in the usual published columns.

Columns: 序号, 事项名称, 职权类型, 实施依据 (one provision per line: 《法律》第×条…：条文), 实施主体,
第一责任层级建议, 备注, then 事项编码 (so an exported file can be imported back). Import also accepts
an optional 类别 column. The import goes into a draft: every row is checked first and every bad row
is listed with its row number, column and reason; nothing is stored while any row is bad.

Matching on import: a row's item is found by 事项编码, else by exact 事项名称 among the draft's
items and the inherited ones; a row that matches nothing is a new item (a code is generated when
the file has none: L<division code>-NNN). For a lower unit, a row for an inherited item becomes a
refinement: only 实施主体, 第一责任层级建议, notes added to the inherited notes and legal bases not in
the inherited item are taken (the statutory fields stay the superior's); a row equal to the
inherited item changes nothing. The sanction is not in the published columns: an existing item
keeps its sanction, a new one has none recorded until it is entered on the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ecoenforce.catalog import selectors, services
from ecoenforce.catalog.models import (
    CatalogEntry,
    CatalogVersion,
    EntryAction,
    FirstLevel,
    PowerType,
    VersionStatus,
    basis_text,
    parse_basis_text,
)
from ecoenforce.catalog.selectors import EffectiveEntry
from ecoenforce.catalog.services.validation import FIELD_LABELS, clean_entry_data
from ecoenforce.org.models import User
from ecoenforce.org.permissions import authorize
from ecoenforce.org.uploads import Budget, UploadRefused, open_xlsx, sheet_rows
from ecoenforce.org.xlsx import text_row

COLUMNS = ("序号", "事项名称", "职权类型", "实施依据", "实施主体", "第一责任层级建议", "备注", "事项编码")
REQUIRED = ("事项名称", "职权类型", "实施依据", "实施主体", "第一责任层级建议")
OPTIONAL = ("序号", "备注", "事项编码", "类别")
ALIASES = {
    "第一责任层级": "第一责任层级建议",
    "编码": "事项编码",
    "事项编号": "事项编码",
    "职权类别": "职权类型",
}
WIDTHS = (6, 36, 10, 70, 30, 14, 40, 16)
COLUMN_OF = {
    "code": "事项编码",
    "name": "事项名称",
    "power_type": "职权类型",
    "legal_basis": "实施依据",
    "implementing_subject": "实施主体",
    "first_level": "第一责任层级建议",
    "notes": "备注",
    "category": "类别",
}
MAX_ROWS = 5000


def _label(choices: type[PowerType] | type[FirstLevel], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _workbook(title: str, rows: Iterable[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "执法事项清单"
    ws.append(text_row(ws, [title]))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(text_row(ws, list(COLUMNS)))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(text_row(ws, row))  # text cells: a value like "=HYPERLINK(…)" is never a live formula
    for index, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    for row_cells in ws.iter_rows(min_row=3):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A3"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def export_effective(
    catalog: selectors.EffectiveCatalog, entries: Iterable[EffectiveEntry] | None = None
) -> bytes:
    rows = [
        [
            i,
            e.name,
            _label(PowerType, e.power_type),
            e.basis_text,
            e.implementing_subject,
            _label(FirstLevel, e.first_level),
            e.notes,
            e.code,
        ]
        for i, e in enumerate(entries if entries is not None else catalog.entries, start=1)
    ]
    return _workbook(
        f"{catalog.unit.name}生态环境保护综合行政执法事项清单（{catalog.on:%Y-%m-%d}有效）", rows
    )


def export_version(version: CatalogVersion) -> bytes:
    """A version's own entries (for a lower unit: its additions and refinements)."""
    names = selectors.inherited_names(version) if version.unit.parent_id else {}
    rows = [
        [
            i,
            e.name or names.get(e.code, ""),
            _label(PowerType, e.power_type),
            basis_text(e.legal_basis),
            e.implementing_subject,
            _label(FirstLevel, e.first_level),
            ("【细化上级事项】" if e.action == EntryAction.REFINE else "") + e.notes,
            e.code,
        ]
        for i, e in enumerate(selectors.entries_of(version), start=1)
    ]
    return _workbook(
        f"{version.unit.name}执法事项清单 {version.title}（{version.get_status_display()}）", rows
    )


# ---------------------------------------------------------------- import


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    done: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# A catalog has a few hundred items: budgets sized for that (org/uploads.py; issue 10 §4).
BUDGET = Budget(
    max_bytes=5 * 1024 * 1024, max_unzipped=50 * 1024 * 1024, max_sheet_rows=MAX_ROWS + 1000,
    max_cell_chars=20_000, seconds=60.0,
)


def _read_rows(upload: BinaryIO) -> tuple[dict[str, int], list[tuple[int, dict[str, str]]]]:
    data = upload.read(BUDGET.max_bytes + 1)
    try:
        wb = open_xlsx(data, BUDGET)
        try:
            raw = [[_cell(v) for v in row] for _, row in sheet_rows(wb.worksheets[0], BUDGET)]
        finally:
            wb.close()
    except UploadRefused as exc:
        raise ValidationError(exc.message) from None
    header_index = next((i for i, row in enumerate(raw[:10]) if "事项名称" in row), None)
    if header_index is None:
        raise ValidationError("找不到表头：第一张工作表的前10行中没有“事项名称”列")
    header: dict[str, int] = {}
    for position, name in enumerate(raw[header_index]):
        name = ALIASES.get(name.replace(" ", "").replace("\n", ""), name.replace(" ", "").replace("\n", ""))
        if name in REQUIRED + OPTIONAL and name not in header:
            header[name] = position
    if missing := [c for c in REQUIRED if c not in header]:
        raise ValidationError(f"表头缺少必需的列：{'、'.join(missing)}")
    rows = []
    for offset, row in enumerate(raw[header_index + 1 :], start=header_index + 2):
        values = {name: (row[pos] if pos < len(row) else "") for name, pos in header.items()}
        if any(v for k, v in values.items() if k != "序号"):
            rows.append((offset, values))
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"一次最多导入{MAX_ROWS}行")
    return header, rows


@dataclass
class _Context:
    version: CatalogVersion
    draft: dict[str, CatalogEntry]
    inherited: dict[str, EffectiveEntry]
    names: dict[str, str]  # name → code, over the draft and the inherited items
    seen: dict[str, int] = field(default_factory=dict)
    generated: int = 0

    def new_code(self) -> str:
        prefix = f"L{self.version.unit.division_code}-"
        while True:
            self.generated += 1
            code = f"{prefix}{self.generated:03d}"
            if code not in self.draft and code not in self.inherited and code not in self.seen:
                return code


def _context(version: CatalogVersion) -> _Context:
    draft = {e.code: e for e in selectors.entries_of(version)}
    inherited = {e.code: e for e in selectors.inherited_catalog(version.unit).entries}
    names = {e.name: code for code, e in inherited.items()} | {e.name: c for c, e in draft.items() if e.name}
    return _Context(version=version, draft=draft, inherited=inherited, names=names)


def _bases_key(bases: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (b.get("law"), b.get("article"), b.get("paragraph", ""), b.get("clause", ""), b.get("text", ""))
        for b in bases
    ]


def _refinement(
    values: dict[str, Any], base: EffectiveEntry, current: CatalogEntry | None
) -> dict[str, Any] | None:
    """What a row changes on an inherited item, or None when it changes nothing."""
    notes = values["notes"]
    if base.notes and notes.startswith(base.notes):
        notes = notes[len(base.notes) :]
    notes = re.sub(r"^【[^】]{0,60}细化】", "", notes.strip()).strip()  # the marker the merge adds
    known = {k[:4] for k in _bases_key(base.legal_basis)}
    extra = [b for b in values["legal_basis"] if tuple(_bases_key([b])[0][:4]) not in known]
    data = {
        "code": base.code,
        "implementing_subject": ""
        if values["implementing_subject"] == base.implementing_subject
        else values["implementing_subject"],
        "first_level": ""
        if values["first_level"] in (base.first_level, _label(FirstLevel, base.first_level))
        else values["first_level"],
        "township_delegable": current.township_delegable if current else base.township_delegable,
        "notes": notes,
        "legal_basis": extra,
    }
    if current is None and not (data["implementing_subject"] or data["first_level"] or notes or extra):
        return None
    return data


def _row_values(values: dict[str, str], errors: list[RowError], row: int) -> dict[str, Any]:
    try:
        bases: list[dict[str, Any]] = parse_basis_text(values["实施依据"])
    except ValueError as exc:
        errors.append(RowError(row, "实施依据", str(exc)))
        bases = []
    return {
        "code": values.get("事项编码", "").upper(),
        "name": values["事项名称"],
        "power_type": values["职权类型"],
        "legal_basis": bases,
        "implementing_subject": values["实施主体"],
        "first_level": values["第一责任层级建议"],
        "notes": values.get("备注", ""),
        "category": values.get("类别"),
    }


def _plan_row(
    ctx: _Context, row: int, values: dict[str, Any], errors: list[RowError]
) -> tuple[str, dict[str, Any]] | None:
    code = values["code"] or ctx.names.get(values["name"]) or ctx.new_code()
    if code in ctx.seen:
        errors.append(RowError(row, "事项编码", f"事项 {code} 与第{ctx.seen[code]}行重复"))
        return None
    ctx.seen[code] = row
    values = {**values, "code": code}
    current = ctx.draft.get(code)
    if code in ctx.inherited and (current is None or current.action == EntryAction.REFINE):
        data = _refinement(values, ctx.inherited[code], current)
        if data is None:
            return None
        op, action = ("update" if current else "refine"), EntryAction.REFINE
    else:
        data, op, action = values, ("update" if current else "add"), EntryAction.ADD
    clean = clean_entry_data({k: v for k, v in data.items() if v is not None}, action=action)
    if op == "update" and current is not None:
        clean = _keep_unlisted(clean, current, values)
    return op, clean


def _keep_unlisted(clean: dict[str, Any], current: CatalogEntry, values: dict[str, Any]) -> dict[str, Any]:
    """Fields the published columns do not carry stay as they are on an existing item."""
    keep = {"sanction", "township_delegable"} | ({"category"} if values.get("category") is None else set())
    if _bases_key(clean["legal_basis"]) == _bases_key(current.legal_basis):
        keep.add("legal_basis")
    return {k: v for k, v in clean.items() if k not in keep}


def plan_import(
    version: CatalogVersion, rows: list[tuple[int, dict[str, str]]]
) -> tuple[list[tuple[str, dict[str, Any]]], list[RowError]]:
    ctx = _context(version)
    plan: list[tuple[str, dict[str, Any]]] = []
    errors: list[RowError] = []
    for row, raw in rows:
        row_errors: list[RowError] = []
        values = _row_values(raw, row_errors, row)
        try:
            step = None if row_errors else _plan_row(ctx, row, values, row_errors)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = COLUMN_OF.get(name, FIELD_LABELS.get(name, name))
                row_errors.extend(RowError(row, column, m) for m in messages)
            step = None
        errors.extend(row_errors)
        if step is not None:
            plan.append(step)
    return plan, errors


def import_into_draft(
    *, version: CatalogVersion, by: User, upload: BinaryIO, filename: str, reason: str = ""
) -> ImportReport:
    """Check every row, then (only when all are good) apply them to the draft in one transaction."""
    authorize(by, "catalog.draft", version, action="catalog.entries_import")
    version = CatalogVersion.objects.select_related("unit").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            f"{version.title}当前状态为「{version.get_status_display()}」，只有草稿可以导入"
        )
    _, rows = _read_rows(upload)
    report = ImportReport(rows=len(rows))
    if not rows:
        raise ValidationError("文件中没有数据行")
    plan, report.errors = plan_import(version, rows)
    if report.errors:
        return report
    report.done = services.entries_import(version=version, by=by, plan=plan, source=filename, reason=reason)
    return report
