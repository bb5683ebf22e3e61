"""The public intake and the tracking code, and the bad input of the issue: floods, non-media and
oversized uploads, scripts in text, random codes, replayed forms, half-filled forms."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ecoenforce.audit.models import AuditEvent
from ecoenforce.complaints.models import Complaint, IntakeHit, Status
from tests.complaints.conftest import JPEG, public_form, solve


def test_public_files_anonymously_with_a_photo_and_reads_progress_with_the_code(
    world: Any, submit: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    response, code = submit(files=[SimpleUploadedFile("p.jpg", JPEG, "image/jpeg")])
    assert response.status_code == 200 and len(code) >= 32  # 192 bits
    c = Complaint.objects.get()
    assert c.anonymous and c.identity_sealed == "" and c.attachments.get().kind == "photo"
    assert c.unit == world.units["county_a"]  # dispatched by place: 131022 → 固安县
    assert c.code_hash != code and code not in str(list(AuditEvent.objects.values_list("after", flat=True)))
    page = Client().post("/public/complaints/track/", {"code": code}).content.decode()
    assert c.number in page and "已登记" in page and "信访工作条例 第三十四条" in page


def test_a_real_name_is_sealed_in_the_database(world: Any, submit: Any) -> None:
    submit(anonymous=None, name="李秀英", phone="13911112222")
    c = Complaint.objects.get()
    assert not c.anonymous and c.identity_sealed.startswith("v1:")
    dump = str(list(Complaint.objects.values())) + str(list(AuditEvent.objects.values()))
    assert "李秀英" not in dump and "13911112222" not in dump


def test_random_codes_find_nothing_and_lookups_are_rate_limited(world: Any) -> None:
    client = Client()
    response = client.post("/public/complaints/track/", {"code": "A" * 32})
    assert response.status_code == 404 and "未找到" in response.content.decode()
    statuses = [
        client.post("/public/complaints/track/", {"code": f"{i:032d}"}).status_code for i in range(35)
    ]
    assert (
        statuses[-1] == 429
        and "过于频繁" in client.post("/public/complaints/track/", {"code": "x" * 32}).content.decode()
    )


def test_floods_from_one_device_are_refused_and_nothing_half_written(world: Any, submit: Any) -> None:
    client = Client()
    codes = [submit(client=client)[1] for _ in range(4)]
    assert all(codes[:3]) and codes[3] == ""
    assert Complaint.objects.count() == 3
    page = client.get("/public/complaints/").content.decode()
    response = client.post("/public/complaints/", {**public_form(), **solve(page)})
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()


def test_wrong_answer_replay_and_half_filled_forms_keep_what_was_typed(world: Any) -> None:
    client = Client()
    page = client.get("/public/complaints/").content.decode()
    answer = solve(page)
    wrong = client.post("/public/complaints/", {**public_form(), "token": answer["token"], "answer": "999"})
    assert wrong.status_code == 400 and "验证题答案不正确" in wrong.content.decode()
    assert "夜间工厂烟囱冒黑烟" in wrong.content.decode()  # nothing lost
    half = client.post("/public/complaints/", {**public_form(description="", anonymous=None), **answer})
    text = half.content.decode()
    assert (
        half.status_code == 400
        and "实名举报请填写姓名和联系电话" in text
        and "固安县工业园区东路18号" in text
    )
    ok = client.post("/public/complaints/", {**public_form(), **answer})
    assert ok.status_code == 200 and Complaint.objects.count() == 1
    other = Client()  # the replay from another device, so the device limit is not what refuses it
    other.get("/public/complaints/")
    replay = other.post("/public/complaints/", {**public_form(), **answer})
    assert replay.status_code == 400 and "请勿重复提交" in replay.content.decode()
    assert Complaint.objects.count() == 1


def test_non_media_and_oversized_uploads_are_refused(
    world: Any, submit: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    response, code = submit(
        files=[SimpleUploadedFile("x.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg")]
    )
    assert code == "" and "只能上传照片" in response.content.decode()
    big = b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 1024 * 1024 + 1)
    response, code = submit(files=[SimpleUploadedFile("big.jpg", big, "image/jpeg")])
    assert code == "" and "10 MB" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_scripts_in_text_are_shown_as_text(world: Any, submit: Any, client_for: Any) -> None:
    submit(description="<script>alert('x')</script> 河道排污，水体发黑发臭。")
    c = Complaint.objects.get()
    html = client_for("county_a", "complaint_handler").get(f"/complaints/{c.pk}/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_invalid_division_code_is_refused(world: Any, submit: Any) -> None:
    response, code = submit(division_code="999999")
    assert code == "" and response.status_code == 400
    assert IntakeHit.objects.exists() and Complaint.objects.filter(status=Status.RECEIVED).count() == 0
