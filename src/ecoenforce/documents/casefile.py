"""Binding a case file (案卷): the table of contents, the documents in order, page numbers, manifest.

The table of contents (卷内目录) comes first and is not numbered; the documents' pages are numbered
from 1 in the upper right corner, as customary for archived files (页号). Page numbers are stamped on
the merged pages from an overlay rendered by WeasyPrint, so the documents' own content is untouched.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from ecoenforce.audit.chain import sm3_hex
from ecoenforce.documents import manifest, render
from ecoenforce.documents.models import IssuedDocument


@dataclass(frozen=True)
class Volume:
    pdf: bytes
    pdf_sm3: str
    pages: int
    manifest_json: str
    manifest_sm3: str


def _read_verified(doc: IssuedDocument) -> bytes:
    """The stored PDF, refused when it no longer matches the digest recorded at issue."""
    with default_storage.open(str(doc.pdf.name), "rb") as fh:
        data: bytes = fh.read()
    if sm3_hex(data) != doc.pdf_sm3:
        raise ValidationError({"documents": f"“{doc}”的存档文件与出具时的摘要不一致，不能组卷"})
    return data


def _entry(doc: IssuedDocument, pages: int) -> manifest.Entry:
    issued = timezone.localtime(doc.issued_at).date().isoformat()
    return manifest.Entry(
        kind=doc.kind, title=f"{doc.title}{doc.doc_number and '（' + doc.doc_number + '）'}",
        issuer=doc.unit.name, issued_on=issued, code=doc.code, pdf_sm3=doc.pdf_sm3, pages=pages,
    )


def _page_numbers(count: int) -> PdfReader:
    html = render_to_string("documents/pdf/page_numbers.html", {"numbers": range(1, count + 1)})
    return PdfReader(io.BytesIO(render.html_to_pdf(html)))


def bind(docs: Sequence[IssuedDocument], *, title: str, unit_name: str, built_at: datetime) -> Volume:
    readers = [PdfReader(io.BytesIO(_read_verified(d))) for d in docs]
    placed = manifest.place([_entry(d, len(r.pages)) for d, r in zip(docs, readers, strict=True)])
    total = sum(p.entry.pages for p in placed)
    toc_html = render_to_string("documents/pdf/casefile_toc.html", {
        "title": title, "unit_name": unit_name, "built_on": render.date_cn(built_at), "placed": placed,
        "total": total,
    })
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(render.html_to_pdf(toc_html))).pages:
        writer.add_page(page)
    numbers = _page_numbers(total)
    n = 0
    for reader in readers:
        for page in reader.pages:
            writer.add_page(page).merge_page(numbers.pages[n])  # stamp once attached to the writer
            n += 1
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()
    data = manifest.build(title=title, built_at=built_at.isoformat(timespec="seconds"), placed=placed,
                          volume_sm3=sm3_hex(pdf))
    return Volume(pdf=pdf, pdf_sm3=sm3_hex(pdf), pages=len(writer.pages),
                  manifest_json=manifest.canonical(data).decode("utf-8"),
                  manifest_sm3=manifest.digest(data, sm3_hex))
