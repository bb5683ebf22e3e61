"""Structural and legal-consistency checks for the starter enforcement catalog (执法事项起步清单).

Pure tests: no Django. They parse src/ecoenforce/catalog/data/starter_catalog.yaml and check shape, codes,
sanction sanity, and that every statutory range written in `sanction` literally appears in the quoted
statute text (so a range typed wrong — 十万 for 二十万, 1% for 5% — fails here).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

CATALOG_PATH = (
    Path(__file__).resolve().parents[2] / "src" / "ecoenforce" / "catalog" / "data" / "starter_catalog.yaml"
)

POWER_TYPES = {"行政处罚", "行政强制", "行政检查", "其他"}
CATEGORIES = {"综合", "大气", "水", "固体废物", "噪声", "土壤", "环评", "排污许可", "自动监测", "辐射"}
FIRST_LEVELS = {"省级", "设区的市", "县级", "乡镇"}
BASIS_KINDS = {"违法条款", "处罚条款", "职权条款", "程序条款", "按日处罚条款"}
SANCTION_KINDS = {"amount", "multiple", "warning_only", "none"}
BASES = {"total_investment", "illegal_gains", "goods_value", "fee_owed", "treatment_cost", "original_fine"}
CODE_RE = re.compile(r"^([A-Z]+)-(\d+)-(\d+)$")
FIXED_CODES = ("EIA-31-1", "AIR-99-1", "AIR-99-2", "AIR-99-3", "PERMIT-34-1")


# ----------------------------------------------------------------------------- numeral helpers

_DIGITS = "零一二三四五六七八九"


def cn_int(n: int) -> str:
    """1..9999 as written in statutes: 十, 二十, 一百, 一百零五, 五千 (no leading 一 before 十)."""
    if not 0 < n < 10000:
        raise ValueError(n)
    parts: list[str] = []
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = (n // unit_value) % 10
        if d == 0:
            if parts:
                zero_pending = True
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        if unit == "十" and d == 1 and not parts:
            parts.append("十")
        else:
            parts.append(_DIGITS[d] + unit)
    return "".join(parts)


def cn_amount(yuan: int) -> str:
    """Integer yuan as the Chinese numeral used in statutes: 十万元, 二十万元, 一百万元, 五千元, 二万元."""
    if yuan <= 0:
        raise ValueError(yuan)
    wan, rest = divmod(yuan, 10000)
    if wan == 0:
        return cn_int(rest) + "元"
    if wan >= 10000:
        raise ValueError(yuan)
    if rest == 0:
        return cn_int(wan) + "万元"
    return cn_int(wan) + "万" + ("零" if rest < 1000 else "") + cn_int(rest) + "元"


def arabic_amount(yuan: int) -> str:
    """The Arabic style used by 国务院 regulations (排污许可管理条例): 20万元, 5千元."""
    if yuan % 10000 == 0:
        return f"{yuan // 10000}万元"
    if yuan < 10000 and yuan % 1000 == 0:
        return f"{yuan // 1000}千元"
    return f"{yuan}元"


def cn_rate(rate: float) -> str:
    """0.01 -> 百分之一, 0.03 -> 百分之三, 1 -> 一倍, 3 -> 三倍."""
    if rate >= 1:
        if rate != int(rate):
            raise ValueError(rate)
        return cn_int(int(rate)) + "倍"
    pct = round(rate * 100)
    if abs(pct - rate * 100) > 1e-9 or pct <= 0:
        raise ValueError(rate)
    return "百分之" + cn_int(pct)


def arabic_rate(rate: float) -> str:
    return f"{int(rate)}倍" if rate >= 1 else f"{round(rate * 100)}%"


def range_phrases(kind: str, lo, hi) -> list[str]:
    """The phrases that must appear in the statute for a given range, in both numeral styles."""
    renderers = [(cn_amount, arabic_amount)] if kind == "amount" else [(cn_rate, arabic_rate)]
    out = []
    for render_cn, render_ar in renderers:
        for render in (render_cn, render_ar):
            if lo is not None and hi is not None and lo == hi:
                out.append(render(lo))
            elif lo is not None and hi is not None:
                out.append(f"{render(lo)}以上{render(hi)}以下")
            elif hi is not None:
                out.append(f"{render(hi)}以下")
            elif lo is not None:
                out.append(f"{render(lo)}以上")
    return out


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _fast_settings() -> None:
    """Shadow tests/conftest.py's autouse Django-settings fixture: these tests are pure and must also run
    with ``-p no:django`` (where pytest-django's ``settings`` fixture does not exist)."""


@pytest.fixture(scope="module")
def catalog() -> dict:
    with CATALOG_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def items(catalog) -> list[dict]:
    return catalog["items"]


def _penalty_text(item: dict) -> str:
    """The text that sets the sanction: 处罚条款, or 职权条款 for coercive measures such as 加处罚款."""
    return "\n".join(b["text"] for b in item["legal_basis"] if b["kind"] in {"处罚条款", "职权条款"})


# ----------------------------------------------------------------------------- helper self-tests


@pytest.mark.parametrize(
    ("yuan", "expected"),
    [
        (100000, "十万元"),
        (200000, "二十万元"),
        (1000000, "一百万元"),
        (5000000, "五百万元"),
        (2000000, "二百万元"),
        (500000, "五十万元"),
        (5000, "五千元"),
        (2000, "二千元"),
        (20000, "二万元"),
        (500, "五百元"),
        (15000, "一万五千元"),
        (10500, "一万零五百元"),
    ],
)
def test_cn_amount(yuan, expected):
    assert cn_amount(yuan) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "一"), (10, "十"), (15, "十五"), (20, "二十"), (105, "一百零五"), (110, "一百一十")],
)
def test_cn_int(n, expected):
    assert cn_int(n) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(0.01, "百分之一"), (0.05, "百分之五"), (0.03, "百分之三"), (1, "一倍"), (5, "五倍")],
)
def test_cn_rate(rate, expected):
    assert cn_rate(rate) == expected


