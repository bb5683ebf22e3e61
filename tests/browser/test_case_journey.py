"""Issue 7's journey in headless Chromium: lead → filed → investigated with an uploaded photo → advance
notice → hearing requested and held → legal review → collective deliberation → decision → served →
paid late (late fee right) → instant review → closed → archived; then the audit chain verifies.
Then the case's documents: the DOCX opens, the PDF shows Chinese text (a page rendered to PNG is not
blank), and the public portal confirms the decision through its QR address and rejects the same PDF
with one byte changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from ecoenforce.cases.models import Case
from tests.cases.helpers import PNG, make_entity
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any, live_server: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PUBLIC_BASE_URL = live_server.url


def _at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0)).astimezone(), tick=True)


def _step(page: Any, url: str, case: Case, label: str, fill: dict[str, str] | None = None) -> None:
    page.goto(f"{url}/cases/{case.pk}/")
    page.get_by_role("link", name=label, exact=True).click()
    for selector, value in (fill or {}).items():
        if selector.startswith("check:"):
            page.check(selector[6:])
        elif selector.startswith("select:"):
            page.select_option(selector[7:], value)
        else:
            page.fill(selector, value)
    page.get_by_role("button", name=f"确认：{label}", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "已办理" in page.content(), page.content()[:3000]


def test_whole_procedure_in_the_browser(
    committed_world: Any, login: Any, live_server: Any, page: Any, tmp_path: Any
) -> None:
    from ecoenforce.catalog.services import catalog_load_starter

    w, url = committed_world, live_server.url

    browser_page = page
    page.set_default_timeout(120_000)  # a long journey on a shared, busy machine

    def login_as(user: Any) -> Any:
        browser_page.context.clear_cookies()
        return login(user)

    catalog_load_starter(unit=w.units["city"], effective_from=dt.date(2020, 1, 1))
    officer, leader = w.user("county_a", "officer"), w.user("county_a", "team_leader")
    head, legal = w.user("county_a", "bureau_head"), w.user("county_a", "legal_reviewer")
    officer2 = make_user("county_a_officer2", w.units["county_a"], "officer")
    entity = make_entity(w.units["county_a"], 4242, by=officer)
    t0 = dt.date.today()

    page = login_as(officer)
    page.goto(f"{url}/cases/leads/new/")
    page.fill("#id_uscc", entity.uscc)
    page.fill("#id_summary", "群众反映雨水排口排放黄色废水")
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_title", "超标排放大气污染物案")
    page.fill("#id_act_date", "2026-06-01")  # before the Code repealed the air law the item cites
    page.select_option("#id_items", ["AIR-99-2"])
    page.select_option("#id_officers", [str(officer.pk), str(officer2.pk)])
    page.get_by_role("button", name="登记立案", exact=True).click()
    page.wait_for_load_state("networkidle")
    case = Case.objects.get(entity=entity)
    assert "待立案审批" in page.content()

    page = login_as(leader)
    _step(page, url, case, "批准立案")
    case.refresh_from_db()
    assert case.number.startswith("固环罚〔")

    page = login_as(officer)
    page.goto(f"{url}/cases/{case.pk}/")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    page.set_input_files("#id_file", str(photo))
    page.fill("#id_description", "雨水排口黄色废水")
    page.get_by_role("button", name="上传证据", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "证据已上传" in page.content() and "现场照片.png" in page.content()
    _step(
        page, url, case, "提交调查终结报告", {"#id_report": "经查，该公司颗粒物排放浓度超过排放标准1.5倍。"}
    )

    page = login_as(leader)
    _step(page, url, case, "案件审查通过")
    page = login_as(officer)
    _step(page, url, case, "送达事先告知书")
    _step(page, url, case, "登记当事人听证申请")
    hearing_day = t0 + dt.timedelta(days=21)
    page = login_as(leader)
    _step(
        page,
        url,
        case,
        "送达听证通知书",
        {"#id_hearing_date": hearing_day.isoformat(), "select:#id_presiding": str(legal.pk)},
    )

    with _at(hearing_day):
        page = login_as(legal)
        _step(page, url, case, "举行听证并形成听证报告", {"#id_report": "当事人对事实无异议，请求从轻。"})
        _step(
            page, url, case, "法制审核通过", {"#id_opinion": "事实清楚，证据确凿，程序合法，适用依据正确。"}
        )
        page = login_as(head)
        _step(
            page,
            url,
            case,
            "集体讨论决定",
            {"#id_participants": "局长、副局长、法制科科长", "#id_conclusion": "同意"},
        )
        _step(page, url, case, "作出决定")
        page = login_as(officer)
        _step(page, url, case, "送达决定书")
    case.refresh_from_db()
    assert case.decided_amount == Decimal("550000.00") and case.served_on == hearing_day
    due = case.deadlines.get(clock="payment").due_on

    late = due + dt.timedelta(days=3)
    with _at(late):
        page = login_as(officer)
        page.goto(f"{url}/cases/{case.pk}/")
        page.fill("#id_amount", "550000")
        page.fill("#id_paid_on", late.isoformat())
        page.fill("#id_receipt_no", "FK-2026-001")
        page.get_by_role("button", name="登记缴款", exact=True).click()
        page.wait_for_load_state("networkidle")
        # 加处罚款: 3% × 550,000 × 3 days = 49,500 (《行政处罚法》第七十二条)
        assert page.locator("#outstanding").inner_text() == "49500.00"
        page.select_option("#id_pkind", "late_fee")
        page.fill("#id_amount", "49500")
        page.fill("#id_paid_on", late.isoformat())
        page.fill("#id_receipt_no", "FK-2026-002")
        page.get_by_role("button", name="登记缴款", exact=True).click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#outstanding").inner_text() == "0.00"
        page.get_by_role("button", name="在执法公示栏公开（自动隐去个人信息）", exact=True).click()
        page.wait_for_load_state("networkidle")
        _step(page, url, case, "执行完毕")
        page = login_as(leader)
        _step(page, url, case, "结案（即办即审）")
        _step(page, url, case, "归档")
        assert "已归档" in page.locator("#case-state").inner_text()
    case.refresh_from_db()
    assert case.state == "archived" and len(case.manifest_digest) == 64
    call_command("audit_verify")  # exits non-zero (SystemExit) when the chain is broken
    _check_documents(case, browser_page, url, tmp_path)


def _check_documents(case: Case, page: Any, url: str, tmp_path: Any) -> None:
    import io
    import subprocess

    import docx
    from django.core.files.storage import default_storage
    from PIL import Image

    from ecoenforce.documents.models import CaseFile, IssuedDocument

    docs = IssuedDocument.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
    kinds = set(docs.values_list("kind", flat=True))
    assert {
        "filing_approval",
        "advance_notice",
        "hearing_notice",
        "penalty_decision",
        "service_receipt",
    } <= kinds
    assert CaseFile.objects.get(subject_id=str(case.pk)).frozen_at is not None
    decision = docs.get(kind="penalty_decision")
    with default_storage.open(decision.docx.name) as f:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(f.read())).paragraphs)
    assert case.entity.name in text or "行政处罚决定书" in text
    with default_storage.open(decision.pdf.name) as f:
        pdf_bytes = f.read()
    pdf = tmp_path / "decision.pdf"
    pdf.write_bytes(pdf_bytes)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
    )
    png = next(tmp_path.glob("p*.png"))
    extrema = Image.open(png).convert("L").getextrema()
    assert extrema[0] < 100 < extrema[1], extrema  # ink on paper, not a blank page
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "行政处罚决定书" in words
    page.context.clear_cookies()
    page.goto(f"{url}/public/verify/{decision.code}/")
    assert "该文书由执法机关出具" in page.inner_text("#result")
    page.set_input_files("input[name=file]", str(pdf))
    page.get_by_role("button", name="核验", exact=True).click()
    assert "文件与出具时完全一致" in page.inner_text("#result")
    changed = bytearray(pdf_bytes)
    changed[len(changed) // 3] ^= 0x01
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(bytes(changed))
    page.set_input_files("input[name=file]", str(forged))
    page.get_by_role("button", name="核验", exact=True).click()
    assert "文件内容与出具时不一致" in page.inner_text("#result")
