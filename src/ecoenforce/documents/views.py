"""Staff pages for issued documents and case files. Thin: permission, scoped read, service, render.

Everything is scoped to the user's jurisdiction: a document of another unit answers 404 (the
attempt recorded), exactly like one that does not exist.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ecoenforce.documents import kinds, selectors
from ecoenforce.documents.models import IssuedDocument
from ecoenforce.documents.services import document_revoke
from ecoenforce.org.permissions import authorize, can

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(name: str, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"document\"; filename*=UTF-8''{quote(filename)}"
    return response


def _filename(doc: IssuedDocument, ext: str) -> str:
    return f"{doc.title}{doc.doc_number}.{ext}".replace("/", "_")


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "documents.view", action="document.list")
    qs = selectors.documents_for(request.user)
    kind = request.GET.get("kind", "")
    if kind in kinds.all_kinds():
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "documents/list.html", {
        "page": page, "kind": kind, "kinds": [(c, k.title) for c, k in kinds.all_kinds().items()],
    })


@login_required
def subject_documents(request: HttpRequest, subject_type: str, subject_id: str) -> HttpResponse:
    authorize(request.user, "documents.view", action="document.list")
    docs = selectors.documents_of_subject(request.user, subject_type, subject_id)
    files = selectors.case_files_of_subject(request.user, subject_type, subject_id)
    ordered = sorted(docs, key=lambda d: (d.archive_rank, d.issued_at, d.pk))
    return render(request, "documents/subject.html", {
        "documents": ordered, "case_files": files, "subject_type": subject_type, "subject_id": subject_id,
    })


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "documents.view", action="document.view")
    doc = selectors.document_get_for(request.user, pk)
    return render(request, "documents/detail.html", {
        "doc": doc, "can_revoke": can(request.user, "documents.revoke", doc) and not doc.is_revoked,
        "reason_error": "",
    })


@login_required
def document_pdf(request: HttpRequest, pk: int) -> FileResponse:
    authorize(request.user, "documents.view", action="document.download")
    doc = selectors.document_get_for(request.user, pk)
    return _download(str(doc.pdf.name), _filename(doc, "pdf"), "application/pdf")


@login_required
def document_docx(request: HttpRequest, pk: int) -> FileResponse:
    authorize(request.user, "documents.view", action="document.download")
    doc = selectors.document_get_for(request.user, pk)
    return _download(str(doc.docx.name), _filename(doc, "docx"), DOCX)


@login_required
@require_POST
def document_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    doc = selectors.document_get_for(request.user, pk)
    try:
        document_revoke(doc=doc, reason=request.POST.get("reason", ""), by=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        context: dict[str, Any] = {
            "doc": doc, "can_revoke": not doc.is_revoked, "reason_error": "；".join(exc.messages),
            "reason": request.POST.get("reason", ""),
        }
        return render(request, "documents/detail.html", context, status=422)
    messages.success(request, "文书已撤销，公众核验时将显示“已撤销”。")
    return redirect("documents:detail", pk=doc.pk)


@login_required
def case_file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "documents.view", action="casefile.view")
    cf = selectors.case_file_get_for(request.user, pk)
    return render(request, "documents/casefile.html", {"cf": cf, "manifest": json.loads(cf.manifest)})


@login_required
def case_file_pdf(request: HttpRequest, pk: int) -> FileResponse:
    authorize(request.user, "documents.view", action="casefile.download")
    cf = selectors.case_file_get_for(request.user, pk)
    return _download(str(cf.pdf.name), f"{cf.title}.pdf", "application/pdf")


@login_required
def case_file_manifest(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "documents.view", action="casefile.download")
    cf = selectors.case_file_get_for(request.user, pk)
    response = HttpResponse(cf.manifest.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f"attachment; filename=\"manifest.json\"; filename*=UTF-8''{quote(cf.title)}.json"
    )
    return response
