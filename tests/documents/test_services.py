"""document_issue and document_revoke: stored files with their SM3, the audit trail, and refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from ecoenforce.audit.chain import sm3_hex
from ecoenforce.audit.models import AuditEvent
from ecoenforce.audit.verify import verify_chain
from ecoenforce.documents.models import IssuedDocument
from ecoenforce.documents.samples import SAMPLES
from ecoenforce.documents.services import document_issue, document_revoke
from ecoenforce.org.permissions import Refused
from tests.documents.conftest import SUBJECT, pdf_text

pytestmark = pytest.mark.django_db


def _stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def _media_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_issue_stores_both_files_with_their_digests_and_audits(issue: Any, world: Any) -> None:
    before = AuditEvent.objects.count()
    doc = issue("penalty_decision", subject_id="12")
    pdf, docx = _stored(doc.pdf.name), _stored(doc.docx.name)
    assert pdf.startswith(b"%PDF") and docx.startswith(b"PK")
    assert (doc.pdf_sm3, doc.docx_sm3) == (sm3_hex(pdf), sm3_hex(docx))
    assert doc.unit == world.units["county_a"] and doc.issued_by == world.user("county_a", "officer")
    assert (doc.subject_type, doc.subject_id, doc.doc_number) == (SUBJECT, "12", "廊环罚〔2026〕12号")
    assert len(doc.code) == 25 and doc.pdf_pages >= 2
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "document.issue" and doc.pdf_sm3 in event.after and doc.code in event.after
    assert verify_chain().ok


def test_the_pdf_carries_the_code_and_the_public_address(issue: Any, settings: Any, tmp_path: Path) -> None:
    doc = issue("correction_order")
    path = tmp_path / "d.pdf"
    path.write_bytes(_stored(doc.pdf.name))
    text = pdf_text(path).replace("\n", "").replace(" ", "")
    assert doc.grouped_code in text
    assert "https://zf.example.gov.cn/public/verify/" in text and f"{doc.code}/" in text


def test_missing_fields_are_refused_by_name_and_nothing_is_left_behind(world: Any, settings: Any) -> None:
    before = (IssuedDocument.objects.count(), AuditEvent.objects.count())
    context = {**SAMPLES["advance_notice"], "facts": "", "legal_basis": None}
    with pytest.raises(ValidationError) as exc:
        document_issue(kind="advance_notice", context=context, unit=world.units["county_a"],
                       by=world.user("county_a", "officer"), subject_type=SUBJECT, subject_id="1")
    assert exc.value.message_dict["context"] == ["缺少必填内容：违法事实、法律依据"]
    assert (IssuedDocument.objects.count(), AuditEvent.objects.count()) == before
    assert _media_files(settings) == []


@pytest.mark.parametrize(("kind", "subject_type", "subject_id", "key"), [
    ("no_such_kind", SUBJECT, "1", "kind"),
    ("service_receipt", "Cases Case", "1", "subject"),
    ("service_receipt", SUBJECT, "1/../2", "subject"),
    ("service_receipt", SUBJECT, "", "subject"),
])
def test_invalid_kind_or_subject_is_refused(world: Any, kind: str, subject_type: str, subject_id: str,
                                            key: str) -> None:
    with pytest.raises(ValidationError) as exc:
        document_issue(kind=kind, context=SAMPLES["service_receipt"], unit=world.units["county_a"],
                       by=world.user("county_a", "officer"), subject_type=subject_type, subject_id=subject_id)
    assert key in exc.value.message_dict


def test_context_that_is_not_a_mapping_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError, match="文书内容格式无效"):
        document_issue(kind="service_receipt", context=["x"], unit=world.units["county_a"],  # type: ignore[arg-type]
                       by=world.user("county_a", "officer"), subject_type=SUBJECT, subject_id="1")


def test_a_retried_issue_returns_the_first_document(world: Any) -> None:
    args = {"kind": "service_receipt", "context": SAMPLES["service_receipt"], "unit": world.units["county_a"],
            "by": world.user("county_a", "officer"), "subject_type": SUBJECT, "subject_id": "3",
            "idempotency_key": "case-3-receipt-1"}
    first = document_issue(**args)
    second = document_issue(**args)
    assert first.pk == second.pk and IssuedDocument.objects.filter(subject_id="3").count() == 1


@pytest.mark.parametrize(("unit", "role", "message"), [
    ("county_a", "supervisor", "角色无权"),
    ("county_a", "complaint_handler", "角色无权"),
    ("county_a", "sysadmin", "角色无权"),
    ("county_b", "officer", "不在您的辖区"),
    ("town_a", "officer", "不在您的辖区"),
])
def test_who_may_not_issue_for_the_unit(world: Any, unit: str, role: str, message: str) -> None:
    with pytest.raises(Refused, match=message):
        document_issue(kind="service_receipt", context=SAMPLES["service_receipt"],
                       unit=world.units["county_a"], by=world.user(unit, role), subject_type=SUBJECT,
                       subject_id="1")
    assert not IssuedDocument.objects.exists()


def test_the_city_may_issue_for_its_county(world: Any) -> None:
    doc = document_issue(kind="service_receipt", context=SAMPLES["service_receipt"],
                         unit=world.units["county_a"], by=world.user("city", "team_leader"),
                         subject_type=SUBJECT, subject_id="1")
    assert doc.unit == world.units["county_a"]


def test_revoke_by_the_team_leader_with_a_reason(issue: Any, world: Any) -> None:
    doc = issue("correction_order")
    leader = world.user("county_a", "team_leader")
    with pytest.raises(ValidationError, match="撤销理由"):
        document_revoke(doc=doc, reason="  错 ", by=leader)
    revoked = document_revoke(doc=doc, reason="文号填写错误，重新出具", by=leader)
    assert revoked.is_revoked and revoked.revoked_by == leader
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "document.revoke" and event.reason == "文号填写错误，重新出具"
    with pytest.raises(ValidationError, match="不能重复撤销"):
        document_revoke(doc=doc, reason="再次撤销试试", by=leader)
    assert _stored(doc.pdf.name)  # the file stays as issued


@pytest.mark.parametrize(("unit", "role"), [("county_a", "officer"), ("county_a", "legal_reviewer"),
                                            ("county_b", "team_leader"), ("county_a", "supervisor")])
def test_who_may_not_revoke(issue: Any, world: Any, unit: str, role: str) -> None:
    doc = issue("correction_order")
    with pytest.raises(Refused):
        document_revoke(doc=doc, reason="无权撤销的尝试", by=world.user(unit, role))
    doc.refresh_from_db()
    assert not doc.is_revoked