def test_arabic_amount():
    assert [arabic_amount(x) for x in (200000, 1000000, 5000, 20000)] == [
        "20万元",
        "100万元",
        "5千元",
        "2万元",
    ]


# ----------------------------------------------------------------------------- file-level checks


def test_file_parses_and_has_header(catalog):
    assert catalog["catalog"] == "生态环境保护综合行政执法事项 起步清单"
    assert catalog["version"] == "2026.1"
    assert catalog["compiled_on"] == date(2026, 11, 22)
    assert "LawRefBook/Laws" in catalog["sources_note"]
    assert "生态环境法典" in catalog["legal_status_warning"]


def test_at_least_40_items(items):
    assert len(items) >= 40


def test_laws_are_complete(catalog):
    required = {"EPL", "AIR", "WATER", "EIA", "PERMIT", "SOLID", "NOISE", "SOIL", "RAD", "PUNISH", "FORCE"}
    assert required <= set(catalog["laws"])
    for key, law in catalog["laws"].items():
        assert re.fullmatch(r"[A-Z]+", key), key
        assert law["name"], key
        assert isinstance(law["version_date"], date), key
        assert law["path"].endswith(".md"), key
        assert re.fullmatch(r"[0-9a-f]{40}", law["commit"]), key
        assert isinstance(law["in_force_on_compiled_date"], bool), key
        assert law["kind"] in {"法律", "行政法规"}, key


def test_top_level_rules_cite_known_laws(catalog):
    for rule in ("transition_rule", "overlap_rule"):
        assert catalog[rule]["law"] in catalog["laws"]
        assert catalog[rule]["text"]


# ----------------------------------------------------------------------------- item checks


def test_codes_unique_and_well_formed(items):
    codes = [i["code"] for i in items]
    assert len(codes) == len(set(codes)), [c for c in codes if codes.count(c) > 1]
    for code in codes:
        assert CODE_RE.match(code), code


def test_fixed_codes_exist(items):
    codes = {i["code"] for i in items}
    for code in FIXED_CODES:
        assert code in codes, code


def test_enumerations(items):
    for item in items:
        assert item["power_type"] in POWER_TYPES, item["code"]
        assert item["category"] in CATEGORIES, item["code"]
        assert item["first_level"] in FIRST_LEVELS, item["code"]
        assert isinstance(item["township_delegable"], bool), item["code"]
        assert item["name"] and item["implementing_subject"], item["code"]
        assert isinstance(item["notes"], str), item["code"]


