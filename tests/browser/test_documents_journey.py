"""Documents in headless Chromium: a team leader opens an issued penalty decision, downloads its PDF,
and a member of the public (no login) checks it on the verification page — the QR address confirms
it, the downloaded file matches, the same file with one byte changed is rejected; after the leader
revokes it, the public page says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ecoenforce.documents.samples import SAMPLES
from ecoenforce.documents.services import document_issue

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path, live_server: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PUBLIC_BASE_URL = live_server.url


def test_public_checks_a_decision_and_sees_it_revoked(committed_world: Any, login: Any, live_server: Any,
                                                      browser: Any, tmp_path: Path) -> None:
    w = committed_world
    doc = document_issue(kind="penalty_decision", context=SAMPLES["penalty_decision"],
                         unit=w.units["county_a"], by=w.user("county_a", "officer"),
                         subject_type="cases.case", subject_id="1")
    page = login(w.user("county_a", "team_leader"))
    page.goto(f"{live_server.url}/documents/{doc.pk}/")
    assert doc.grouped_code in page.inner_text("main")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载PDF").click()
    pdf = tmp_path / "decision.pdf"
    info.value.save_as(pdf)

    public = browser.new_context().new_page()  # no session: a member of the public
    public.goto(f"{live_server.url}/public/verify/{doc.code}/")  # where the QR code leads
    result = public.inner_text("#result")
    assert "该文书由执法机关出具" in result and "固安县生态环境综合执法大队" in result
    assert SAMPLES["penalty_decision"]["party_name"] not in public.content()

    public.set_input_files("input[name=file]", str(pdf))
    public.get_by_role("button", name="核验").click()
    assert "文件与出具时完全一致" in public.inner_text("#result")

    changed = bytearray(pdf.read_bytes())
    changed[len(changed) // 3] ^= 0x01
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(bytes(changed))
    public.set_input_files("input[name=file]", str(forged))
    public.get_by_role("button", name="核验").click()
    # the code from the QR address is still in the form: the document is named, the file refused
    assert "文件内容与出具时不一致" in public.inner_text("#result")

    page.fill("textarea[name=reason]", "处罚金额计算有误，依法撤销")
    page.get_by_role("button", name="撤销").click()
    assert "文书已撤销" in page.inner_text("main")
    public.goto(f"{live_server.url}/public/verify/{doc.code}/")
    assert "该文书已被撤销" in public.inner_text("#result")
