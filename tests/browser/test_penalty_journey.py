"""Issue 3's journey in headless Chromium: an officer computes a penalty in the calculator and
prints the derivation (a real print: the page rendered to PDF with the print stylesheet)."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from ecoenforce.penalty.models import DecidedPenalty

pytestmark = pytest.mark.browser

# 广东 §3.4.1 超标排放大气 (大气法 第九十九条第二项), worked by hand from the facts file's table:
# 起点 10% + 超标因子2个 3 + B类 8 + 限批区或人居环境敏感区 3 + 一般期间 0 + 3–8倍 8 + 近二年2次 4 = 36%
# 36% × 法定最高 1,000,000 元 = 360,000 元 (inside 10万–100万, no clamp).
LEVELS = {
    "exceed_count": "two",
    "pollutant": "class_b",
    "area": "restricted",
    "period": "ordinary",
    "exceed_degree": "d2",
    "repeat": "twice",
}


def test_officer_computes_a_penalty_and_prints_the_derivation(
    committed_world: Any, login: Any, live_server: Any, tmp_path: Any
) -> None:
    page = login(committed_world.user("county_a", "officer"))
    page.goto(f"{live_server.url}/catalog/penalty/?item=AIR-99-2&rule_set=GD-2022&act_date=2026-06-01")
    for factor, level in LEVELS.items():
        page.select_option(f"select[name=level__{factor}]", level)
    page.get_by_role("button", name="计算").click()
    page.wait_for_selector("#penalty-result")

    assert page.locator("#result-amount").inner_text().strip().startswith("360,000")
    assert "叁拾陆万" in page.locator("#result-words").inner_text()
    steps = page.locator("#steps-table").inner_text()
    assert "第六条" in steps  # the weighted-accumulation rule of the Guangdong discretion rules
    assert "36" in steps

    page.emulate_media(media="print")
    assert page.locator("#steps-table").is_visible()
    assert not page.locator("#penalty-form .penalty-inputs").is_visible()  # inputs are not printed
    pdf = tmp_path / "计算单.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "罚款计算单" in text and "360,000" in text
    # text extraction passes even when glyphs are drawn as empty boxes (STACK-NOTES); Chromium embeds
    # CJK glyphs as unnamed Type 3 fonts, so check the machine resolves Chinese to a CJK font instead
    match = subprocess.run(["fc-match", ":lang=zh-cn"], capture_output=True, text=True, check=True).stdout
    assert "CJK" in match, match
    assert not DecidedPenalty.objects.exists()  # computing and printing record nothing


def test_officer_sees_both_laws_for_an_act_before_the_code_and_prints_the_choice(
    committed_world: Any, login: Any, live_server: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    """Issue 6: 未批先建 (报告书) committed 2026-07-01, decided today (after the Code took effect on
    2026-08-15).  总投资 1亿 元, 一般 (no local rule set, national generic rule):
    old 环评法第三十一条第一款 1%–5% → 100万–500万, middle 3% = 3,000,000 元;
    法典第一千零九十五条 (报告书) 20万–100万, middle 600,000 元 → lighter → the Code applies
    (第三十七条但书)."""
    import datetime as dt
    from pathlib import Path

    from ecoenforce.catalog.services import STARTER_CATALOG
    from ecoenforce.penalty import catalog_items

    fixture = Path(__file__).parent.parent / "penalty" / "data" / "code_catalog_fixture.yaml"
    monkeypatch.setattr(catalog_items, "catalog_files",
                        lambda: [(STARTER_CATALOG, None), (fixture, dt.date(2026, 8, 15))])
    catalog_items._file_catalogs.cache_clear()
    try:
        page = login(committed_world.user("county_a", "officer"))
        page.goto(f"{live_server.url}/catalog/penalty/?item=CODE-1095-1&rule_set=&act_date=2026-07-01")
        page.fill("input[name=base__total_investment]", "100000000")
        page.select_option("select[name=grade]", "general")
        page.get_by_role("button", name="计算").click()
        page.wait_for_selector("#penalty-result")

        assert page.locator("#result-amount").inner_text().strip().startswith("600,000")
        sides = page.locator("#law-sides").inner_text()
        assert "违法行为发生时（2026-07-01）" in sides and "3,000,000" in sides
        assert "作出处罚决定时" in sides and "第一千零九十五条" in sides and "第三十一条第一款" in sides
        assert "第一千零九十五条" in page.locator("#applied-law").inner_text()
        assert "新的规定处罚较轻" in page.locator("#law-ground").inner_text()

        page.emulate_media(media="print")
        pdf = tmp_path / "计算单.pdf"
        page.pdf(path=str(pdf), format="A4")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "从旧兼从轻" in text and "600,000" in text and "3,000,000" in text
        assert not DecidedPenalty.objects.exists()
    finally:
        catalog_items._file_catalogs.cache_clear()