def test_legal_basis_entries(catalog, items):
    for item in items:
        assert item["legal_basis"], item["code"]
        for basis in item["legal_basis"]:
            assert basis["law"] in catalog["laws"], (item["code"], basis["law"])
            assert basis["kind"] in BASIS_KINDS, (item["code"], basis["kind"])
            assert isinstance(basis["article"], int) and basis["article"] > 0, item["code"]
            assert isinstance(basis["clause"], int) and basis["clause"] >= 0, item["code"]
            assert isinstance(basis.get("paragraph", 1), int) and basis.get("paragraph", 1) >= 1, item["code"]
            text = basis["text"]
            assert isinstance(text, str) and len(text) >= 10, item["code"]
            assert "verbatim" not in text and "..." not in text, item["code"]


def test_code_matches_a_cited_article(items):
    """`code`'s law/article must be cited; its third part must be that article's 项 or 款 (or 0)."""
    for item in items:
        law, article, n = CODE_RE.match(item["code"]).groups()
        article, n = int(article), int(n)
        cited = [b for b in item["legal_basis"] if b["law"] == law and b["article"] == article]
        assert cited, f"{item['code']}: article not cited"
        if n == 0:
            assert any(b["clause"] == 0 for b in cited), item["code"]
        else:
            assert any(b["clause"] == n or (b["clause"] == 0 and b.get("paragraph") == n) for b in cited), (
                item["code"]
            )


def test_penalty_items_have_penalty_article(items):
    for item in items:
        if item["power_type"] == "行政处罚":
            assert any(b["kind"] == "处罚条款" for b in item["legal_basis"]), item["code"]
            assert item["sanction"]["kind"] != "none", item["code"]


def test_non_penalty_items_cite_a_power(items):
    for item in items:
        if item["power_type"] in {"行政强制", "行政检查", "其他"}:
            assert any(b["kind"] == "职权条款" for b in item["legal_basis"]), item["code"]


def _check_range(code: str, kind: str, lo, hi, base=None):
    assert kind in SANCTION_KINDS, code
    for v in (lo, hi):
        assert v is None or (isinstance(v, (int, float)) and v >= 0), code
    if lo is not None and hi is not None:
        assert lo <= hi, code
    if kind == "multiple":
        assert base in BASES, code
        assert lo is not None and hi is not None, code
    elif kind in {"none", "warning_only"}:
        assert lo is None and hi is None, code
    if kind == "amount":
        assert base is None, code
        for v in (lo, hi):
            assert v is None or isinstance(v, int), code


def test_sanction_sanity(items):
    for item in items:
        s = item["sanction"]
        code = item["code"]
        _check_range(code, s["kind"], s["min"], s["max"], s.get("base"))
        assert isinstance(s["warning"], bool), code
        assert isinstance(s["other_measures"], list), code
        assert isinstance(s["daily_penalty"], bool), code
        if s.get("base_floor") is not None:
            assert s["kind"] == "multiple" and s["base"] == "treatment_cost", code
            assert isinstance(s["base_floor"], int) and s["base_floor"] > 0, code
        if s.get("escalation"):
            e = s["escalation"]
            assert e["condition"], code
            _check_range(code, e["kind"], e["min"], e["max"], e.get("base"))
            if e["kind"] == s["kind"] == "amount" and s["max"] is not None and e["min"] is not None:
                assert e["min"] >= s["max"], f"{code}: escalation tier must not overlap below the base tier"
        if s.get("persons"):
            p = s["persons"]
            _check_range(code, "amount", p["min"], p["max"])
            assert p["who"], code


def _assert_phrase(code: str, text: str, kind: str, lo, hi, base=None):
    if lo is None and hi is None:
        return
    if kind == "multiple" and base == "original_fine" and lo == hi == 1:
        assert "原处罚数额" in text, code
        return
    phrases = range_phrases(kind, lo, hi)
    assert any(p in text for p in phrases), f"{code}: none of {phrases} found in the cited penalty text"


