"""从旧兼从轻 (行政处罚法第三十七条) on hand-worked cases, with a Code catalog fixture.

Old law: the starter catalog (环评法第三十一条第一款: 总投资额 1%–5%; 大气法第九十九条: 10万–100万).
New law from 2026-08-15 (fixture in the shape of the Code catalog): 法典第一千零九十五条 (报告书 20万–100万,
报告表 10万–50万) naming EIA-31-1 as predecessor; 第一千一百零七条 (10万–100万) naming AIR-99-2.
No local rule set (rule_set ''): the national generic rule, 一般 = the middle of the range / multiple.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from ecoenforce.catalog.services import STARTER_CATALOG
from ecoenforce.penalty import catalog_items, services

FIXTURE = Path(__file__).parent / "data" / "code_catalog_fixture.yaml"
TODAY = dt.date(2026, 12, 1)
GENERAL = {"grade": "general"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def code_catalog(monkeypatch):
    monkeypatch.setattr(catalog_items, "catalog_files",
                        lambda: [(STARTER_CATALOG, None), (FIXTURE, dt.date(2026, 8, 15))])
    catalog_items._file_catalogs.cache_clear()
    yield
    catalog_items._file_catalogs.cache_clear()


def _compute(code: str, facts: dict, act: str, end: str | None = None, decision: str = "2026-12-01"):
    return services.compute(unit=None, item_code=code, facts=facts, act_date=act, act_end_date=end,
                            decision_date=decision, rule_set="", today=TODAY)


def test_code_heavier_keeps_the_old_law() -> None:
    # 总投资 1000万: old 1%–5% = 10万–50万, 一般 3% = 30万; Code 报告书 20万–100万, 一般 60万 → heavier
    comp = _compute("CODE-1095-1", {**GENERAL, "bases": {"total_investment": "10000000"}}, "2026-07-01")
    t = comp.transition
    assert t.compared and t.verdict == "heavier" and t.applied == "act"
    assert comp.item.code == "EIA-31-1" and comp.amount == Decimal("300000")
    assert (comp.statutory_min, comp.statutory_max) == (Decimal("100000"), Decimal("500000"))
    assert comp.applied_law == "《中华人民共和国环境影响评价法》"
    assert comp.applied_article == "第三十一条第一款"
    assert t.decision is not None and t.decision.result.amount == Decimal("600000")
    descriptions = [s.description for s in comp.steps]
    assert any("违法行为发生时（2026-07-01）" in d and "300,000元" in d for d in descriptions)
    assert any("作出处罚决定时（2026-12-01）" in d and "600,000元" in d for d in descriptions)
    assert "新的规定处罚较重" in t.ground and "第三十一条第一款" in t.ground


def test_code_lighter_applies_the_code() -> None:
    # 总投资 1亿: old 100万–500万, 一般 300万; Code 报告书 20万–100万, 一般 60万 → lighter → Code
    comp = _compute("CODE-1095-1", {**GENERAL, "bases": {"total_investment": "100000000"}}, "2026-07-01")
    assert comp.transition.verdict == "lighter" and comp.transition.applied == "decision"
    assert comp.item.code == "CODE-1095-1" and comp.amount == Decimal("600000")
    assert comp.applied_law == "《中华人民共和国生态环境法典》" and comp.applied_article == "第一千零九十五条"
    assert "新的规定处罚较轻" in comp.transition.ground
    assert any("环境影响评价法》已废止（自2026-08-15起" in n for n in comp.law_notes)


def test_same_range_keeps_the_old_law() -> None:
    comp = _compute("AIR-99-2", GENERAL, "2026-06-01")
    assert comp.transition.verdict == "same" and comp.item.code == "AIR-99-2"
    assert comp.amount == Decimal("550000")
    assert comp.applied_article == "第九十九条第（二）项"


def test_act_after_the_code_uses_the_code_only() -> None:
    comp = _compute("CODE-1107-0", GENERAL, "2026-09-01")
    assert not comp.transition.compared and comp.item.code == "CODE-1107-0"
    assert comp.applied_law == "《中华人民共和国生态环境法典》" and comp.amount == Decimal("550000")
    # the old code is followed to its successor, and the repealed law is never applied
    comp = _compute("AIR-99-2", GENERAL, "2026-09-01")
    assert comp.item.code == "CODE-1107-0"
    assert not any("大气污染防治法》有效" in n for n in comp.law_notes)


def test_continuing_act_takes_the_law_at_its_end() -> None:
    # started under the old law, continued past 2026-08-15: the Code is the act-time law
    facts = {**GENERAL, "bases": {"total_investment": "10000000"}}
    comp = _compute("CODE-1095-1", facts, "2026-07-01", end="2026-09-10")
    assert not comp.transition.compared and comp.item.code == "CODE-1095-1"
    assert comp.amount == Decimal("600000")
    ended_before = _compute("CODE-1095-1", facts, "2026-07-01", end="2026-08-14")
    assert ended_before.item.code == "EIA-31-1" and ended_before.amount == Decimal("300000")


def test_ambiguous_old_code_asks_for_the_new_one() -> None:
    with pytest.raises(ValidationError) as exc:
        _compute("EIA-31-1", {**GENERAL, "bases": {"total_investment": "1"}}, "2026-09-01")
    assert "CODE-1095-1" in exc.value.message_dict["item_code"][0]


@pytest.mark.parametrize(
    ("act", "end", "decision", "field", "words"),
    [
        ("2027-01-01", None, None, "act_date", "不能晚于今天"),
        ("1989-12-31", None, None, "act_date", "不能早于1990年1月1日"),
        ("2026-07-01", "2026-06-30", None, "act_end_date", "不能早于违法行为发生日期"),
        ("2026-07-01", None, "2026-06-30", "decision_date", "不能早于违法行为发生日期"),
        ("2026-07-01", "2026-08-01", "2026-07-15", "decision_date", "不能早于连续或者继续状态的终了日期"),
        ("2026-7-1x", None, None, "act_date", "日期格式应为 YYYY-MM-DD"),
        (20260701, None, None, "act_date", "日期格式应为 YYYY-MM-DD"),
    ],
)
def test_bad_dates_refused(act, end, decision, field, words) -> None:
    with pytest.raises(ValidationError) as exc:
        services.compute(unit=None, item_code="AIR-99-2", facts=GENERAL, act_date=act, act_end_date=end,
                         decision_date=decision, rule_set="", today=TODAY)
    assert any(words in m for m in exc.value.message_dict[field]), exc.value.message_dict


def test_item_at_neither_date_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        _compute("AIR-999-9", GENERAL, "2026-06-01")
    assert "都不存在" in exc.value.message_dict["item_code"][0]


def test_new_offence_not_punished_before_the_code() -> None:
    # a Code item without predecessor was not punishable before 2026-08-15 (法不溯及既往)
    new = catalog_items._file_catalogs()[-1]
    rows = tuple({**r, "predecessors": None} if r["code"] == "CODE-1107-0" else r for r in new.rows)
    object.__setattr__(new, "rows", rows)
    with pytest.raises(ValidationError) as exc:
        _compute("CODE-1107-0", GENERAL, "2026-06-01")
    assert "不得给予行政处罚" in exc.value.message_dict["item_code"][0]
