"""The case file: one PDF in the customary order with its table of contents and page numbers, the
manifest of every document's digest with the manifest's own SM3, and freezing on archiving."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from ecoenforce.audit.chain import sm3_hex
from ecoenforce.audit.models import AuditEvent
from ecoenforce.documents import manifest
from ecoenforce.documents.services import casefile_build, casefile_freeze, document_revoke
from ecoenforce.org.permissions import Refused
from tests.documents.conftest import SUBJECT, ink_ratio, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(issue: Any) -> list[Any]:
    # issued in procedure order; the file puts them in the customary binding order
    return [issue("closing_approval"), issue("interview_record"), issue("penalty_decision"),
            issue("filing_approval"), issue("service_receipt")]


def _build(world: Any, documents: list[Any], role: str = "officer", unit: str = "county_a") -> Any:
    return casefile_build(documents=documents, title="廊坊市示例化工有限公司超标排放水污染物案",
                          unit=world.units["county_a"], by=world.user(unit, role), subject_type=SUBJECT,
                          subject_id="1")


def test_the_file_is_bound_in_order_with_contents_and_page_numbers(world: Any, docs: list[Any],
                                                                    tmp_path: Path) -> None:
    cf = _build(world, docs)
    path = tmp_path / "case.pdf"
    with default_storage.open(cf.pdf.name, "rb") as fh:
        path.write_bytes(fh.read())
    data = json.loads(cf.manifest)
    kinds = [d["kind"] for d in data["documents"]]
    assert kinds == ["filing_approval", "penalty_decision", "service_receipt", "interview_record",
                     "closing_approval"]
    pages = sum(d.pdf_pages for d in docs)
    assert data["documents"][-1]["last_page"] == pages and cf.pages == pages + 1  # + one page of contents
    toc = "".join(pdf_text(path, 1, layout=False).split())
    assert "卷内目录" in toc and "行政处罚决定书（廊环罚〔2026〕12号）" in toc
    decision = data["documents"][1]
    assert f"{decision['first_page']}-{decision['last_page']}" in toc
    # page 2 of the volume is page 1 of the documents: its number is stamped in the corner
    assert pdf_text(path, 2).split()[0] == "1"
    assert pdf_text(path, cf.pages).split()[0] == str(pages)
    assert "CJK" in pdf_fonts(path) and ink_ratio(path, 1) > 0.005


def test_the_manifest_lists_every_digest_and_its_own_sm3(world: Any, docs: list[Any]) -> None:
    cf = _build(world, docs)
    data = json.loads(cf.manifest)
    assert {d["pdf_sm3"] for d in data["documents"]} == {d.pdf_sm3 for d in docs}
    assert {d["code"] for d in data["documents"]} == {d.code for d in docs}
    assert cf.manifest_sm3 == sm3_hex(cf.manifest.encode("utf-8")) == manifest.digest(data, sm3_hex)
    with default_storage.open(cf.pdf.name, "rb") as fh:
        assert sm3_hex(fh.read()) == cf.pdf_sm3 == data["volume_sm3"]
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "casefile.build" and cf.manifest_sm3 in event.after


def test_freezing_records_the_manifest_digest_and_stops_rebuilding(world: Any, docs: list[Any]) -> None:
    cf = _build(world, docs)
    with pytest.raises(Refused):
        casefile_freeze(casefile=cf, by=world.user("county_a", "officer"))
    frozen = casefile_freeze(casefile=cf, by=world.user("county_a", "team_leader"))
    assert frozen.frozen_at is not None
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "casefile.freeze" and cf.manifest_sm3 in event.after
    with pytest.raises(ValidationError, match="已经归档封存"):
        casefile_freeze(casefile=cf, by=world.user("county_a", "team_leader"))
    with pytest.raises(ValidationError, match="不能重新组卷"):
        _build(world, docs)


def test_revoked_or_foreign_documents_are_refused(world: Any, docs: list[Any], issue: Any) -> None:
    document_revoke(doc=docs[0], reason="结案审批表填写有误", by=world.user("county_a", "team_leader"))
    docs[0].refresh_from_db()
    with pytest.raises(ValidationError, match="已撤销"):
        _build(world, docs)
    other = issue("service_receipt", subject_id="99")
    with pytest.raises(ValidationError, match="不属于本案"):
        _build(world, [*docs[1:], other])
    with pytest.raises(ValidationError, match="没有任何文书"):
        _build(world, [])


def test_a_stored_file_changed_after_issue_is_refused(world: Any, docs: list[Any]) -> None:
    victim = docs[2]
    path = Path(default_storage.path(victim.pdf.name))
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ValidationError, match="存档文件与出具时的摘要不一致"):
        _build(world, docs)


def test_another_county_cannot_bind_the_file(world: Any, docs: list[Any]) -> None:
    with pytest.raises(Refused):
        _build(world, docs, unit="county_b")