def test_statute_text_contains_the_ranges(items):
    """min 100000 / max 1000000 => the text must say 十万元以上一百万元以下 (or 10万元以上100万元以下)."""
    for item in items:
        s = item["sanction"]
        code = item["code"]
        text = _penalty_text(item)
        if s["kind"] in {"amount", "multiple"}:
            assert text, code
            _assert_phrase(code, text, s["kind"], s["min"], s["max"], s.get("base"))
        if s.get("base_floor"):
            floor = s["base_floor"]
            assert f"不足{cn_amount(floor)}的，按{cn_amount(floor)}计算" in text, code
        if s.get("escalation"):
            e = s["escalation"]
            _assert_phrase(code, text, e["kind"], e["min"], e["max"], e.get("base"))
        if s.get("persons"):
            _assert_phrase(code, text, "amount", s["persons"]["min"], s["persons"]["max"])


def test_amount_with_no_range_is_explained(items):
    for item in items:
        s = item["sanction"]
        if s["kind"] == "amount" and s["min"] is None and s["max"] is None:
            assert "处以罚款" in _penalty_text(item), item["code"]
            assert "未规定幅度" in item["notes"], item["code"]


def test_daily_penalty_is_cited(items):
    for item in items:
        has_basis = any(b["kind"] == "按日处罚条款" for b in item["legal_basis"])
        assert has_basis == item["sanction"]["daily_penalty"], item["code"]
        for b in item["legal_basis"]:
            if b["kind"] == "按日处罚条款":
                assert "按日连续处罚" in b["text"], item["code"]


def test_repealed_laws_are_marked_in_the_data(catalog):
    """The single-media laws repealed by the 生态环境法典 (2026-08-15) are not in force on the compiled date;
    pages say so from the statute library, not from drafting notes."""
    repealed = {k for k, v in catalog["laws"].items() if not v["in_force_on_compiled_date"]}
    assert {"EPL", "AIR", "WATER", "SOLID", "NOISE", "SOIL", "EIA", "RAD"} <= repealed


DRAFTING_MARKS = ("二手来源", "未核", "UNCONFIRMED", "[T]", "[S]", "LawRefBook", ".md", ".yaml", "回忆",
                  "ecoenforce.", "original_fine", "null")


def test_notes_shown_to_users_hold_no_drafting_marks(items):
    """Drafting notes live in the file's comments; `notes` is shown on pages and the public portal."""
    for item in items:
        assert not [m for m in DRAFTING_MARKS if m in item["notes"]], item["code"]


def test_required_coverage(items):
    by_code = {i["code"]: i for i in items}
    # 水污法第八十三条超标; 排污许可条例第三十三条无证; 大气法第一百条自动监测; 条例第三十九条拒绝检查
    for code in (
        "WATER-83-2",
        "PERMIT-33-1",
        "AIR-100-3",
        "PERMIT-39-0",
        "SOLID-112-3",
        "EPL-24-0",
        "EPL-25-0",
    ):
        assert code in by_code, code
    assert by_code["EPL-24-0"]["power_type"] == "行政检查"
    assert by_code["EPL-25-0"]["power_type"] == "行政强制"
    assert by_code["EPL-60-0"]["power_type"] in {"行政强制", "其他"}
    # obstruction of inspection under at least 大气法 and 水污法
    assert {"AIR-98-0", "WATER-81-0"} <= set(by_code)
    cats = {i["category"] for i in items}
    assert cats == CATEGORIES


def test_fixed_items_values(items):
    by_code = {i["code"]: i for i in items}
    eia = by_code["EIA-31-1"]["sanction"]
    assert (eia["kind"], eia["min"], eia["max"], eia["base"]) == ("multiple", 0.01, 0.05, "total_investment")
    for code in ("AIR-99-1", "AIR-99-2", "AIR-99-3"):
        s = by_code[code]["sanction"]
        assert (s["kind"], s["min"], s["max"], s["daily_penalty"]) == ("amount", 100000, 1000000, True), code
    permit = by_code["PERMIT-34-1"]["sanction"]
    assert (permit["kind"], permit["min"], permit["max"]) == ("amount", 200000, 1000000)
    assert by_code["AIR-100-3"]["sanction"]["min"] == 20000
    assert by_code["AIR-100-3"]["sanction"]["max"] == 200000
