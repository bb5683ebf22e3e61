"""On-site inspection records: permit checklist, evidence, signatures, idempotent submission, refusals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from ecoenforce.audit.models import AuditEvent
from ecoenforce.inspections import onsite, services
from ecoenforce.inspections.models_work import Evidence, Inspection, Signature
from ecoenforce.org.models import AccessGrant
from ecoenforce.org.permissions import Refused
from ecoenforce.org.roles import Role
from tests.inspections.helpers import full_submission, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(published_plan: Any, leader: Any) -> Inspection:
    with time_machine.travel(published_plan.draw_time + timedelta(minutes=1), tick=False):
        services.draw_run(plan=published_plan, seed_values=["7"], by=leader)
    return Inspection.objects.filter(draw_plan=published_plan).order_by("id").first()


def test_checklist_is_built_from_the_permit(task: Inspection) -> None:
    texts = [i.text for i in task.items.all()]
    assert any("化学需氧量执行限值 50 mg/L（日均值）" in t for t in texts)
    assert any("污染防治设施正常运行" in t for t in texts)
    assert any("自行监测" in t for t in texts)
    assert any("环境管理台账" in t for t in texts)
    assert all(i.basis.startswith("《生态环境法典》第一百") for i in task.items.all())


def test_submit_stores_everything_once(task: Inspection) -> None:
    officer = task.officers.first()
    sub = full_submission(task, problem_code=task.items.get(category="排放限值").code)
    done, created = onsite.inspection_submit(inspection=task, submission=sub, by=officer)
    assert created and done.result == "problem" and done.published_at is not None
    evidence = Evidence.objects.get(inspection=task)
    assert evidence.position_source == "exif"
    assert abs(evidence.latitude - Decimal("39.436")) < Decimal("0.001")
    assert len(evidence.sm3) == 64 and evidence.taken_at is not None
    assert Signature.objects.filter(inspection=task).count() == 3
    again, created = onsite.inspection_submit(inspection=task, submission=sub, by=officer)  # a retry
    assert not created and again.pk == task.pk
    assert Evidence.objects.filter(inspection=task).count() == 1
    assert AuditEvent.objects.filter(action="inspection.submit", outcome="ok").count() == 1


def test_second_device_is_refused(task: Inspection) -> None:
    officer = task.officers.first()
    onsite.inspection_submit(inspection=task, submission=full_submission(task), by=officer)
    with pytest.raises(ValidationError, match="不能重复提交"):
        onsite.inspection_submit(inspection=task, submission=full_submission(task), by=officer)
    assert AuditEvent.objects.filter(action="inspection.submit", outcome="refused").count() == 1


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"certificate_shown": False}, "出示执法证件"),
        ({"items": {}}, "未填写结论"),
        ({"latitude": "北纬39度"}, "纬度不是有效的坐标"),
        ({"longitude": "200"}, "经度超出范围"),
        ({"photos": [("a.jpg", b"not an image at all", "", "")]}, "不是有效的图片文件"),
        ({"photos": [("big.jpg", b"\xff" * (10 * 1024 * 1024 + 1), "", "")]}, "文件过大"),
        ({"signatures": [("party", "张三", None, png())]}, "2名执法人员"),
        ({"idempotency_key": "x"}, "提交编号无效"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    task: Inspection, over: dict[str, Any], message: str
) -> None:
    officer = task.officers.first()
    with pytest.raises(ValidationError, match=message):
        onsite.inspection_submit(inspection=task, submission=full_submission(task, **over), by=officer)
    task.refresh_from_db()
    assert task.status == "assigned" and not task.evidence.exists() and not task.signatures.exists()
    assert not task.items.exclude(outcome="").exists()
    refused = AuditEvent.objects.get(action="inspection.submit", outcome="refused")  # the event audited
    assert message in refused.reason


def test_problem_item_needs_a_note(task: Inspection) -> None:
    sub = full_submission(task)
    code = next(iter(sub.items))
    sub.items[code] = ("problem", "  ")
    with pytest.raises(ValidationError, match="须说明情况"):
        onsite.inspection_submit(inspection=task, submission=sub, by=task.officers.first())


def test_refusal_of_inspection_is_recorded(task: Inspection) -> None:
    officers = list(task.officers.all())
    sub = full_submission(
        task,
        refused=True,
        refusal_note="企业门卫拒绝执法人员进入厂区",
        items={},
        signatures=[("officer", o.display_name, o.pk, png()) for o in officers],
    )
    done, _ = onsite.inspection_submit(inspection=task, submission=sub, by=officers[0])
    assert done.result == "refused" and "拒绝" in done.refusal_note


def test_only_the_assigned_officers_submit(task: Inspection, world: Any) -> None:
    outsider = world.user("county_b", Role.OFFICER)
    with pytest.raises(Refused):
        onsite.inspection_submit(inspection=task, submission=full_submission(task), by=outsider)
    colleague = world.user("county_a", Role.TEAM_LEADER)  # in jurisdiction, not on the team
    with pytest.raises(ValidationError, match="不是本次检查的执法人员"):
        onsite.inspection_submit(inspection=task, submission=full_submission(task), by=colleague)


def test_reinspection_checks_only_failed_items(task: Inspection, leader: Any, officers: list[Any]) -> None:
    failed = task.items.get(category="排放限值").code
    onsite.inspection_submit(
        inspection=task, submission=full_submission(task, problem_code=failed), by=task.officers.first()
    )
    again = onsite.inspection_create(
        unit=task.unit,
        entity=task.entity,
        kind="reinspection",
        officers=officers[:2],
        previous=task,
        by=leader,
    )
    assert list(again.items.values_list("code", flat=True)) == [failed]


def test_joint_and_cross_inspections(world: Any, make_entity: Any, officers: list[Any], leader: Any) -> None:
    mine = make_entity()
    with pytest.raises(ValidationError, match="参加的部门"):
        onsite.inspection_create(
            unit=world.units["county_a"], entity=mine, kind="joint", officers=officers[:2], by=leader
        )
    joint = onsite.inspection_create(
        unit=world.units["county_a"],
        entity=mine,
        kind="joint",
        officers=officers[:2],
        partners=["县公安局", "县人民检察院"],
        by=leader,
    )
    assert joint.partners == ["县公安局", "县人民检察院"]
    theirs = make_entity("county_b")
    with pytest.raises(Refused):  # another unit's entity: no grant, no cross inspection
        onsite.inspection_create(
            unit=world.units["county_a"], entity=theirs, kind="cross", officers=officers[:2], by=leader
        )
    AccessGrant.objects.create(
        unit=world.units["county_a"],
        target_unit=world.units["county_b"],
        can_write=True,
        reason="2026年区域交叉检查",
    )
    cross = onsite.inspection_create(
        unit=world.units["county_a"], entity=theirs, kind="cross", officers=officers[:2], by=leader
    )
    assert cross.unit == world.units["county_a"] and cross.entity.owner_unit == world.units["county_b"]


def test_record_context_for_the_document(task: Inspection) -> None:
    failed = task.items.get(category="排放限值").code
    onsite.inspection_submit(
        inspection=task, submission=full_submission(task, problem_code=failed), by=task.officers.first()
    )
    task.refresh_from_db()
    context = onsite.record_context(task)
    assert context["party_name"] == task.entity.name and "执法证号 ZF-" in context["officers"]
    assert [i["result"] for i in context["items"] if i["note"]] == ["存在问题"]
    assert context["present_person"] == "张三" and "已出示执法证件" in context["findings"]


def test_problem_opens_a_lead_and_the_record_is_issued_as_a_document(task: Inspection) -> None:
    """With the cases and documents apps installed, through handoff.py (the only door to them)."""
    from ecoenforce.cases.models import Lead
    from ecoenforce.documents.models import IssuedDocument

    failed = task.items.get(category="排放限值").code
    submission = full_submission(task, problem_code=failed)
    done, _ = onsite.inspection_submit(inspection=task, submission=submission, by=task.officers.first())
    lead = Lead.objects.get(source_kind="random_inspection", source_ref=str(task.pk))
    assert lead.entity_id == task.entity_id and lead.unit_id == task.entity.owner_unit_id
    assert lead.facts["problems"][0]["note"] == "现场发现超标排放"
    assert done.lead_ref == str(lead.pk)
    document = IssuedDocument.objects.get(subject_type="inspections.inspection", subject_id=str(task.pk))
    assert document.kind == "inspection_record" and len(document.pdf_sm3) == 64
    assert done.record_document == str(document.pk)
    # a replay changes nothing: one lead, one document
    onsite.inspection_submit(inspection=task, submission=submission, by=task.officers.first())
    assert Lead.objects.count() == 1 and IssuedDocument.objects.count() == 1


def test_the_drawn_signatures_are_embedded_in_the_record_docx_and_pdf(task: Inspection) -> None:
    """Both officers' and the party's signatures, drawn on screen, appear as images in the issued
    现场检查（勘察）笔录 — the DOCX carries the very PNGs, the PDF shows their colours."""
    import io

    from docx import Document
    from PIL import Image
    from pypdf import PdfReader

    from ecoenforce.documents.models import IssuedDocument
    from tests.inspections.helpers import png

    officers = list(task.officers.all())
    drawn = {"red": png("red"), "blue": png("blue"), "lime": png("lime")}
    submission = full_submission(
        task,
        signatures=[
            ("officer", officers[0].display_name, officers[0].pk, drawn["red"]),
            ("officer", officers[1].display_name, officers[1].pk, drawn["blue"]),
            ("party", "张三", None, drawn["lime"]),
        ],
    )
    onsite.inspection_submit(inspection=task, submission=submission, by=officers[0])
    document = IssuedDocument.objects.get(subject_type="inspections.inspection", subject_id=str(task.pk))
    with document.docx.open("rb") as f:
        docx = Document(io.BytesIO(f.read()))
    blobs = {rel.target_part.blob for rel in docx.part.rels.values() if "image" in rel.reltype}
    assert set(drawn.values()) <= blobs
    text = "\n".join(c.text for t in docx.tables for row in t.rows for c in row.cells)
    assert officers[0].display_name in text and "张三" in text and "当事人" in text
    with document.pdf.open("rb") as f:
        pdf = PdfReader(io.BytesIO(f.read()))
    colours = set()
    for page in pdf.pages:
        for image in page.images:
            pixel = Image.open(io.BytesIO(image.data)).convert("RGB").getpixel((5, 5))
            colours.add(pixel)
    assert {(255, 0, 0), (0, 0, 255), (0, 255, 0)} <= colours


def test_a_signature_too_large_for_the_record_document_is_refused(task: Inspection) -> None:
    """The record embeds signatures up to 256 KB: a larger one is refused before anything is stored."""
    officers = list(task.officers.all())
    huge = b"\x89PNG\r\n\x1a\n" + bytes(257 * 1024)
    sub = full_submission(
        task,
        signatures=[("officer", o.display_name, o.pk, png()) for o in officers[:2]]
        + [("party", "张三", None, huge)],
    )
    with pytest.raises(ValidationError, match="签名图片为空或过大"):
        onsite.inspection_submit(inspection=task, submission=sub, by=officers[0])
    task.refresh_from_db()
    assert task.status == "assigned" and not task.signatures.exists()
