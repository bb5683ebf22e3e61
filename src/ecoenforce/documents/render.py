"""Renderers: one document kind + context → DOCX (docxtpl) and PDF (WeasyPrint).

Both start from the same layout blocks (data/kinds.yaml). The DOCX template is the committed file
docx/<kind>.docx (built by scripts/build_docx_templates.py); the PDF is the HTML template
documents/pdf/document.html with each block's text rendered by Django's engine (autoescaped) and a
QR code leading to the public verification page on every page.
"""

from __future__ import annotations

import base64
import io
import threading
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import qrcode
from django.template import Context, Engine, Template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing

from ecoenforce.documents.kinds import Kind, terms_on

DOCX_DIR = Path(__file__).resolve().parent / "docx"


def harfbuzz_subset_available() -> bool:
    """WeasyPrint embeds font subsets only with libharfbuzz-subset; without it a page takes seconds."""
    from weasyprint.text.ffi import harfbuzz_subset

    return bool(harfbuzz_subset)


def date_cn(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def full_context(kind: Kind, cleaned: dict[str, Any], *, issuer_name: str, issued_at: datetime,
                 code: str, verify_url: str) -> dict[str, Any]:
    """The caller's fields plus what the platform fills in: issuer, date, code, URL, legal terms."""
    terms = {k: {"words": t.words, "value": t.value, "source": t.source}
             for k, t in terms_on(issued_at.date()).items()}
    return {**cleaned, "issuer_name": issuer_name, "issued_on": date_cn(issued_at),
            "verify_code": code, "verify_url": verify_url, "terms": terms, "title": kind.title}


# ---- DOCX -------------------------------------------------------------------------------------

def _docx_value(value: Any) -> Any:
    """Strings with line breaks become docxtpl Listings (escaped, breaks kept); lists recurse."""
    if isinstance(value, str):
        return Listing(value) if "\n" in value else value
    if isinstance(value, list):
        return [_docx_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _docx_value(v) for k, v in value.items()}
    return value


def _docx_signatures(doc: DocxTemplate, rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [{**row, "image": InlineImage(doc, io.BytesIO(base64.b64decode(row["image"])), height=Mm(14))}
            for row in rows]


def render_docx(kind: Kind, context: dict[str, Any]) -> bytes:
    doc = DocxTemplate(str(DOCX_DIR / f"{kind.code}.docx"))
    values = {k: _docx_value(v) for k, v in context.items()}
    for f in kind.fields:
        if f.type == "signatures":
            values[f.name] = _docx_signatures(doc, context.get(f.name) or [])
    doc.render(values, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---- PDF --------------------------------------------------------------------------------------

@cache
def _engine() -> Engine:
    return Engine(autoescape=True)


@cache
def _compiled(text: str) -> Template:
    return _engine().from_string(text)


def _text(text: str, ctx: Context) -> SafeString:
    return mark_safe(_compiled(text).render(ctx))


def _html_block(block: dict[str, Any], ctx: Context, context: dict[str, Any]) -> dict[str, Any] | None:
    """One layout block made ready for the HTML template; None when it would print nothing."""
    if "p" in block or "h" in block:
        kind = "p" if "p" in block else "h"
        text = _text(block[kind], ctx)
        return {"type": kind, "text": text} if text.strip() else None
    if "kv" in block:
        return {"type": "kv", "rows": [(label, _text(value, ctx)) for label, value in block["kv"]]}
    if "list" in block:
        items = context.get(block["list"]) or []
        return {"type": "list", "items": items} if items else None
    if "table" in block:
        spec = block["table"]
        rows = context.get(spec["field"]) or []
        if not rows:
            return None
        keys = [key for _, key in spec["columns"]]
        return {"type": "table", "headers": [h for h, _ in spec["columns"]],
                "rows": [[row.get(k, "") for k in keys] for row in rows]}
    if "qa" in block:
        return {"type": "qa", "items": context.get(block["qa"]) or []}
    if "signatures" in block:
        rows = context.get(block["signatures"]) or []
        items = [{**r, "src": "data:image/png;base64," + r["image"]} for r in rows]
        return {"type": "signatures", "items": items} if items else None
    if "sign" in block:
        if block.get("unless") and context.get(block["unless"]):
            return None
        return {"type": "sign", "lines": [_text(line, ctx) for line in block["sign"]]}
    raise ValueError(f"unknown block {block}")


def qr_data_uri(url: str) -> str:
    img = qrcode.make(url, box_size=4, border=1)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def render_html(kind: Kind, context: dict[str, Any]) -> str:
    ctx = Context(context, autoescape=True)
    blocks = [b for b in (_html_block(b, ctx, context) for b in kind.blocks) if b is not None]
    return render_to_string("documents/pdf/document.html", {
        "kind": kind, "doc": context, "blocks": blocks, "qr": qr_data_uri(context["verify_url"]),
    })


_local = threading.local()


def _font_config() -> Any:
    """One WeasyPrint FontConfiguration per thread, reused by every document it renders.

    Without it each write_pdf builds a fresh Fontconfig configuration and Pango font map, and Pango
    loads the CJK fonts again (about 13 % of a document's CPU time). Our templates declare no
    @font-face, so the configuration never changes between documents. Per thread because Pango's
    font map is not thread-safe."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango costs ~0.3 s

    pdf: bytes = HTML(string=html, base_url=str(DOCX_DIR)).write_pdf(font_config=_font_config())
    return pdf


def render_pdf(kind: Kind, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_html(kind, context))
