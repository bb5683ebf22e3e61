"""Build the DOCX templates (src/ecoenforce/documents/docx/<kind>.docx) from data/kinds.yaml.

Run after changing a kind's blocks: `.venv/bin/python scripts/build_docx_templates.py`. The result is
committed; docxtpl fills the {{ placeholders }} at issue time. Page and fonts follow the customary
layout of official documents (GB/T 9704: A4; margins 37/35/28/26 mm; 仿宋 body, 黑体 headings, with
w:eastAsia set explicitly so Chinese text never falls back to a Latin font).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ecoenforce.documents.kinds import Kind, all_kinds  # noqa: E402  (pure module)

OUT = ROOT / "src" / "ecoenforce" / "documents" / "docx"
BODY_FONT, HEAD_FONT = "仿宋", "黑体"
ONLY_FIELD = re.compile(r"^\{\{ (\w+) \}\}$")


def _font(run_or_style: Any, east_asian: str, size: float | None = None, bold: bool = False) -> None:
    font = run_or_style.font
    font.name = "Times New Roman"
    if size:
        font.size = Pt(size)
    font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def _para(doc: Any, text: str, *, align: Any = None, indent: bool = False, head: bool = False,
          size: float = 15) -> Paragraph:
    p: Paragraph = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), HEAD_FONT if head else BODY_FONT, size, bold=head)
    return p


def _cell(cell: Any, text: str, bold: bool = False) -> None:
    cell.text = ""
    _font(cell.paragraphs[0].add_run(text), HEAD_FONT if bold else BODY_FONT, 12, bold=bold)


def _kv(doc: Any, rows: list[list[str]]) -> None:
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].width, row.cells[1].width = Mm(45), Mm(110)
        _cell(row.cells[0], label, bold=True)
        _cell(row.cells[1], value)


def _rows(doc: Any, field: str, columns: list[list[str]]) -> None:
    """Header, then docxtpl's row loop: a {%tr for %} row, the data row, a {%tr endfor %} row."""
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    for i, (header, key) in enumerate(columns):
        _cell(table.rows[0].cells[i], header, bold=True)
        _cell(table.rows[2].cells[i], f"{{{{ r.{key} }}}}")
    _cell(table.rows[1].cells[0], f"{{%tr for r in {field} %}}")
    _cell(table.rows[3].cells[0], "{%tr endfor %}")


def _signatures(doc: Any, field: str) -> None:
    """Drawn signatures: the table sits between {%p if %} paragraphs, so it is gone when there are none."""
    _para(doc, f"{{%p if {field} %}}")
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for i, header in enumerate(("签名人", "姓名", "签名")):
        _cell(table.rows[0].cells[i], header, bold=True)
    _cell(table.rows[1].cells[0], f"{{%tr for s in {field} %}}")
    for i, key in enumerate(("label", "name", "image")):
        _cell(table.rows[2].cells[i], f"{{{{ s.{key} }}}}")
    _cell(table.rows[3].cells[0], "{%tr endfor %}")
    _para(doc, "{%p endif %}")


def _block(doc: Any, block: dict[str, Any]) -> None:
    if "p" in block:
        only = ONLY_FIELD.match(block["p"])
        if only:  # a paragraph that is one optional field disappears when it is empty
            _para(doc, f"{{%p if {only.group(1)} %}}")
        _para(doc, block["p"], indent=True)
        if only:
            _para(doc, "{%p endif %}")
    elif "h" in block:
        _para(doc, block["h"], head=True, indent=True)
    elif "kv" in block:
        _kv(doc, block["kv"])
    elif "list" in block:
        _para(doc, f"{{%p for x in {block['list']} %}}")
        _para(doc, "{{ loop.index }}. {{ x }}", indent=True)
        _para(doc, "{%p endfor %}")
    elif "table" in block:
        _rows(doc, block["table"]["field"], block["table"]["columns"])
    elif "qa" in block:
        _para(doc, f"{{%p for r in {block['qa']} %}}")
        _para(doc, "问：{{ r.q }}", indent=True)
        _para(doc, "答：{{ r.a }}", indent=True)
        _para(doc, "{%p endfor %}")
    elif "signatures" in block:
        _signatures(doc, block["signatures"])
    elif "sign" in block:
        if block.get("unless"):
            _para(doc, f"{{%p if not {block['unless']} %}}")
        for line in block["sign"]:
            _para(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
        if block.get("unless"):
            _para(doc, "{%p endif %}")
    else:
        raise ValueError(f"unknown block {block}")


def build(kind: Kind) -> Any:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _font(doc.styles["Normal"], BODY_FONT, 15)
    _para(doc, "{{ issuer_name }}", align=WD_ALIGN_PARAGRAPH.CENTER, head=True, size=22)
    _para(doc, kind.title, align=WD_ALIGN_PARAGRAPH.CENTER, head=True, size=22)
    if kind.numbered:
        _para(doc, "{{ doc_number }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    for block in kind.blocks:
        _block(doc, block)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("核验码：{{ verify_code }}　核验网址：{{ verify_url }}"), BODY_FONT, 9)
    return doc


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for code, kind in all_kinds().items():
        build(kind).save(OUT / f"{code}.docx")
        print(f"{code}.docx  {kind.title}")


if __name__ == "__main__":
    main()
