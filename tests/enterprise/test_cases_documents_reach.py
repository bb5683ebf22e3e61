"""Cases and documents reach the enterprise: the decision served on it, the order to correct with
its re-inspection date, the deadlines it must keep, the documents issued to it with their PDF and
verification code — and nothing internal (approval forms, the report, the lead)."""

from __future__ import annotations

from typing import Any

import pytest

from ecoenforce.audit.models import AuditEvent
from ecoenforce.cases import measures
from ecoenforce.documents.models import IssuedDocument
from tests.cases.conftest import catalog, drive  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_served_decision_order_deadlines_and_documents(world: Any, drive: Any, bind: Any) -> None:  # noqa: F811
    case = drive.to(drive.open("AIR-100-1"), "served")
    order = measures.order_issue(
        case=case, by=drive.officer, kind="correction", basis="《中华人民共和国大气污染防治法》第一百条"
    )
    other = drive.to(drive.open("AIR-100-1"), "served")  # another entity's case
    _, client = bind(case.entity, "ent_case")
    html = client.get("/enterprise/").content.decode()
    assert "行政处罚决定" in html and case.number in html and "送达" in html
    assert "责令改正" in html and f"复查期限 {order.recheck_due:%Y-%m-%d}" in html
    assert "缴纳罚款" in html and "届满日" in html  # the payment clock the decision started
    assert f'value="cases.measure:{order.pk}"' in html  # evidence may answer the order
    # documents issued to the party, each with its PDF and verification code; internal ones never
    mine = IssuedDocument.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
    decision = mine.get(kind="penalty_decision")
    assert decision.code in html and f"/verify/{decision.code}/" in html
    for internal in mine.filter(kind__in=["filing_approval", "closing_approval"]):
        assert internal.title not in html
    assert "立案审批表" not in html and case.report not in html
    assert other.number not in html and other.entity.name not in html
    r = client.get(f"/enterprise/files/documents/{decision.pk}/")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="enterprise.download").count() == 1
    # the other entity's decision, and an internal document of its own case, answer 404 (audited)
    theirs = IssuedDocument.objects.get(subject_id=str(other.pk), kind="penalty_decision")
    approval = mine.get(kind="filing_approval")
    for pk in (theirs.pk, approval.pk):
        assert client.get(f"/enterprise/files/documents/{pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="enterprise.foreign_access", outcome="refused").count() == 2


def test_evidence_answering_the_order_reaches_the_staff_of_the_jurisdiction(
    world: Any,
    drive: Any,  # noqa: F811
    bind: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from ecoenforce.enterprise.models import Evidence
    from tests.enterprise.conftest import PDF

    settings.MEDIA_ROOT = tmp_path
    case = drive.to(drive.open("AIR-100-1"), "served")
    order = measures.order_issue(
        case=case, by=drive.officer, kind="correction", basis="责令改正违法行为决定书"
    )
    _, client = bind(case.entity, "ent_rect")
    r = client.post(
        "/enterprise/evidence/",
        {
            "subject": f"cases.measure:{order.pk}",
            "note": "已加装除尘设施",
            "file": SimpleUploadedFile("a.pdf", PDF),
        },
    )
    assert r.status_code == 302
    ev = Evidence.objects.get(subject_type="cases.measure", subject_id=str(order.pk))
    assert AuditEvent.objects.filter(action="enterprise.evidence", target_id=str(ev.pk)).count() == 1
    staff = Client()
    staff.force_login(drive.officer)
    html = staff.get("/enterprise/staff/queries/").content.decode()
    assert "已加装除尘设施" in html and "责令改正" in html and case.entity.name in html
    assert staff.get(f"/enterprise/staff/evidence/{ev.pk}/").status_code == 200
    other = Client()
    other.force_login(world.user("county_b", "officer"))
    assert "已加装除尘设施" not in other.get("/enterprise/staff/queries/").content.decode()
    assert other.get(f"/enterprise/staff/evidence/{ev.pk}/").status_code == 404
