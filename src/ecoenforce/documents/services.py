"""Every write of the documents app: issue and revoke a document, build and freeze a case file.

Each service: authorize, validate (Chinese messages), then the write and its audit event in one
transaction. Rendering (about a second for a PDF) happens before the transaction so the database
write lock is held only for the insert; files written for a failed insert are removed again.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from ecoenforce.audit.chain import sm3_hex
from ecoenforce.audit.services import audit_record
from ecoenforce.documents import casefile as casefile_pdf
from ecoenforce.documents import codes, kinds, render
from ecoenforce.documents.models import CaseFile, IssuedDocument
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import authorize

SUBJECT_TYPE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
SUBJECT_ID = re.compile(r"^[0-9A-Za-z_-]{1,40}$")


def verify_url(code: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/public/verify/{code}/"


def _check_subject(subject_type: str, subject_id: Any) -> str:
    sid = str(subject_id)
    if not SUBJECT_TYPE.match(subject_type or "") or not SUBJECT_ID.match(sid):
        raise ValidationError({"subject": "文书所属对象无效"})
    return sid


def _kind_and_context(kind: str, context: Any) -> tuple[kinds.Kind, dict[str, Any]]:
    spec = kinds.get(kind)
    if spec is None:
        raise ValidationError({"kind": f"未知的文书种类：{kind}"})
    if not isinstance(context, Mapping):
        raise ValidationError({"context": "文书内容格式无效"})
    problems = spec.problems(context)
    if problems:
        raise ValidationError({"context": problems})
    return spec, spec.clean(context)


def _store(name: str, data: bytes) -> str:
    return default_storage.save(name, ContentFile(data))


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def document_issue(
    *, kind: str, context: Mapping[str, Any], unit: Unit, by: User, subject_type: str, subject_id: Any,
    idempotency_key: str = "",
) -> IssuedDocument:
    """Render `kind` filled with `context` for `unit`, store DOCX and PDF with their SM3 digests and
    a verification code, and record the issue. A repeated `idempotency_key` (a retried request)
    returns the document issued the first time instead of a second one."""
    authorize(by, "documents.issue", unit, action="document.issue")
    sid = _check_subject(subject_type, subject_id)
    key = (idempotency_key or "")[:80]
    if key and (done := IssuedDocument.objects.filter(unit=unit, idempotency_key=key).first()):
        return done
    spec, cleaned = _kind_and_context(kind, context)
    code, now = codes.new_code(), timezone.now()
    full = render.full_context(spec, cleaned, issuer_name=unit.name, issued_at=timezone.localtime(now),
                               code=codes.grouped(code), verify_url=verify_url(code))
    docx_bytes, pdf_bytes = render.render_docx(spec, full), render.render_pdf(spec, full)
    folder = f"documents/{now:%Y/%m}/{code}"
    names = [_store(f"{folder}/{kind}.pdf", pdf_bytes), _store(f"{folder}/{kind}.docx", docx_bytes)]
    doc = IssuedDocument(
        kind=kind, title=spec.title, doc_number=cleaned.get("doc_number", "")[:60],
        subject_type=subject_type, subject_id=sid, unit=unit, issued_by=by, issued_at=now, code=code,
        idempotency_key=key, context=cleaned, pdf=names[0], docx=names[1], pdf_sm3=sm3_hex(pdf_bytes),
        docx_sm3=sm3_hex(docx_bytes), pdf_pages=pdf_pages(pdf_bytes),
    )
    try:
        doc.full_clean()
        with transaction.atomic():
            doc.save(force_insert=True)
            audit_record(action="document.issue", target=doc, actor=by, after=_snapshot(doc))
    except (ValidationError, IntegrityError) as exc:
        for name in names:
            default_storage.delete(name)
        if key and isinstance(exc, IntegrityError):  # the same retry raced us: answer with the winner
            return IssuedDocument.objects.get(unit=unit, idempotency_key=key)
        raise
    return doc


def _snapshot(doc: IssuedDocument) -> dict[str, Any]:
    return {
        "kind": doc.kind, "doc_number": doc.doc_number, "subject": f"{doc.subject_type}:{doc.subject_id}",
        "unit": doc.unit_id, "code": doc.code, "pdf_sm3": doc.pdf_sm3, "docx_sm3": doc.docx_sm3,
        "revoked": doc.revoked_at is not None,
    }


def document_revoke(*, doc: IssuedDocument, reason: str, by: User) -> IssuedDocument:
    """Mark a document revoked (the public check then says so); the files stay as issued."""
    authorize(by, "documents.revoke", doc, action="document.revoke")
    reason = (reason or "").replace("\x00", "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": "请填写撤销理由（不少于4个字）"})
    if len(reason) > 1000:
        raise ValidationError({"reason": "撤销理由不超过1000字"})
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=doc.pk)
        if locked.revoked_at is not None:
            raise ValidationError({"reason": "该文书已经撤销，不能重复撤销"})
        before = _snapshot(locked)
        locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), by, reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(action="document.revoke", target=locked, actor=by, before=before,
                     after=_snapshot(locked), reason=reason)
    return locked


def _case_file_documents(
    documents: Sequence[IssuedDocument], subject: tuple[str, str]
) -> list[IssuedDocument]:
    if not documents:
        raise ValidationError({"documents": "案卷中没有任何文书"})
    problems = []
    for doc in documents:
        if (doc.subject_type, doc.subject_id) != subject:
            problems.append(f"“{doc}”不属于本案")
        elif doc.revoked_at is not None:
            problems.append(f"“{doc}”已撤销，不能归入案卷")
    if problems:
        raise ValidationError({"documents": problems})
    unique = {d.pk: d for d in documents}
    return sorted(unique.values(), key=lambda d: (d.archive_rank, d.issued_at, d.pk))


def casefile_build(
    *, documents: Sequence[IssuedDocument], title: str, unit: Unit, by: User, subject_type: str,
    subject_id: Any,
) -> CaseFile:
    """Bind the documents into one PDF in the customary order, with the table of contents (卷内目录)
    and page numbers, and a manifest of every document's digest with the manifest's own SM3."""
    authorize(by, "documents.casefile", unit, action="casefile.build")
    sid = _check_subject(subject_type, subject_id)
    title = (title or "").replace("\x00", "").strip()
    if not title or len(title) > 200:
        raise ValidationError({"title": "请填写案卷题名（不超过200字）"})
    if CaseFile.objects.filter(subject_type=subject_type, subject_id=sid, frozen_at__isnull=False).exists():
        raise ValidationError({"documents": "本案案卷已归档封存，不能重新组卷"})
    ordered = _case_file_documents(documents, (subject_type, sid))
    for doc in ordered:
        authorize(by, "documents.view", doc, action="casefile.build")
    now = timezone.now()
    volume = casefile_pdf.bind(ordered, title=title, unit_name=unit.name, built_at=timezone.localtime(now))
    name = _store(f"casefiles/{now:%Y/%m}/{subject_type}-{sid}-{now:%Y%m%d%H%M%S}.pdf", volume.pdf)
    cf = CaseFile(
        title=title, subject_type=subject_type, subject_id=sid, unit=unit, built_by=by, built_at=now,
        pdf=name, pdf_sm3=volume.pdf_sm3, pages=volume.pages, manifest=volume.manifest_json,
        manifest_sm3=volume.manifest_sm3,
    )
    with transaction.atomic():
        cf.save(force_insert=True)
        cf.documents.set(ordered)
        after = {"manifest_sm3": cf.manifest_sm3, "pdf_sm3": cf.pdf_sm3, "documents": len(ordered)}
        audit_record(action="casefile.build", target=cf, actor=by, after=after)
    return cf


def casefile_freeze(*, casefile: CaseFile, by: User) -> CaseFile:
    """Archive: the file can no longer be rebuilt; the manifest's digest goes into the audit trail."""
    authorize(by, "documents.archive", casefile, action="casefile.freeze")
    with transaction.atomic():
        locked = CaseFile.objects.select_for_update().get(pk=casefile.pk)
        if locked.frozen_at is not None:
            raise ValidationError({"casefile": "该案卷已经归档封存"})
        locked.frozen_at, locked.frozen_by = timezone.now(), by
        locked.save(update_fields=["frozen_at", "frozen_by"])
        audit_record(action="casefile.freeze", target=locked, actor=by,
                     after={"manifest_sm3": locked.manifest_sm3, "pdf_sm3": locked.pdf_sm3})
    return locked
