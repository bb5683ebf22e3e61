"""Reads of the documents app: staff reads scoped to the jurisdiction; the public verification.

The public answer (`Verification`) carries only what the document itself shows a reader — issuing
unit, time, kind, number, digest match, revocation — never the party, officers or the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from ecoenforce.audit.chain import sm3_hex
from ecoenforce.audit.models import Outcome
from ecoenforce.audit.services import audit_record
from ecoenforce.documents import codes
from ecoenforce.documents.models import CaseFile, IssuedDocument
from ecoenforce.org.jurisdiction import scope


def documents_for(user: Any) -> QuerySet[IssuedDocument]:
    return scope(IssuedDocument.objects.select_related("unit", "issued_by", "revoked_by"), user, field="unit")


def documents_of_subject(user: Any, subject_type: str, subject_id: str) -> QuerySet[IssuedDocument]:
    return documents_for(user).filter(subject_type=subject_type, subject_id=subject_id)


def case_files_of_subject(user: Any, subject_type: str, subject_id: str) -> QuerySet[CaseFile]:
    return scope(CaseFile.objects.select_related("unit"), user, field="unit").filter(
        subject_type=subject_type, subject_id=subject_id
    )


def _get_for(user: Any, model: Any, qs: QuerySet[Any], pk: Any, action: str) -> Any:
    """One object in the jurisdiction; 404 otherwise, the attempt on an existing one recorded."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    found = qs.filter(pk=pk).first()
    if found is not None:
        return found
    other = model.objects.filter(pk=pk).first()
    if other is not None:
        with transaction.atomic():
            audit_record(actor=user, action=action, target=other, outcome=Outcome.REFUSED,
                         reason="outside jurisdiction（不在辖区内）")
    raise Http404("未找到，或不在您的辖区内")


def document_get_for(user: Any, pk: Any) -> IssuedDocument:
    return _get_for(user, IssuedDocument, documents_for(user), pk, "document.view")  # type: ignore[no-any-return]


def case_file_get_for(user: Any, pk: Any) -> CaseFile:
    qs = scope(CaseFile.objects.select_related("unit"), user, field="unit")
    return _get_for(user, CaseFile, qs, pk, "casefile.view")  # type: ignore[no-any-return]


# ---- public verification ----------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    found: bool
    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    issued_at: datetime | None = None
    revoked: bool = False
    revoked_at: datetime | None = None
    digest_checked: bool = False  # a file was uploaded and compared
    digest_match: bool = False
    file_format: str = ""  # "PDF" / "DOCX" when a file was compared
    code: str = ""


def _public(doc: IssuedDocument, **extra: Any) -> Verification:
    return Verification(
        found=True, title=doc.title, doc_number=doc.doc_number, issuer=doc.unit.name, issued_at=doc.issued_at,
        revoked=doc.revoked_at is not None, revoked_at=doc.revoked_at, code=doc.grouped_code, **extra,
    )


def verify_code(text: str) -> Verification:
    code = codes.normalize(text)
    doc = IssuedDocument.objects.select_related("unit").filter(code=code).first() if code else None
    return _public(doc) if doc else Verification(found=False)


def verify_file(data: bytes, text: str = "") -> Verification:
    """Compare an uploaded file with the digests on record. With a code, against that document;
    without one, any document whose PDF or DOCX has exactly this digest."""
    digest = sm3_hex(data)
    if text.strip():
        base = verify_code(text)
        if not base.found:
            return base
        coded = IssuedDocument.objects.select_related("unit").get(code=codes.normalize(text))
        fmt = "PDF" if digest == coded.pdf_sm3 else "DOCX" if digest == coded.docx_sm3 else ""
        return _public(coded, digest_checked=True, digest_match=bool(fmt), file_format=fmt)
    doc = IssuedDocument.objects.select_related("unit").filter(pdf_sm3=digest).first()
    if doc is not None:
        return _public(doc, digest_checked=True, digest_match=True, file_format="PDF")
    doc = IssuedDocument.objects.select_related("unit").filter(docx_sm3=digest).first()
    if doc is not None:
        return _public(doc, digest_checked=True, digest_match=True, file_format="DOCX")
    return Verification(found=False, digest_checked=True)
