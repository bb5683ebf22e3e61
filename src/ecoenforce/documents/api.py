"""/api/documents: the documents of a subject (a case, an inspection) and one document's record.

Metadata only (kind, number, issuer, time, digests, code, revocation); the files are downloaded from
the staff pages. Same selectors as the pages, so the same jurisdiction scoping.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ecoenforce.documents import selectors
from ecoenforce.documents.models import IssuedDocument
from ecoenforce.org.permissions import authorize

router = Router()


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    doc_number: str
    subject_type: str
    subject_id: str
    unit_id: int
    unit_name: str
    issued_at: datetime
    code: str
    pdf_sm3: str
    docx_sm3: str
    pdf_pages: int
    revoked: bool
    revoked_at: datetime | None

    @staticmethod
    def resolve_unit_name(obj: IssuedDocument) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_revoked(obj: IssuedDocument) -> bool:
        return obj.is_revoked


class SubjectQuery(Schema):
    subject_type: str = Field(..., min_length=3, max_length=60, pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
    subject_id: str = Field(..., min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_-]+$")


@router.get("/", response=list[DocumentOut], summary="某一对象（案件、检查）的文书")
def documents_of_subject(request: HttpRequest, q: Query[SubjectQuery]) -> list[IssuedDocument]:
    authorize(request.user, "documents.view", action="document.list")
    docs = selectors.documents_of_subject(request.user, q.subject_type, q.subject_id)
    return sorted(docs, key=lambda d: (d.archive_rank, d.issued_at, d.pk))


@router.get("/{doc_id}", response=DocumentOut, summary="一份文书的出具记录")
def document_detail(request: HttpRequest, doc_id: int) -> IssuedDocument:
    authorize(request.user, "documents.view", action="document.view")
    return selectors.document_get_for(request.user, doc_id)
