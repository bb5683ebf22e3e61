"""Staff pages: a document's detail, downloads, revoke, the subject's list, the case file — scoped to
the jurisdiction (another county's document is a 404, and the attempt is recorded)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from ecoenforce.audit.models import AuditEvent, Outcome
from ecoenforce.documents.services import casefile_build
from tests.documents.conftest import SUBJECT

pytestmark = pytest.mark.django_db


def _client(world: Any, unit: str, role: str) -> Client:
    client = Client()
    client.force_login(world.user(unit, role))
    return client


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_detail_shows_digest_code_and_downloads(world: Any, issue: Any) -> None:
    doc = issue("penalty_decision")
    client = _client(world, "county_a", "officer")
    html = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert doc.pdf_sm3 in html and doc.grouped_code in html and "下载PDF" in html
    assert "撤销文书" not in html  # an officer may not revoke
    pdf = client.get(reverse("documents:pdf", args=[doc.pk]))
    with default_storage.open(doc.pdf.name, "rb") as fh:
        assert _body(pdf) == fh.read()
    docx = client.get(reverse("documents:docx", args=[doc.pk]))
    assert _body(docx).startswith(b"PK") and "filename*=UTF-8''" in docx["Content-Disposition"]


@pytest.mark.parametrize("name", ["documents:detail", "documents:pdf", "documents:docx"])
def test_another_countys_document_is_not_found_and_the_attempt_recorded(world: Any, issue: Any,
                                                                         name: str) -> None:
    doc = issue("correction_order")
    response = _client(world, "county_b", "team_leader").get(reverse(name, args=[doc.pk]))
    assert response.status_code == 404
    # the refusal names the document (a generic "page not found" event may follow it)
    assert AuditEvent.objects.filter(outcome=Outcome.REFUSED, target_id=str(doc.pk)).exists()


def test_the_city_sees_its_countys_documents(world: Any, issue: Any) -> None:
    doc = issue("correction_order")
    response = _client(world, "city", "supervisor").get(reverse("documents:detail", args=[doc.pk]))
    assert response.status_code == 200


def test_revoke_from_the_page(world: Any, issue: Any) -> None:
    doc = issue("correction_order")
    leader = _client(world, "county_a", "team_leader")
    url = reverse("documents:revoke", args=[doc.pk])
    empty = leader.post(url, {"reason": ""})
    assert empty.status_code == 422 and "请填写撤销理由" in empty.content.decode()
    done = leader.post(url, {"reason": "改正期限填写错误"}, follow=True)
    assert "文书已撤销" in done.content.decode() and "已撤销" in done.content.decode()
    again = leader.post(url, {"reason": "改正期限填写错误"})
    assert again.status_code == 422 and "不能重复撤销" in again.content.decode()


def test_an_officer_cannot_revoke_by_posting(world: Any, issue: Any) -> None:
    doc = issue("correction_order")
    response = _client(world, "county_a", "officer").post(reverse("documents:revoke", args=[doc.pk]),
                                                          {"reason": "我想撤销这份文书"})
    assert response.status_code == 403
    doc.refresh_from_db()
    assert not doc.is_revoked
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.outcome == Outcome.REFUSED and event.action == "document.revoke"


def test_the_subjects_documents_in_file_order_and_its_case_files(world: Any, issue: Any) -> None:
    receipt, decision = issue("service_receipt"), issue("penalty_decision")
    issue("filing_approval", subject_id="2")
    cf = casefile_build(documents=[receipt, decision], title="示例案卷", unit=world.units["county_a"],
                        by=world.user("county_a", "officer"), subject_type=SUBJECT, subject_id="1")
    officer = _client(world, "county_a", "officer")
    html = officer.get(reverse("documents:subject", args=[SUBJECT, "1"])).content.decode()
    assert html.index("行政处罚决定书") < html.index("送达回证") and "立案审批表" not in html
    assert "示例案卷" in html
    other = _client(world, "county_b", "officer").get(reverse("documents:subject", args=[SUBJECT, "1"]))
    assert "行政处罚决定书" not in other.content.decode()
    page = officer.get(reverse("documents:casefile", args=[cf.pk])).content.decode()
    assert cf.manifest_sm3 in page and "卷内目录" in page
    manifest = officer.get(reverse("documents:casefile-manifest", args=[cf.pk]))
    assert manifest.content.decode("utf-8") == cf.manifest
    outsider = _client(world, "county_b", "officer")
    assert outsider.get(reverse("documents:casefile", args=[cf.pk])).status_code == 404


def test_list_filters_by_kind_and_stays_in_the_jurisdiction(world: Any, issue: Any) -> None:
    issue("correction_order")
    issue("hearing_notice", unit="county_b")
    html = _client(world, "county_a", "officer").get(reverse("documents:list")).content.decode()
    assert "责令改正违法行为决定书" in html and "行政处罚听证通知书</a>" not in html
    filtered = _client(world, "city", "bureau_head").get(reverse("documents:list") + "?kind=hearing_notice")
    assert "行政处罚听证通知书</a>" in filtered.content.decode()
    assert "责令改正违法行为决定书</a>" not in filtered.content.decode()


@pytest.mark.parametrize("role", ["sysadmin", "auditadmin", "complaint_handler"])
def test_roles_without_documents_are_refused(world: Any, role: str) -> None:
    assert _client(world, "county_a", role).get(reverse("documents:list")).status_code == 403


def test_anonymous_is_sent_to_login(world: Any, issue: Any) -> None:
    doc = issue("correction_order")
    response = Client().get(reverse("documents:pdf", args=[doc.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
