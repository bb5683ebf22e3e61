"""The discretion engine: the Guangdong tables row by row, worked examples per row computed by
hand (each derivation checked step by step), the generic rule, circumstances, apology, 减轻,
warnings, exemptions and every input error."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
import yaml

from ecoenforce.penalty.engine.discretion import (
    BENCHMARKS_DIR,
    UNPROVABLE,
    Apology,
    Decision,
    Grade,
    Mitigation,
    PenaltyFacts,
    PenaltyResult,
    compute_penalty,
    load_rule_set,
)
from ecoenforce.penalty.engine.errors import PenaltyInputError
from ecoenforce.penalty.engine.exemption import (
    EXEMPTIONS_DIR,
    Exceedance,
    ExemptionFacts,
    load_exemption_list,
)
from ecoenforce.penalty.engine.sanction import Sanction, parse_sanction

GD_PATH = BENCHMARKS_DIR / "guangdong.yaml"
GD = load_rule_set(GD_PATH)
EXEMPT = load_exemption_list(EXEMPTIONS_DIR / "guangdong.yaml")

AIR_99 = parse_sanction(
    {
        "kind": "amount",
        "min": 100000,
        "max": 1000000,
        "daily_penalty": True,
        "other_measures": ["责令改正", "限制生产", "停产整治"],
        "serious": "情节严重的，报经有批准权的人民政府批准，责令停业、关闭",
    }
)
PERMIT_34 = parse_sanction(
    {"kind": "amount", "min": 200000, "max": 1000000, "other_measures": ["责令改正", "限制生产", "停产整治"]}
)
EIA_31 = parse_sanction(
    {
        "kind": "multiple",
        "min": 0.01,
        "max": 0.05,
        "base": "total_investment",
        "other_measures": ["责令停止建设", "责令恢复原状"],
    }
)
SANCTIONS = {
    "EIA-31-1": EIA_31,
    "AIR-99-1": AIR_99,
    "AIR-99-2": AIR_99,
    "AIR-99-3": AIR_99,
    "PERMIT-34-1": PERMIT_34,
}

# ------------------------------------------------------------------ the tables, row by row
# Written out from /work/shared/domain/enforcement-rules.md §3.3 (广东裁量表, [T]):
# item → (section, start %, statutory (kind, min, max), target, {factor: [weights in level order]})
EXCEED = {
    "exceed_count": [0, 3, 5],
    "pollutant": [3, 8, 25],
    "area": [0, 3, 15],
    "period": [0, 5, 10],
    "exceed_degree": [2, 8, 10, 21],
    "repeat": [0, 4, 9, 14],
}
FACTS_FILE_TABLES: dict[str, tuple[str, int, tuple[str, str, str], str, dict[str, list[int]]]] = {
    "EIA-31-1": (
        "§1.1",
        20,
        ("multiple", "0.01", "0.05"),
        "base_times_max_rate",
        {
            "eia_category": [0, 5, 10],
            "location": [0, 6, 15],
            "progress": [0, 5, 15],
            "duration": [0, 3, 8, 16],
            "repeat": [0, 3, 8, 19],
            "cooperation": [0, 5],
        },
    ),
    "AIR-99-1": (
        "§3.2.1",
        7,
        ("amount", "100000", "1000000"),
        "statutory_max",
        {
            "permit_class": [0, 15],
            "pollutant": [3, 8, 25],
            "area": [0, 3, 15],
            "period": [0, 5, 10],
            "untreated": [0, 10],
            "repeat": [0, 2, 6, 18],
        },
    ),
    "AIR-99-2": ("§3.4.1", 10, ("amount", "100000", "1000000"), "statutory_max", EXCEED),
    "PERMIT-34-1": ("§3.4.2", 10, ("amount", "200000", "1000000"), "statutory_max", EXCEED),
    "AIR-99-3": (
        "§3.5.1",
        10,
        ("amount", "100000", "1000000"),
        "statutory_max",
        {
            "means": [0, 10, 20, 20],
            "toxic": [0, 19],
            "area": [0, 3, 15],
            "duration": [0, 2, 8, 15],
            "repeat": [0, 2, 7, 16],
            "cooperation": [0, 5],
        },
    ),
}
LEGAL_BASIS = {
    "EIA-31-1": "《环境影响评价法》 第三十一条第一款",
    "AIR-99-1": "《大气污染防治法》 第九十九条第（一）项",
    "AIR-99-2": "《大气污染防治法》 第九十九条第（二）项",
    "AIR-99-3": "《大气污染防治法》 第九十九条第（三）项",
    "PERMIT-34-1": "《排污许可管理条例》 第三十四条第（一）项",
}


def test_raw_yaml_reproduces_the_facts_file_tables() -> None:
    raw = yaml.safe_load(GD_PATH.read_text(encoding="utf-8"))
    assert set(raw["tables"]) == set(FACTS_FILE_TABLES)
    for code, (section, start, statutory, target, factors) in FACTS_FILE_TABLES.items():
        row = raw["tables"][code]
        assert row["section"] == section, code
        assert row["start"] == start, code
        assert row["target"] == target, code
        assert [row["statutory"]["kind"], str(row["statutory"]["min"]), str(row["statutory"]["max"])] == list(
            statutory
        ), code
        assert [f["id"] for f in row["factors"]] == list(factors), code
        for f in row["factors"]:
            assert [lv["weight"] for lv in f["levels"]] == factors[f["id"]], (code, f["id"])


@pytest.mark.parametrize("code", list(FACTS_FILE_TABLES))
def test_loaded_rule_set_reproduces_each_row(code: str) -> None:
    section, start, statutory, target, factors = FACTS_FILE_TABLES[code]
    table = GD.tables[code]
    assert (table.section, table.start, table.target) == (section, Decimal(start), target)
    assert str(table.legal_basis) == LEGAL_BASIS[code]
    assert table.statutory.kind.value == statutory[0]
    assert (table.statutory.min, table.statutory.max) == (Decimal(statutory[1]), Decimal(statutory[2]))
    assert {f.id: [int(lv.weight) for lv in f.levels] for f in table.factors} == factors
    for f in table.factors:  # 第五条: the lowest tier is the least weight
        assert f.lowest_level.weight == min(lv.weight for lv in f.levels)
    assert table.start + sum(f.max_weight for f in table.factors) == 100


def test_only_the_permit_row_has_the_20_percent_floor() -> None:
    rules = {code: t.special_rules for code, t in GD.tables.items()}
    assert [(r.kind, r.below, r.set_to) for r in rules.pop("PERMIT-34-1")] == [("floor", 20, 20)]
    assert all(not r for r in rules.values())


def test_labels_of_levels_given_in_the_facts_file() -> None:
    labels = {lv.id: lv.label for f in GD.tables["AIR-99-3"].factors for lv in f.levels if f.id == "means"}
    assert labels == {
        "partial_abnormal": "部分污染防治设施不正常运行",
        "overall_abnormal": "整体设施不正常运行、临时停产或开启应急排放通道",
        "secret_discharge": "偷排",
        "falsified_data": "篡改、伪造监测数据",
    }
    for code in ("AIR-99-1", "AIR-99-2", "PERMIT-34-1", "AIR-99-3"):  # every air row with area tiers
        area = {lv.label: lv.weight for f in GD.tables[code].factors for lv in f.levels if f.id == "area"}
        assert area == {"一般区域": 0, "限批区或人居环境敏感区": 3, "生态环境敏感区": 15}, code
        repeat = next(f for f in GD.tables[code].factors if f.id == "repeat")
        assert "含本次" in repeat.question


# ------------------------------------------------------------------ helpers


def run(code: str, levels: dict[str, str], **facts: Any) -> PenaltyResult:
    if GD.tables[code].medium is not None:  # §3.4.2: the row shipped is the air table
        facts.setdefault("medium", GD.tables[code].medium.applies_to)
    return compute_penalty(
        item_code=code, sanction=SANCTIONS[code], rule_set=GD, facts=PenaltyFacts(levels=levels, **facts)
    )


def lowest(code: str) -> dict[str, str]:
    return {f.id: f.lowest for f in GD.tables[code].factors}


def rules(result: PenaltyResult) -> list[str]:
    return [s.rule for s in result.steps]


def check_table_derivation(
    result: PenaltyResult, totals: list[int], product: str, final: int, floor: bool = False
) -> None:
    """Running Σ after the start and after each factor, the product, the clamp, the rounding."""
    weights = [s for s in result.steps if s.rule == "裁量起点" or s.rule.startswith("裁量因素")]
    assert [Decimal(s.values["total"]) for s in weights] == [Decimal(t) for t in totals]
    by_medium = ["按污染物类别选择裁量表"] if "按污染物类别选择裁量表" in rules(result) else []
    expected = ["法定处罚幅度", *by_medium, "裁量起点"] + [f"裁量因素 {f}" for f in result_factor_ids(result)]
    expected += ["裁量百分比下限"] if floor else []
    expected += ["权重累加模式", "不得突破法定处罚幅度"]
    assert rules(result)[: len(expected)] == expected
    product_step = next(s for s in result.steps if s.rule == "权重累加模式")
    assert Decimal(product_step.values["amount"]) == Decimal(product)
    assert rules(result)[-1] == "金额取整"
    assert result.steps[-1].values["amount"] == str(final)
    assert result.amount == Decimal(final)
    assert result.decision is Decision.FINE and result.mode == "table"


def result_factor_ids(result: PenaltyResult) -> list[str]:
    return [f.id for f in GD.tables[result.item_code].factors]


# ------------------------------------------------------------------ §1.1 EIA-31-1 (Σ × 总投资 × 5%)


def test_eia_lowest_tiers_give_one_percent_of_investment() -> None:
    # 20% × 10,000,000 × 5% = 100,000 = 1% of investment = statutory minimum
    r = run("EIA-31-1", lowest("EIA-31-1"), bases={"total_investment": "10000000"})
    check_table_derivation(r, [20, 20, 20, 20, 20, 20, 20], "100000", 100000)
    assert (r.statutory_min, r.statutory_max) == (Decimal("100000.00"), Decimal("500000.00"))
    assert r.other_measures == ("责令停止建设", "责令恢复原状")


def test_eia_middle_case() -> None:
    # 20 + 5 + 6 + 5 + 3 + 3 + 0 = 42%; 42% × 10,000,000 × 5% = 210,000
    levels = {
        "eia_category": "report_book",
        "location": "restricted_or_sensitive",
        "progress": "equipment",
        "duration": "m3_6",
        "repeat": "twice",
        "cooperation": "cooperative",
    }
    r = run("EIA-31-1", levels, bases={"total_investment": 10000000})
    check_table_derivation(r, [20, 25, 31, 36, 39, 42, 42], "210000", 210000)


def test_eia_all_highest_tiers_give_five_percent() -> None:
    # 20 + 10 + 15 + 15 + 16 + 19 + 5 = 100% → 500,000 = 5% of investment = statutory maximum
    levels = {
        "eia_category": "report_book_key",
        "location": "water_source_or_redline",
        "progress": "production",
        "duration": "ge_12m",
        "repeat": "four_plus",
        "cooperation": "uncooperative",
    }
    r = run("EIA-31-1", levels, bases={"total_investment": "10000000"})
    check_table_derivation(r, [20, 30, 45, 60, 76, 95, 100], "500000", 500000)


def test_eia_odd_investment_is_rounded_half_up() -> None:
    # 42% × 3,456,789 × 5% = 0.42 × 172,839.45 = 72,592.569 → 72,593 (range 34,567.89–172,839.45)
    levels = {
        "eia_category": "report_book",
        "location": "restricted_or_sensitive",
        "progress": "equipment",
        "duration": "m3_6",
        "repeat": "twice",
        "cooperation": "cooperative",
    }
    r = run("EIA-31-1", levels, bases={"total_investment": "3456789"})
    check_table_derivation(r, [20, 25, 31, 36, 39, 42, 42], "72592.569", 72593)
    assert Decimal(r.steps[-1].values["before"]) == Decimal("72592.569")


def test_eia_unprovable_factor_uses_lowest_tier_citing_article_5() -> None:
    levels = {
        "eia_category": "report_book",
        "location": UNPROVABLE,
        "progress": "equipment",
        "duration": "m3_6",
        "repeat": "twice",
        "cooperation": "cooperative",
    }
    r = run("EIA-31-1", levels, bases={"total_investment": "10000000"})
    check_table_derivation(r, [20, 25, 25, 30, 33, 36, 36], "180000", 180000)
    step = next(s for s in r.steps if s.rule == "裁量因素 location")
    assert "确无法查明，按最低档次计算" in step.description
    assert step.source == "《广东省生态环境行政处罚自由裁量权规定》 第五条"


# ------------------------------------------------------------------ §3.2.1 AIR-99-1 (start 7%)


def test_air_unlicensed_lowest_tiers_reach_exactly_the_minimum() -> None:
    # 7 + 0 + 3 (VOCs is the lowest pollutant tier) + 0 + 0 + 0 + 0 = 10% → 100,000
    r = run("AIR-99-1", lowest("AIR-99-1"))
    check_table_derivation(r, [7, 7, 10, 10, 10, 10, 10], "100000", 100000)
    clamp = next(s for s in r.steps if s.rule == "不得突破法定处罚幅度")
    assert "在法定幅度内" in clamp.description


def test_air_unlicensed_middle_case() -> None:
    # 7 + 15 + 8 + 3 + 0 + 10 + 2 = 45% → 450,000
    levels = {
        "permit_class": "key",
        "pollutant": "class_b",
        "area": "restricted",
        "period": "ordinary",
        "untreated": "untreated",
        "repeat": "twice",
    }
    check_table_derivation(run("AIR-99-1", levels), [7, 22, 30, 33, 33, 43, 45], "450000", 450000)


def test_air_unlicensed_heavy_case() -> None:
    # 7 + 0 + 25 + 15 + 10 + 0 + 18 = 75% → 750,000
    levels = {
        "permit_class": "simplified",
        "pollutant": "class_a",
        "area": "sensitive",
        "period": "pollution_alert",
        "untreated": "treated",
        "repeat": "four_plus",
    }
    check_table_derivation(run("AIR-99-1", levels), [7, 7, 32, 47, 57, 57, 75], "750000", 750000)


def test_air_unlicensed_start_below_minimum_is_clamped() -> None:
    # A rule-set edit that allowed a 0% pollutant tier would give 7% → 70,000 < 100,000: the clamp
    # step raises it to the statutory minimum (facts file §3.3 design check).
    import dataclasses

    table = GD.tables["AIR-99-1"]
    factors = tuple(
        dataclasses.replace(f, levels=(dataclasses.replace(f.levels[0], weight=Decimal(0)), *f.levels[1:]))
        if f.id == "pollutant"
        else f
        for f in table.factors
    )
    rs = dataclasses.replace(GD, tables={"AIR-99-1": dataclasses.replace(table, factors=factors)})
    r = compute_penalty(
        item_code="AIR-99-1", sanction=AIR_99, rule_set=rs, facts=PenaltyFacts(levels=lowest("AIR-99-1"))
    )
    clamp = next(s for s in r.steps if s.rule == "不得突破法定处罚幅度")
    assert clamp.values == {"before": "70000", "min": "100000", "max": "1000000", "amount": "100000"}
    assert "低于法定最低罚款" in clamp.description
    assert r.amount == 100000


# ------------------------------------------------------------------ §3.4.1 AIR-99-2


def test_air_exceedance_lowest() -> None:
    # 10 + 0 + 3 + 0 + 0 + 2 + 0 = 15% → 150,000
    check_table_derivation(
        run("AIR-99-2", lowest("AIR-99-2")), [10, 10, 13, 13, 13, 15, 15], "150000", 150000
    )


def test_air_exceedance_middle() -> None:
    # 10 + 3 + 8 + 3 + 5 + 8 + 4 = 41% → 410,000
    levels = {
        "exceed_count": "two",
        "pollutant": "class_b",
        "area": "restricted",
        "period": "major_event",
        "exceed_degree": "d2",
        "repeat": "twice",
    }
    check_table_derivation(run("AIR-99-2", levels), [10, 13, 21, 24, 29, 37, 41], "410000", 410000)


def test_air_exceedance_highest() -> None:
    # 10 + 5 + 25 + 15 + 10 + 21 + 14 = 100% → 1,000,000
    levels = {
        "exceed_count": "three_plus",
        "pollutant": "class_a",
        "area": "sensitive",
        "period": "pollution_alert",
        "exceed_degree": "d4",
        "repeat": "four_plus",
    }
    check_table_derivation(run("AIR-99-2", levels), [10, 15, 40, 55, 65, 86, 100], "1000000", 1000000)


# ------------------------------------------------------------------ §3.4.2 PERMIT-34-1 (Σ<20% → 20%)


def test_permit_lowest_is_floored_to_20_percent() -> None:
    # 15% < 20% → 20% → 200,000 (= 排污许可条例 minimum)
    r = run("PERMIT-34-1", lowest("PERMIT-34-1"))
    check_table_derivation(r, [10, 10, 13, 13, 13, 15, 15], "200000", 200000, floor=True)
    floor = next(s for s in r.steps if s.rule == "裁量百分比下限")
    assert floor.values == {"before": "15", "total": "20"}
    assert floor.source == "附件1《广东省生态环境违法行为行政处罚罚款金额裁量表》 §3.4.2"


def test_permit_19_percent_is_floored() -> None:
    # 10 + 0 + 3 + 0 + 0 + 2 + 4 = 19% < 20% → 20% → 200,000
    levels = {**lowest("PERMIT-34-1"), "repeat": "twice"}
    check_table_derivation(
        run("PERMIT-34-1", levels), [10, 10, 13, 13, 13, 15, 19], "200000", 200000, floor=True
    )


def test_permit_exactly_20_percent_is_not_floored() -> None:
    # 10 + 0 + 8 + 0 + 0 + 2 + 0 = 20%: "不足20%" is strict, no floor step
    levels = {**lowest("PERMIT-34-1"), "pollutant": "class_b"}
    r = run("PERMIT-34-1", levels)
    check_table_derivation(r, [10, 10, 18, 18, 18, 20, 20], "200000", 200000)
    assert "裁量百分比下限" not in rules(r)


def test_permit_middle() -> None:
    # same factors as AIR-99-2: 41% → 410,000
    levels = {
        "exceed_count": "two",
        "pollutant": "class_b",
        "area": "restricted",
        "period": "major_event",
        "exceed_degree": "d2",
        "repeat": "twice",
    }
    check_table_derivation(run("PERMIT-34-1", levels), [10, 13, 21, 24, 29, 37, 41], "410000", 410000)


# ------------------------------------------------------------------ §3.5.1 AIR-99-3


def test_evasion_lowest() -> None:
    check_table_derivation(run("AIR-99-3", lowest("AIR-99-3")), [10] * 7, "100000", 100000)


def test_evasion_secret_discharge_uncooperative() -> None:
    # 10 + 20 + 0 + 3 + 8 + 2 + 5 = 48% → 480,000
    levels = {
        "means": "secret_discharge",
        "toxic": "non_toxic",
        "area": "restricted",
        "duration": "d5_15",
        "repeat": "twice",
        "cooperation": "uncooperative",
    }
    check_table_derivation(run("AIR-99-3", levels), [10, 30, 30, 33, 41, 43, 48], "480000", 480000)


def test_evasion_falsified_toxic() -> None:
    # 10 + 20 + 19 + 15 + 15 + 7 + 0 = 86% → 860,000
    levels = {
        "means": "falsified_data",
        "toxic": "toxic",
        "area": "sensitive",
        "duration": "ge_15d",
        "repeat": "thrice",
        "cooperation": "cooperative",
    }
    check_table_derivation(run("AIR-99-3", levels), [10, 30, 49, 64, 79, 86, 86], "860000", 860000)


def test_result_carries_the_sanction_extras_and_serialises() -> None:
    r = run("AIR-99-2", lowest("AIR-99-2"))
    assert r.other_measures == ("责令改正", "限制生产", "停产整治")
    assert r.serious == "情节严重的，报经有批准权的人民政府批准，责令停业、关闭"
    assert r.daily_penalty_applicable and r.rule_set_id == "GD-2022"
    data = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
    assert data["amount"] == "150000" and data["decision"] == "fine"
    assert data["unverified"] is True  # the rounding convention is unverified
    assert all(step["source"] for step in data["steps"])


# ------------------------------------------------------------------ circumstances in table mode


def test_mitigating_ground_scales_a_table_result_into_the_lower_half() -> None:
    # 1,000,000 is at position 1 of [100,000, 1,000,000]; × 0.4 → 0.4 → 460,000 < mid 550,000
    levels = {
        "exceed_count": "three_plus",
        "pollutant": "class_a",
        "area": "sensitive",
        "period": "pollution_alert",
        "exceed_degree": "d4",
        "repeat": "four_plus",
    }
    r = run("AIR-99-2", levels, mitigating=frozenset({"eliminated_harm"}))
    assert r.amount == 460000 and r.grade is Grade.LIGHTER
    ground = next(s for s in r.steps if s.rule == "法定从轻、减轻情节")
    assert ground.source == "《行政处罚法》 第三十二条" and "主动消除" in ground.description
    adjust = next(s for s in r.steps if s.rule.startswith("从轻处罚"))
    assert adjust.unverified and adjust.values["amount"] == "460000"


def test_mitigating_ground_on_a_middle_result() -> None:
    # 410,000: position 310,000/900,000; × 0.4 → 124,000 above min → 224,000
    levels = {
        "exceed_count": "two",
        "pollutant": "class_b",
        "area": "restricted",
        "period": "major_event",
        "exceed_degree": "d2",
        "repeat": "twice",
    }
    assert run("AIR-99-2", levels, mitigating=frozenset({"confessed_unknown"})).amount == 224000


def test_heavier_flag_lifts_a_table_result_into_the_upper_half() -> None:
    # 150,000: distance to max 850,000 × 0.4 = 340,000 → 660,000 ≥ mid 550,000
    r = run("AIR-99-2", lowest("AIR-99-2"), heavier=frozenset({"emergency_violation"}))
    assert r.amount == 660000 and r.grade is Grade.HEAVIER
    step = next(s for s in r.steps if s.rule == "从重处罚情节")
    assert "第十条" in step.source and "第四十九条" in step.source


def test_both_directions_need_an_explicit_grade() -> None:
    with pytest.raises(PenaltyInputError, match="明确裁量档次") as err:
        run(
            "AIR-99-2",
            lowest("AIR-99-2"),
            mitigating=frozenset({"coerced"}),
            heavier=frozenset({"emergency_violation"}),
        )
    assert err.value.path == "facts.grade"
    r = run(
        "AIR-99-2",
        lowest("AIR-99-2"),
        mitigating=frozenset({"coerced"}),
        heavier=frozenset({"emergency_violation"}),
        grade=Grade.GENERAL,
    )
    assert r.amount == 150000


# ------------------------------------------------------------------ 公开道歉承诺 (第十四条)

MIDDLE = {
    "exceed_count": "two",
    "pollutant": "class_b",
    "area": "restricted",
    "period": "major_event",
    "exceed_degree": "d2",
    "repeat": "twice",
}


def test_apology_reduces_by_the_chosen_rate() -> None:
    r = run("AIR-99-2", MIDDLE, apology=Apology(Decimal("0.30")))
    assert r.amount == 287000  # 410,000 × 70%
    step = next(s for s in r.steps if s.rule == "公开道歉承诺从轻")
    assert step.source == "《广东省生态环境行政处罚自由裁量权规定》 第十四条"
    assert step.values["amount"] == "287000"


def test_apology_never_below_the_minimum() -> None:
    r = run("AIR-99-2", lowest("AIR-99-2"), apology=Apology(Decimal("0.5")))
    assert r.amount == 100000  # 150,000 × 50% = 75,000 → minimum 100,000
    assert "按最低额" in next(s for s in r.steps if s.rule == "公开道歉承诺从轻").description


def test_apology_excluded_at_the_statutory_minimum() -> None:
    r = run("AIR-99-3", lowest("AIR-99-3"), apology=Apology(Decimal("0.3")))
    assert r.amount == 100000
    step = next(s for s in r.steps if s.rule == "公开道歉承诺排除情形")
    assert step.values["exclusions"] == "fixed_or_minimum_fine"


def test_apology_excluded_by_heavier_article_10_automatically() -> None:
    r = run("AIR-99-2", MIDDLE, heavier=frozenset({"emergency_violation"}), apology=Apology(Decimal("0.3")))
    assert (
        "heavier_art10" in next(s for s in r.steps if s.rule == "公开道歉承诺排除情形").values["exclusions"]
    )
    assert r.amount > 550000


@pytest.mark.parametrize(
    "code",
    ["water_source_ban", "suspected_crime", "continuing_after_order", "repeat_after_apology", "other_rule"],
)
def test_apology_excluded_by_recorded_exclusion(code: str) -> None:
    r = run("AIR-99-2", MIDDLE, apology=Apology(Decimal("0.3"), exclusions=frozenset({code})))
    assert r.amount == 410000


def test_apology_precondition_and_errors() -> None:
    r = run("AIR-99-2", MIDDLE, apology=Apology(Decimal("0.3"), corrected_before_decision=False))
    assert r.amount == 410000
    with pytest.raises(PenaltyInputError, match="30%～50%"):
        run("AIR-99-2", MIDDLE, apology=Apology(Decimal("0.6")))
    with pytest.raises(PenaltyInputError, match="排除情形"):
        run("AIR-99-2", MIDDLE, apology=Apology(Decimal("0.3"), exclusions=frozenset({"riot"})))
    with pytest.raises(PenaltyInputError, match="未规定公开道歉承诺"):
        compute_penalty(
            item_code="AIR-99-2",
            sanction=AIR_99,
            rule_set=None,
            facts=PenaltyFacts(apology=Apology(Decimal("0.3"))),
        )


# ------------------------------------------------------------------ 减轻 (below the minimum)


def test_mitigation_below_minimum_with_recorded_ground() -> None:
    ground = "《行政处罚法》第三十二条第（一）项：主动消除违法行为危害后果"
    r = run(
        "AIR-99-2",
        MIDDLE,
        mitigating=frozenset({"eliminated_harm"}),
        mitigation=Mitigation(amount="50000", ground=ground),
    )
    assert r.amount == 50000 and r.decision is Decision.FINE
    step = next(s for s in r.steps if s.rule == "减轻处罚")
    assert ground in step.description and ground in step.source and "第三十二条" in step.source


@pytest.mark.parametrize(
    ("mitigation", "fragment"),
    [
        (Mitigation(amount="50000", ground=""), "必须记录法定依据"),
        (Mitigation(amount="50000", ground="   "), "必须记录法定依据"),
        (Mitigation(amount="100000", ground="第三十二条"), "应低于法定最低罚款"),
        (Mitigation(amount="150000", ground="第三十二条"), "应低于法定最低罚款"),
        (Mitigation(amount="50000.5", ground="第三十二条"), "整数元"),
        (Mitigation(amount="0", ground="第三十二条"), "整数元"),
        (Mitigation(amount="-5", ground="第三十二条"), "负数"),
        (Mitigation(amount="abc", ground="第三十二条"), "有效的数值"),
        (Mitigation(amount=5e4, ground="第三十二条"), "浮点数"),
    ],
)
def test_mitigation_refused(mitigation: Mitigation, fragment: str) -> None:
    with pytest.raises(PenaltyInputError, match=fragment):
        run("AIR-99-2", MIDDLE, mitigation=mitigation)


def test_mitigation_needs_a_minimum() -> None:
    only_max = parse_sanction({"kind": "amount", "max": 50000})
    with pytest.raises(PenaltyInputError, match="没有最低罚款额"):
        compute_penalty(
            item_code="EIA-31-3",
            sanction=only_max,
            rule_set=GD,
            facts=PenaltyFacts(mitigation=Mitigation("100", "第三十二条")),
        )


# ------------------------------------------------------------------ generic rule (第五条、第十二条)

WATER_83 = parse_sanction({"kind": "amount", "min": 100000, "max": 1000000})


def generic(sanction: Sanction, code: str = "WATER-83-2", **facts: Any) -> PenaltyResult:
    return compute_penalty(item_code=code, sanction=sanction, rule_set=GD, facts=PenaltyFacts(**facts))


def test_generic_range_general_is_the_average() -> None:
    r = generic(WATER_83)
    assert r.amount == 550000 and r.mode == "generic" and r.grade is Grade.GENERAL
    step = next(s for s in r.steps if s.rule == "通用裁量规则")
    assert step.source == "《广东省生态环境行政处罚自由裁量权规定》 第五条、第十二条"
    assert not step.unverified and "平均值" in step.description


def test_generic_range_lighter_and_heavier_are_platform_defaults() -> None:
    light = generic(WATER_83, mitigating=frozenset({"meritorious"}))
    heavy = generic(WATER_83, heavier=frozenset({"emergency_violation"}))
    assert (light.amount, heavy.amount) == (280000, 820000)  # 20% / 80% positions
    for r in (light, heavy):
        step = next(s for s in r.steps if s.rule == "通用裁量规则")
        assert step.unverified and "平台默认" in step.description
    assert light.amount < 550000 <= heavy.amount


def test_generic_explicit_grade() -> None:
    assert generic(WATER_83, grade=Grade.HEAVIER).amount == 820000
    assert generic(WATER_83, grade=Grade.LIGHTER).amount == 280000


def test_generic_only_max() -> None:
    only_max = parse_sanction({"kind": "amount", "max": 50000})
    assert generic(only_max, "EIA-31-3").amount == 25000  # 50%
    assert generic(only_max, "EIA-31-3", grade=Grade.LIGHTER).amount == 10000  # 20%, 第十二条
    r = generic(only_max, "EIA-31-3", grade=Grade.HEAVIER)
    assert r.amount == 40000 and next(s for s in r.steps if s.rule == "通用裁量规则").unverified


def test_generic_only_min() -> None:
    only_min = parse_sanction({"kind": "amount", "min": 10000})
    assert generic(only_min, "NOISE-80-1").amount == 20000  # 2×
    assert generic(only_min, "NOISE-80-1", grade=Grade.HEAVIER).amount == 50000  # 5×
    assert generic(only_min, "NOISE-80-1", grade=Grade.LIGHTER).amount == 10000  # 1×, platform


def test_generic_multiple_uses_the_middle_multiple() -> None:
    multiple = parse_sanction({"kind": "multiple", "min": 1, "max": 3, "base": "treatment_cost"})
    bases = {"treatment_cost": "40000"}
    assert generic(multiple, "SOLID-113-1", bases=bases).amount == 80000  # 2 倍
    assert generic(multiple, "SOLID-113-1", bases=bases, grade=Grade.LIGHTER).amount == 56000  # 1.4 倍
    assert generic(multiple, "SOLID-113-1", bases=bases, grade=Grade.HEAVIER).amount == 104000  # 2.6 倍


def test_without_a_rule_set_the_generic_rule_is_a_platform_default() -> None:
    r = compute_penalty(item_code="WATER-83-2", sanction=WATER_83, rule_set=None, facts=PenaltyFacts())
    assert r.amount == 550000 and r.rule_set_id is None
    step = next(s for s in r.steps if s.rule == "通用裁量规则")
    assert step.unverified and "平台默认裁量规则" in step.source


def test_table_item_without_rule_set_falls_back_to_generic() -> None:
    r = compute_penalty(item_code="AIR-99-2", sanction=AIR_99, rule_set=None, facts=PenaltyFacts())
    assert r.mode == "generic" and r.amount == 550000


def test_rounding_keeps_fen_when_no_whole_yuan_is_in_range() -> None:
    multiple = parse_sanction({"kind": "multiple", "min": 0.01, "max": 0.05, "base": "total_investment"})
    r = generic(multiple, "EIA-33-1", bases={"total_investment": "10"})  # range 0.10–0.50 yuan
    assert r.amount == Decimal("0.30") and "分" in r.steps[-1].description
    r = compute_penalty(
        item_code="EIA-31-1",
        sanction=multiple,
        rule_set=GD,
        facts=PenaltyFacts(levels=lowest("EIA-31-1"), bases={"total_investment": "10"}),
    )
    assert r.amount == Decimal("0.10")


# ------------------------------------------------------------------ warnings


def test_warning_only_sanction() -> None:
    s = parse_sanction({"kind": "warning_only", "other_measures": ["责令改正"]})
    r = compute_penalty(item_code="NOISE-75-1", sanction=s, rule_set=GD, facts=PenaltyFacts())
    assert (r.decision, r.amount, r.other_measures) == (Decision.WARNING, 0, ("责令改正",))


def test_chosen_warning_where_the_law_allows_it() -> None:
    s = parse_sanction({"kind": "amount", "max": 50000, "warning": True})
    r = compute_penalty(
        item_code="NOISE-75-1", sanction=s, rule_set=GD, facts=PenaltyFacts(prefer_warning=True)
    )
    assert r.decision is Decision.WARNING
    with pytest.raises(PenaltyInputError, match="不包括警告"):
        compute_penalty(
            item_code="AIR-99-2",
            sanction=AIR_99,
            rule_set=GD,
            facts=PenaltyFacts(levels=MIDDLE, prefer_warning=True),
        )
    with pytest.raises(PenaltyInputError, match="不适用减轻"):
        compute_penalty(
            item_code="NOISE-75-1",
            sanction=s,
            rule_set=GD,
            facts=PenaltyFacts(prefer_warning=True, mitigation=Mitigation("1", "第三十二条")),
        )


def test_sanction_without_fine_or_warning_is_refused() -> None:
    with pytest.raises(PenaltyInputError, match="不含罚款或警告"):
        compute_penalty(
            item_code="EPL-60-1", sanction=parse_sanction({"kind": "none"}), rule_set=GD, facts=PenaltyFacts()
        )


# ------------------------------------------------------------------ exemptions through the engine


def water_exemption_facts(**kw: Any) -> ExemptionFacts:
    base: dict[str, Any] = dict(
        act_date=dt.date(2024, 5, 10),
        prior_violation_dates=(dt.date(2023, 4, 1),),
        exceedances=(Exceedance("cod", "B", multiple=Decimal("0.08")),),
        areas=frozenset({"general"}),
        corrected_on=dt.date(2024, 5, 20),
        order_deadline=dt.date(2024, 5, 31),
    )
    base.update(kw)
    return ExemptionFacts(**base)


def test_exemption_list_gives_no_penalty_with_the_conditions_met() -> None:
    r = compute_penalty(
        item_code="WATER-83-2",
        sanction=WATER_83,
        rule_set=GD,
        exemptions=EXEMPT,
        facts=PenaltyFacts(exemption=water_exemption_facts()),
    )
    assert (r.decision, r.amount, r.mode) == (Decision.NO_PENALTY, 0, "exemption")
    assert r.exemption is not None and r.exemption.entry_id == "GD-NP-WATER-EXCEEDANCE"
    assert [c.id for c in r.exemption.met_conditions] == [
        "first_offence_1y",
        "minor_exceedance",
        "corrected_by_deadline",
    ]
    assert "第十三条第（三）项" in r.steps[-1].source
    assert r.steps[-1].unverified and r.unverified


def test_exemption_refused_in_a_drinking_water_source_area() -> None:
    facts = water_exemption_facts(areas=frozenset({"drinking_water_source"}))
    r = compute_penalty(
        item_code="WATER-83-2",
        sanction=WATER_83,
        rule_set=GD,
        exemptions=EXEMPT,
        facts=PenaltyFacts(exemption=facts),
    )
    assert r.decision is Decision.FINE and r.amount == 550000
    review = next(s for s in r.steps if s.rule == "不予处罚条件审查")
    assert "饮用水水源保护区" in review.values["unmet"]


def test_art33_minor_gives_no_penalty() -> None:
    r = run("AIR-99-2", {}, art33=frozenset({"minor", "corrected_in_time", "no_harm_consequence"}))
    assert r.decision is Decision.NO_PENALTY
    assert r.exemption is not None and r.exemption.basis == "art33_minor"
    assert r.steps[-1].source == "《行政处罚法》 第三十三条"
    assert "教育" in r.steps[-1].description


def test_art33_first_offence_waiver_is_the_officers_choice() -> None:
    conditions = frozenset({"first_offence", "harm_minor", "corrected_in_time"})
    fined = run("AIR-99-2", MIDDLE, art33=conditions)
    assert fined.decision is Decision.FINE and fined.amount == 410000
    assert any(s.rule == "不予处罚条件审查" for s in fined.steps)
    waived = run("AIR-99-2", MIDDLE, art33=conditions, apply_first_offence_waiver=True)
    assert waived.decision is Decision.NO_PENALTY and waived.exemption is not None
    assert waived.exemption.discretionary


def test_art33_no_fault_unless_law_provides_otherwise() -> None:
    assert run("AIR-99-2", {}, art33=frozenset({"no_fault"})).decision is Decision.NO_PENALTY
    r = run("AIR-99-2", MIDDLE, art33=frozenset({"no_fault"}), no_fault_excluded_by_law=True)
    assert r.decision is Decision.FINE


# ------------------------------------------------------------------ input errors


@pytest.mark.parametrize(
    ("code", "levels", "facts", "path", "fragment"),
    [
        ("AIR_99_2", MIDDLE, {}, "item_code", "执法事项编码"),
        ("AIR-99-2", {**MIDDLE, "area": "downtown"}, {}, "facts.levels.area", "不是裁量表 §3.4.1"),
        (
            "AIR-99-2",
            {k: v for k, v in MIDDLE.items() if k != "period"},
            {},
            "facts.levels.period",
            "缺少裁量因素",
        ),
        ("AIR-99-2", {**MIDDLE, "colour": "red"}, {}, "facts.levels.colour", "没有因素"),
        (
            "EIA-31-1",
            lowest("EIA-31-1"),
            {},
            "facts.bases.total_investment",
            "缺少计罚基数：建设项目总投资额",
        ),
        (
            "EIA-31-1",
            lowest("EIA-31-1"),
            {"bases": {"total_investment": "-1"}},
            "facts.bases.total_investment",
            "负数",
        ),
        (
            "EIA-31-1",
            lowest("EIA-31-1"),
            {"bases": {"total_investment": "一千万"}},
            "facts.bases.total_investment",
            "不是有效的数值",
        ),
        (
            "EIA-31-1",
            lowest("EIA-31-1"),
            {"bases": {"total_investment": 1e7}},
            "facts.bases.total_investment",
            "浮点数",
        ),
        (
            "EIA-31-1",
            lowest("EIA-31-1"),
            {"bases": {"total_investment": "0"}},
            "facts.bases.total_investment",
            "大于0",
        ),
        ("AIR-99-2", MIDDLE, {"mitigating": frozenset({"sorry"})}, "facts.mitigating", "未知的从轻"),
        ("AIR-99-2", MIDDLE, {"heavier": frozenset({"riot"})}, "facts.heavier", "未知的从重"),
        ("AIR-99-2", MIDDLE, {"art33": frozenset({"tiny"})}, "facts.art33", "第三十三条情形"),
    ],
)
def test_input_errors_name_what_is_wrong(
    code: str, levels: dict[str, str], facts: dict[str, Any], path: str, fragment: str
) -> None:
    sanction = SANCTIONS.get(code, AIR_99)
    with pytest.raises(PenaltyInputError) as err:
        compute_penalty(
            item_code=code, sanction=sanction, rule_set=GD, facts=PenaltyFacts(levels=levels, **facts)
        )
    assert err.value.path == path
    assert fragment in err.value.message


def test_sanction_that_disagrees_with_the_table_is_refused() -> None:
    with pytest.raises(PenaltyInputError, match="不一致"):
        compute_penalty(
            item_code="PERMIT-34-1",
            sanction=AIR_99,
            rule_set=GD,
            facts=PenaltyFacts(levels=lowest("PERMIT-34-1"), medium="air"),
        )


# ------------------------------------------------------------------ starter-catalog extensions


def test_escalation_tier_is_used_only_when_its_condition_is_established() -> None:
    s = parse_sanction(
        {
            "kind": "amount",
            "min": 200000,
            "max": 1000000,
            "escalation": {"condition": "情节严重的", "kind": "amount", "min": 1000000, "max": 2000000},
        }
    )
    assert generic(s, "EIAREG-23-1").amount == 600000
    r = generic(s, "EIAREG-23-1", escalated=True)
    assert r.amount == 1500000 and r.statutory_max == 2000000
    assert r.steps[0].rule == "加重档次罚款" and "情节严重的" in r.steps[0].description
    with pytest.raises(PenaltyInputError, match="没有加重档次"):
        generic(WATER_83, escalated=True)


def test_escalated_table_item_uses_the_generic_rule() -> None:
    s = parse_sanction(
        {
            "kind": "amount",
            "min": 100000,
            "max": 1000000,
            "escalation": {"condition": "拒不改正的", "kind": "amount", "min": 1000000, "max": 2000000},
        }
    )
    r = compute_penalty(item_code="AIR-99-2", sanction=s, rule_set=GD, facts=PenaltyFacts(escalated=True))
    assert r.mode == "generic" and r.amount == 1500000


def test_base_floor_raises_a_small_base() -> None:
    s = parse_sanction(
        {"kind": "multiple", "min": 1, "max": 3, "base": "treatment_cost", "base_floor": 100000}
    )
    r = generic(s, "SOLID-102-7", bases={"treatment_cost": "30000"})
    assert r.amount == 200000  # 2 × max(30,000, 100,000)
    step = next(x for x in r.steps if x.rule == "计罚基数下限")
    assert step.values == {"before": "30000", "base": "100000"}
    assert generic(s, "SOLID-102-7", bases={"treatment_cost": "150000"}).amount == 300000


def test_law_without_a_range_is_refused() -> None:
    s = parse_sanction({"kind": "amount", "min": None, "max": None})
    with pytest.raises(PenaltyInputError, match="未规定罚款幅度"):
        generic(s, "EPL-62-0")


def test_persons_fine_is_computed_as_its_own_sanction() -> None:
    s = parse_sanction(
        {"kind": "amount", "max": 50000, "persons": {"min": 50000, "max": 200000, "who": "主管人员"}}
    )
    assert generic(s.persons_sanction(), "EIA-31-2").amount == 125000
