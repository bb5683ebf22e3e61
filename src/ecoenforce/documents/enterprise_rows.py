"""What the enterprise service shows an entity of its documents: those issued to it as the party
(the inspection record it signed, orders, notices, decisions, seizure documents), each with its PDF
and verification code; never an internal one (approval forms, referral letters). A document belongs
to the entity when its subject (e.g. "cases.case" 12) is a record of that entity: the subject's
model is looked up by name, so documents imports no other app. Registered from
DocumentsConfig.ready() when the enterprise app is installed."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import default_storage
from django.db.models import Q

from ecoenforce.documents.models import IssuedDocument

# kinds (data/kinds.yaml) served on or handed to the party; the others stay inside the agency
PARTY_KINDS = (
    "inspection_record",
    "correction_order",
    "advance_notice",
    "hearing_notice",
    "penalty_decision",
    "seizure_decision",
    "seizure_list",
)


def _subjects_q(entity: Any) -> Q:
    """Documents whose subject is one of the entity's records (any model with an `entity` FK)."""
    q = Q(pk__in=[])
    types = (
        IssuedDocument.objects.filter(kind__in=PARTY_KINDS).values_list("subject_type", flat=True).distinct()
    )
    for subject_type in set(types):
        try:
            model = apps.get_model(subject_type)
            model._meta.get_field("entity")
        except (LookupError, ValueError, FieldDoesNotExist):
            continue
        ids = [str(pk) for pk in model._default_manager.filter(entity=entity).values_list("pk", flat=True)]
        q |= Q(subject_type=subject_type, subject_id__in=ids)
    return q


def documents_of(entity: Any) -> Any:
    return IssuedDocument.objects.filter(kind__in=PARTY_KINDS).filter(_subjects_q(entity))


def document_rows(entity: Any) -> list[Any]:
    from ecoenforce.enterprise.providers import Row

    rows = []
    for doc in documents_of(entity).order_by("-issued_at", "-pk")[:100]:
        status = f"{doc.issued_at:%Y-%m-%d}出具"
        if doc.revoked_at:
            status += f"，已于{doc.revoked_at:%Y-%m-%d}撤销"
        rows.append(
            Row(
                title=f"{doc.title} {doc.doc_number}".strip(),
                status=status,
                subject_type="documents.document",
                subject_id=str(doc.pk),
                file_ref=str(doc.pk),
                file_label="下载PDF",
                verify_code=doc.code,
            )
        )
    return rows


def document_file(entity: Any, ref: str) -> Any:
    from ecoenforce.enterprise.providers import FileOut

    if not ref.isdigit():
        return None
    doc = documents_of(entity).filter(pk=int(ref)).first()
    if doc is None:
        return None
    with default_storage.open(str(doc.pdf.name), "rb") as f:
        data = f.read()
    return FileOut(data, "application/pdf", f"{doc.title}{doc.doc_number}.pdf".replace("/", "_"))


def register() -> None:
    if not apps.is_installed("ecoenforce.enterprise"):
        return
    from ecoenforce.enterprise.providers import register_provider

    register_provider("documents", label="执法文书", rows=document_rows, file=document_file)
