"""The public verification page: anyone, no login; the right file is confirmed, a changed byte is
not, a random code is not found, guessing is slowed down, and no personal data is shown."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ecoenforce.documents import codes
from ecoenforce.documents.models import VerifyAttempt
from ecoenforce.documents.samples import SAMPLES
from ecoenforce.documents.services import document_revoke

pytestmark = pytest.mark.django_db
URL = "/public/verify/"
PERSONAL = (SAMPLES["penalty_decision"]["party_name"], "张某", "91131000000000001X", "王某", "纬三路8号")


@pytest.fixture
def decision(issue: Any) -> Any:
    return issue("penalty_decision")


def _pdf(doc: Any) -> bytes:
    with default_storage.open(doc.pdf.name, "rb") as fh:
        return fh.read()


def _upload(data: bytes, name: str = "决定书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _no_personal_data(html: str) -> None:
    for value in PERSONAL:
        assert value not in html


def test_the_page_opens_without_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 200 and "执法文书核验" in response.content.decode()


def test_the_qr_address_shows_issuer_kind_time_and_validity(decision: Any) -> None:
    response = Client().get(reverse("verify:code", args=[decision.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "该文书由执法机关出具" in html and "行政处罚决定书" in html and "廊环罚〔2026〕12号" in html
    assert "固安县生态环境综合执法大队" in html and "有效" in html
    _no_personal_data(html)


def test_a_typed_code_is_forgiving(decision: Any) -> None:
    typed = codes.grouped(decision.code).lower().replace("-", " ")
    html = Client().post(URL, {"code": typed}).content.decode()
    assert "该文书由执法机关出具" in html


def test_the_issued_pdf_is_confirmed_byte_for_byte(decision: Any) -> None:
    html = Client().post(URL, {"file": _upload(_pdf(decision))}).content.decode()
    assert "文件与出具时完全一致" in html and "一致（PDF文件的SM3摘要与出具时相同）" in html
    _no_personal_data(html)


def test_the_docx_is_confirmed_too(decision: Any) -> None:
    with default_storage.open(decision.docx.name, "rb") as fh:
        data = fh.read()
    html = Client().post(URL, {"file": _upload(data, "决定书.docx")}).content.decode()
    assert "一致（DOCX文件的SM3摘要与出具时相同）" in html


def test_one_byte_changed_is_rejected(decision: Any) -> None:
    data = bytearray(_pdf(decision))
    data[len(data) // 2] ^= 0x01
    html = Client().post(URL, {"file": _upload(bytes(data))}).content.decode()
    assert "未找到该文书" in html and "文件可能被修改过" in html
    # with its code typed, the document is named but the file is said to differ
    html = Client().post(URL, {"file": _upload(bytes(data)), "code": decision.code}).content.decode()
    assert "文件内容与出具时不一致" in html and "不一致：上传的文件与出具时的文件不同" in html


def test_a_random_code_is_not_found(decision: Any) -> None:
    for text in (codes.new_code(), "not-a-code", "' OR 1=1 --", "<script>alert(1)</script>"):
        response = Client().post(URL, {"code": text})
        assert response.status_code == 200
        assert "没有与该核验码对应的文书" in response.content.decode()
        assert "<script>alert" not in response.content.decode()
    response = Client().post(URL, {"code": "\x00" * 5})
    assert response.status_code == 422 and "is-invalid" in response.content.decode()
    assert Client().get(URL + "%00%00/").status_code == 200  # a NUL in the address is simply not found


def test_an_empty_form_gets_a_chinese_error() -> None:
    response = Client().post(URL, {})
    assert response.status_code == 422 and "请输入核验码或上传文书文件" in response.content.decode()


def test_a_revoked_document_says_so(decision: Any, world: Any) -> None:
    document_revoke(doc=decision, reason="当事人名称错误，重新出具", by=world.user("county_a", "team_leader"))
    html = Client().get(reverse("verify:code", args=[decision.code])).content.decode()
    assert "该文书已被撤销" in html and "重新出具" not in html  # the reason is internal


def test_guessing_is_rate_limited_per_client(decision: Any, settings: Any) -> None:
    settings.DOCUMENT_VERIFY_MISSES = 3
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert guesser.post(URL, {"code": codes.new_code()}).status_code == 200
    blocked = guesser.post(URL, {"code": decision.code})
    assert blocked.status_code == 429 and "核验失败次数过多" in blocked.content.decode()
    assert guesser.get(reverse("verify:code", args=[decision.code])).status_code == 429
    # another client is not affected, and the address itself is not stored
    other = Client(REMOTE_ADDR="198.51.100.7").get(reverse("verify:code", args=[decision.code]))
    assert other.status_code == 200
    assert not VerifyAttempt.objects.filter(client__contains="203.0.113.9").exists()


def test_an_oversized_upload_is_refused(settings: Any) -> None:
    from ecoenforce.documents import public_views

    big = _upload(b"%PDF" + b"0" * (public_views.MAX_UPLOAD + 1))
    response = Client().post(URL, {"file": big})
    assert response.status_code == 422 and "文件过大" in response.content.decode()
