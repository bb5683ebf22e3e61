"""The one door from cases into the documents app (DOCX/PDF, verification codes, the case file).

While `ecoenforce.documents` is not installed every call does nothing and returns None (or an
empty list), so the procedure runs without it; nothing else in `cases` imports documents.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

SUBJECT_TYPE = "cases.case"


def available() -> bool:
    return apps.is_installed("ecoenforce.documents")


def issue(*, kind: str, context: dict[str, Any], case: Any, by: Any, key: str = "") -> Any | None:
    """Issue a document of `kind` for the case (idempotent on `key`); None without documents."""
    if not available():
        return None
    from ecoenforce.documents.services import document_issue

    return document_issue(
        kind=kind,
        context=context,
        unit=case.unit,
        by=by,
        subject_type=SUBJECT_TYPE,
        subject_id=case.pk,
        idempotency_key=key,
    )


def documents_of(case: Any) -> list[Any]:
    if not available():
        return []
    from ecoenforce.documents.models import IssuedDocument

    return list(
        IssuedDocument.objects.filter(subject_type=SUBJECT_TYPE, subject_id=str(case.pk)).order_by(
            "issued_at", "pk"
        )
    )


def build_casefile(*, case: Any, by: Any) -> Any | None:
    """Bind the case file (卷内目录, page numbers, manifest); None without documents or documents."""
    docs = [d for d in documents_of(case) if d.revoked_at is None]
    if not docs:
        return None
    from ecoenforce.documents.services import casefile_build

    return casefile_build(
        documents=docs,
        title=f"{case.number} {case.title}"[:200],
        unit=case.unit,
        by=by,
        subject_type=SUBJECT_TYPE,
        subject_id=case.pk,
    )


# Which document a step issues (documents app kinds); filled from the case by `context_for`.
STEP_DOCUMENTS: dict[str, str] = {}


def on_step(*, case: Any, action: str, by: Any, key: str | None) -> Any | None:
    """Issue the document that goes with a step, if the documents app is there and knows the kind."""
    kind = STEP_DOCUMENTS.get(action)
    if kind is None or not available():
        return None
    return issue(
        kind=kind, context=context_for(case, kind), case=case, by=by, key=f"{case.pk}:{action}:{key or ''}"
    )


def context_for(case: Any, kind: str) -> dict[str, Any]:
    return {"doc_number": case.number, "party": case.entity.name, "facts": case.report}
