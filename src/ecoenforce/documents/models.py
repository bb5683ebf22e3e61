"""Issued documents (执法文书) and bound case files (案卷).

The subject a document belongs to is generic — `subject_type` ("cases.case", "inspections.inspection")
and `subject_id` — so cases and inspections use this app without it importing them. Files live in
Django's storage (var/media); their SM3 digests are kept here so any copy can be checked later.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from ecoenforce.documents import codes, kinds
from ecoenforce.org.models import Unit


def kind_choices() -> list[tuple[str, str]]:
    return [(code, k.title) for code, k in kinds.all_kinds().items()]


class IssuedDocument(models.Model):
    kind = models.CharField("文书种类", max_length=40, choices=kind_choices)
    title = models.CharField("文书名称", max_length=60)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    subject_type = models.CharField("所属对象类型", max_length=60)
    subject_id = models.CharField("所属对象编号", max_length=40)
    unit = models.ForeignKey(Unit, verbose_name="出具机关", on_delete=models.PROTECT,
                             related_name="issued_documents")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="出具人", on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField("出具时间")
    code = models.CharField("核验码", max_length=codes.LENGTH, unique=True)
    idempotency_key = models.CharField(max_length=80, blank=True, default="")
    context = models.JSONField("文书内容", default=dict)
    pdf = models.FileField("PDF文件", max_length=200)
    docx = models.FileField("DOCX文件", max_length=200)
    pdf_sm3 = models.CharField("PDF文件SM3摘要", max_length=64, db_index=True)
    docx_sm3 = models.CharField("DOCX文件SM3摘要", max_length=64, db_index=True)
    pdf_pages = models.PositiveIntegerField("页数", default=1)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revoke_reason = models.TextField("撤销理由", blank=True, max_length=1000)

    class Meta:
        verbose_name = "执法文书"
        verbose_name_plural = "执法文书"
        ordering: ClassVar = ["-issued_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["subject_type", "subject_id"], name="doc_subject_idx")]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["unit", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                name="doc_unique_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.doc_number}".strip()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def grouped_code(self) -> str:
        return codes.grouped(self.code)

    @property
    def archive_rank(self) -> int:
        kind = kinds.get(self.kind)
        return kind.archive_rank if kind else 999


class CaseFile(models.Model):
    """A bound case file: one PDF (table of contents, documents, page numbers) and its manifest."""

    title = models.CharField("案卷题名", max_length=200)
    subject_type = models.CharField("所属对象类型", max_length=60)
    subject_id = models.CharField("所属对象编号", max_length=40)
    unit = models.ForeignKey(Unit, verbose_name="立卷单位", on_delete=models.PROTECT,
                             related_name="case_files")
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    built_at = models.DateTimeField("组卷时间")
    documents = models.ManyToManyField(IssuedDocument, related_name="case_files")
    pdf = models.FileField("案卷PDF", max_length=200)
    pdf_sm3 = models.CharField("案卷PDF SM3摘要", max_length=64)
    pages = models.PositiveIntegerField("总页数")
    manifest = models.TextField("卷内文件清单（规范JSON）")
    manifest_sm3 = models.CharField("清单SM3摘要", max_length=64)
    frozen_at = models.DateTimeField("归档封存时间", null=True, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        verbose_name = "案卷"
        verbose_name_plural = "案卷"
        ordering: ClassVar = ["-built_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["subject_type", "subject_id"], name="casefile_subject_idx")]

    def __str__(self) -> str:
        return self.title


class VerifyAttempt(models.Model):
    """A public verification that found nothing, kept per client to slow down guessing."""

    client = models.CharField(max_length=64, db_index=True)  # SM3 of the IP address: no personal data
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.client[:8]} {self.at:%Y-%m-%d %H:%M}"
