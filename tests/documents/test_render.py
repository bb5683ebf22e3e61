"""Real files: every kind renders to a DOCX that python-docx reads back with its Chinese text, and to a
PDF with an embedded CJK font whose first page is not blank."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from ecoenforce.documents import kinds, render
from ecoenforce.documents.samples import SAMPLES
from tests.documents.conftest import ink_ratio, pdf_fonts, pdf_text

CODE = "ABCDE-FGHJK-MNPQR-STVWX-YZ012"
URL = "https://zf.example.gov.cn/public/verify/ABCDEFGHJKMNPQRSTVWXYZ012/"


def _context(code: str, **over: Any) -> dict[str, Any]:
    kind = kinds.all_kinds()[code]
    return render.full_context(kind, kind.clean({**SAMPLES[code], **over}), issuer_name="廊坊市生态环境局",
                               issued_at=datetime(2026, 9, 1, 10), code=CODE, verify_url=URL)


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


def test_harfbuzz_subset_is_available() -> None:
    # without libharfbuzz-subset0 WeasyPrint embeds whole CJK fonts and takes seconds per page
    assert render.harfbuzz_subset_available()


@pytest.mark.parametrize("code", sorted(kinds.all_kinds()))
def test_docx_opens_with_the_chinese_text_and_no_placeholder_left(code: str) -> None:
    kind = kinds.all_kinds()[code]
    text = _docx_text(render.render_docx(kind, _context(code)))
    assert "廊坊市生态环境局" in text and kind.title in text
    party = SAMPLES[code].get("party_name") or SAMPLES[code]["recipient"]
    assert party in text
    assert CODE in text and URL in text
    assert "{{" not in text and "{%" not in text


def test_docx_autoescapes_and_keeps_line_breaks() -> None:
    kind = kinds.all_kinds()["penalty_decision"]
    data = render.render_docx(kind, _context("penalty_decision", party_name="A&B <公司> \"甲\"",
                                             facts="第一行\n第二行"))
    text = _docx_text(data)
    assert "A&B <公司> \"甲\"" in text
    assert "第一行\n第二行" in text  # a <w:br/>, read back by python-docx as a newline


def test_decision_states_rights_periods_and_their_sources() -> None:
    kind = kinds.all_kinds()["penalty_decision"]
    text = _docx_text(render.render_docx(kind, _context("penalty_decision")))
    assert "收到本决定书之日起六十日内向廊坊市人民政府申请行政复议" in text
    assert "六个月内向固安县人民法院提起行政诉讼" in text
    assert "《中华人民共和国行政复议法》第二十条第一款" in text
    assert "十五日内" in text and "百分之三" in text
    for step in SAMPLES["penalty_decision"]["discretion"]:
        assert step in text


SHOWN = ["penalty_decision", "inspection_record", "seizure_list", "interview_record"]


@pytest.mark.parametrize("code", SHOWN)
def test_pdf_embeds_a_cjk_font_and_page_one_is_not_blank(code: str, tmp_path: Path) -> None:
    kind = kinds.all_kinds()[code]
    path = tmp_path / f"{code}.pdf"
    path.write_bytes(render.render_pdf(kind, _context(code)))
    fonts = pdf_fonts(path)
    assert "CJK" in fonts and "yes yes" in fonts  # embedded, subset
    assert ink_ratio(path) > 0.005
    text = pdf_text(path)
    assert kind.title.replace("（", "(")[:2] in text.replace("（", "(")
    assert CODE in text


def test_pdf_escapes_markup_in_fields(tmp_path: Path) -> None:
    kind = kinds.all_kinds()["service_receipt"]
    html = render.render_html(kind, _context("service_receipt", recipient="<b>某</b>&公司"))
    assert "&lt;b&gt;某&lt;/b&gt;&amp;公司" in html and "<b>某</b>" not in html


def test_every_kind_renders_to_pdf(tmp_path: Path) -> None:
    for code, kind in kinds.all_kinds().items():
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(render.render_pdf(kind, _context(code)))
        assert "廊坊市生态环境局" in pdf_text(path, 1), code


def test_signatures_drawn_on_screen_are_embedded_and_replace_the_blank_lines(tmp_path: Path) -> None:
    kind = kinds.all_kinds()["inspection_record"]
    ctx = _context("inspection_record")
    doc = Document(io.BytesIO(render.render_docx(kind, ctx)))
    assert len(doc.inline_shapes) == 2
    text = _docx_text(render.render_docx(kind, ctx))
    assert "现场负责人（签名）：" not in text and "赵某" in text
    html = render.render_html(kind, ctx)
    assert 'alt="现场负责人签名"' in html and 'alt="检查人签名"' in html
    assert html.count('src="data:image/png;base64,') == 3  # the QR code and two signatures
    assert "现场负责人（签名）：" not in html
    unsigned = _context("inspection_record", signatures=[])
    assert "现场负责人（签名）：" in _docx_text(render.render_docx(kind, unsigned))
    assert len(Document(io.BytesIO(render.render_docx(kind, unsigned))).tables) == 2  # no signature table
    assert "现场负责人（签名）：" in render.render_html(kind, unsigned)


def test_a_signature_that_is_not_a_png_is_refused() -> None:
    kind = kinds.all_kinds()["inspection_record"]
    gif = "R0lGODlhAQABAAAAACw="
    png = SAMPLES["inspection_record"]["signatures"][1]["image"]
    bad = [{"label": "检查人", "image": gif}, {"name": "某", "image": png},
           {"label": "检查人", "image": "not base64!"}]
    assert kind.problems({**SAMPLES["inspection_record"], "signatures": bad}) == [
        "“签名”第1项的签名图片不是有效的PNG图片（不超过256KB）",
        "“签名”第2项应包含签名人身份（label）和签名图片（image）",
        "“签名”第3项的签名图片不是有效的PNG图片（不超过256KB）",
    ]


def _page_images(path: Path) -> list[bytes]:
    import subprocess

    from tests.documents.conftest import need

    prefix = path.with_suffix("")
    subprocess.run([need("pdftoppm"), "-gray", "-r", "60", str(path), str(prefix)], check=True)
    return [p.read_bytes() for p in sorted(prefix.parent.glob(f"{prefix.name}-*.pgm"))]


def test_pdf_from_the_reused_font_configuration_is_the_fresh_one(tmp_path: Path) -> None:
    """render reuses one WeasyPrint FontConfiguration per thread: the documents it renders after many
    others look exactly like those of a fresh configuration (same pages pixel for pixel, same embedded
    subset fonts, same text), and another thread gets its own configuration."""
    import threading

    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    assert render._font_config() is render._font_config()
    for code in sorted(kinds.all_kinds()):  # the shared configuration has served every kind first
        render.render_pdf(kinds.all_kinds()[code], _context(code))
    for code in ("penalty_decision", "inspection_record", "service_receipt"):
        html = render.render_html(kinds.all_kinds()[code], _context(code))
        reused, fresh = tmp_path / f"{code}-reused.pdf", tmp_path / f"{code}-fresh.pdf"
        reused.write_bytes(render.html_to_pdf(html))
        own = FontConfiguration()
        fresh.write_bytes(HTML(string=html, base_url=str(render.DOCX_DIR)).write_pdf(font_config=own))
        fonts = pdf_fonts(reused)
        assert "CJK" in fonts and "yes yes" in fonts
        # the same fonts, types, encodings and embedding (the first column is the subset's name)
        assert [ln.split()[1:] for ln in fonts.splitlines()[2:]] == [
            ln.split()[1:] for ln in pdf_fonts(fresh).splitlines()[2:]
        ]
        assert pdf_text(reused) == pdf_text(fresh)
        pages = _page_images(reused)
        assert pages and pages == _page_images(fresh), code
    other: list[object] = []
    worker = threading.Thread(target=lambda: other.append(render._font_config()))
    worker.start()
    worker.join()
    assert other and other[0] is not render._font_config()
