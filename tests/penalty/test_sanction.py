"""parse_sanction: the statutory sanction block of an enforcement item."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecoenforce.penalty.engine.errors import ValidationError
from ecoenforce.penalty.engine.sanction import (
    Sanction,
    SanctionKind,
    as_decimal,
    fmt_rate,
    fmt_yuan,
    parse_sanction,
    validate_item_code,
)

AIR_99 = {
    "kind": "amount",
    "min": 100000,
    "max": 1000000,
    "base": None,
    "warning": False,
    "other_measures": ["责令改正", "限制生产", "停产整治"],
    "serious": "情节严重的，报经有批准权的人民政府批准，责令停业、关闭",
    "daily_penalty": True,
}


def test_parses_the_documented_shape() -> None:
    s = parse_sanction(AIR_99)
    assert s == Sanction(
        kind=SanctionKind.AMOUNT,
        min=Decimal(100000),
        max=Decimal(1000000),
        other_measures=("责令改正", "限制生产", "停产整治"),
        serious="情节严重的，报经有批准权的人民政府批准，责令停业、关闭",
        daily_penalty=True,
    )
    assert s.describe() == "处100,000元以上1,000,000元以下罚款"
    assert s.bounds() == (Decimal(100000), Decimal(1000000))


def test_multiple_reads_yaml_floats_exactly() -> None:
    s = parse_sanction({"kind": "multiple", "min": 0.01, "max": 0.05, "base": "total_investment"})
    assert s.min == Decimal("0.01") and s.max == Decimal("0.05")
    assert s.describe() == "处建设项目总投资额1%以上5%以下罚款"
    assert s.bounds(Decimal(10_000_000)) == (Decimal("100000.00"), Decimal("500000.00"))


def test_only_max_and_only_min() -> None:
    only_max = parse_sanction({"kind": "amount", "max": 50000})
    assert only_max.min is None and only_max.describe() == "处50,000元以下罚款"
    only_min = parse_sanction({"kind": "amount", "min": "10000"})
    assert only_min.max is None and only_min.describe() == "处10,000元以上罚款"


def test_warning_only_defaults_warning_true() -> None:
    s = parse_sanction({"kind": "warning_only"})
    assert s.warning is True and not s.is_fine
    assert parse_sanction({"kind": "none", "other_measures": ["责令改正"]}).other_measures == ("责令改正",)


@pytest.mark.parametrize(
    ("data", "path", "fragment"),
    [
        ({"kind": "amount", "min": 2, "max": 1}, "sanction.min", "大于最高额"),
        ({"kind": "amount", "min": -1, "max": 1}, "sanction.min", "负数"),
        ({"kind": "amount", "max": "abc"}, "sanction.max", "不是有效的数值"),
        ({"kind": "amount", "max": True}, "sanction.max", "应为数值"),
        ({"kind": "amount", "max": "Infinity"}, "sanction.max", "有限数值"),
        ({"kind": "fine", "max": 1}, "sanction.kind", "未知的罚则类型"),
        ({"max": 1}, "sanction.kind", "缺少罚则类型"),
        ({"kind": "amount", "max": 0}, "sanction.max", "不能为 0"),
        ({"kind": "amount", "max": 1, "base": "illegal_gains"}, "sanction.base", "不得填写计罚基数"),
        ({"kind": "multiple", "max": 3}, "sanction.base", "必须填写计罚基数"),
        ({"kind": "multiple", "max": 3, "base": "turnover"}, "sanction.base", "未知的计罚基数"),
        ({"kind": "warning_only", "max": 3}, "sanction.max", "不得填写"),
        ({"kind": "warning_only", "warning": False}, "sanction.warning", "不能为 false"),
        ({"kind": "amount", "max": 1, "warning": "yes"}, "sanction.warning", "true 或 false"),
        ({"kind": "amount", "max": 1, "daily_penalty": 1}, "sanction.daily_penalty", "true 或 false"),
        ({"kind": "amount", "max": 1, "other_measures": "责令改正"}, "sanction.other_measures", "列表"),
        ({"kind": "amount", "max": 1, "other_measures": [""]}, "sanction.other_measures[0]", "非空"),
        ({"kind": "amount", "max": 1, "serious": ""}, "sanction.serious", "非空"),
        ({"kind": "amount", "max": 1, "maxi": 2}, "sanction", "未知字段：maxi"),
    ],
)
def test_refuses_bad_blocks_naming_the_field(data: dict[str, object], path: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_sanction(data)
    assert err.value.path == path
    assert fragment in err.value.message


def test_refuses_non_mapping() -> None:
    with pytest.raises(ValidationError, match="映射"):
        parse_sanction(["amount"], path="items[3].sanction")


def test_path_prefix_is_kept() -> None:
    with pytest.raises(ValidationError) as err:
        parse_sanction({"kind": "amount", "min": 5, "max": 1}, path="items[7].sanction")
    assert err.value.path == "items[7].sanction.min"
    assert str(err.value).startswith("items[7].sanction.min：")


def test_as_decimal_refuses_float_for_facts() -> None:
    with pytest.raises(ValidationError, match="不接受浮点数"):
        as_decimal(0.1, "x")
    assert as_decimal("1,000,000", "x") == Decimal(1000000)


@pytest.mark.parametrize("code", ["AIR-99-1", "EIA-31-1", "PERMIT-34-1", "PUNISH-72-1", "FORCE-45-2"])
def test_item_code_scheme_accepts(code: str) -> None:
    assert validate_item_code(code, "code") == code


@pytest.mark.parametrize("code", ["air-99-1", "AIR-99", "XYZ-1-1", "AIR-0-1", "AIR-99-1a", 42, None])
def test_item_code_scheme_refuses(code: object) -> None:
    with pytest.raises(ValidationError, match="执法事项编码"):
        validate_item_code(code, "code")


def test_formatting() -> None:
    assert fmt_yuan(Decimal("410000.00")) == "410,000元"
    assert fmt_yuan(Decimal("1234.5")) == "1,234.5元"
    assert fmt_rate(Decimal("0.05")) == "5%"
    assert fmt_rate(Decimal(3)) == "3倍"


# ------------------------------------------------------------------ starter-catalog extensions


def test_extensions_of_the_starter_catalog() -> None:
    s = parse_sanction(
        {
            "kind": "amount",
            "min": 500000,
            "max": 1000000,
            "escalation": {
                "condition": "逾期不改正的",
                "kind": "amount",
                "min": 1000000,
                "max": 2000000,
                "base": None,
            },
            "persons": {"min": 50000, "max": 200000, "who": "直接负责的主管人员和其他责任人员"},
        }
    )
    assert s.escalation is not None and s.escalation.condition == "逾期不改正的"
    assert s.escalated().bounds() == (Decimal(1000000), Decimal(2000000))
    assert s.persons_sanction().bounds() == (Decimal(50000), Decimal(200000))
    floor = parse_sanction(
        {"kind": "multiple", "min": 1, "max": 3, "base": "treatment_cost", "base_floor": 100000}
    )
    assert floor.base_floor == Decimal(100000)
    unbounded = parse_sanction({"kind": "amount", "min": None, "max": None})
    assert unbounded.describe() == "处以罚款（法律未规定幅度）"
    assert (
        parse_sanction({"kind": "multiple", "min": 0.03, "max": 0.03, "base": "original_fine"}).base
        == "original_fine"
    )


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"kind": "amount", "max": 1, "base_floor": 5}, "sanction.base_floor"),
        (
            {"kind": "amount", "max": 1, "escalation": {"kind": "amount", "max": 2}},
            "sanction.escalation.condition",
        ),
        (
            {"kind": "amount", "max": 1, "escalation": {"condition": "x", "kind": "warning_only"}},
            "sanction.escalation.kind",
        ),
        (
            {
                "kind": "amount",
                "max": 1,
                "escalation": {"condition": "x", "kind": "amount", "min": 3, "max": 2},
            },
            "sanction.escalation.min",
        ),
        ({"kind": "amount", "max": 1, "persons": {"min": 1, "max": 2}}, "sanction.persons.who"),
        ({"kind": "amount", "max": 1, "persons": {"who": "x", "min": 1, "maxx": 2}}, "sanction.persons"),
    ],
)
def test_extension_errors(data: dict[str, object], path: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_sanction(data)
    assert err.value.path == path


def test_clause_zero_and_eiareg_codes() -> None:
    assert validate_item_code("EPL-59-0", "code") == "EPL-59-0"
    assert validate_item_code("EIAREG-23-1", "code") == "EIAREG-23-1"


def test_every_sanction_block_of_the_starter_catalog_parses() -> None:
    """Cross-check with the catalog written in parallel (skipped until it exists)."""
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[2] / "src/ecoenforce/catalog/data/starter_catalog.yaml"
    if not path.exists():
        pytest.skip("starter_catalog.yaml not written yet")
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    for item in items:
        validate_item_code(item["code"], f"{item['code']}")
        parse_sanction(item["sanction"], f"{item['code']}.sanction")
