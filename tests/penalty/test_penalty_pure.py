"""Pure parts of the calculator: the facts JSON codec, 人民币大写, the questions of an item, and the
discretion refactor (names importable from discretion are the benchmarks/penalty_types objects)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoenforce.penalty.engine import benchmarks, discretion
from ecoenforce.penalty.engine import types as penalty_types
from ecoenforce.penalty.engine.errors import PenaltyInputError
from ecoenforce.penalty.engine.exemption import EXEMPTIONS_DIR, load_exemption_list
from ecoenforce.penalty.engine.facts import canonical_json, facts_from_json, facts_to_json
from ecoenforce.penalty.engine.questions import questions_for
from ecoenforce.penalty.engine.sanction import parse_sanction
from ecoenforce.penalty.engine.types import Grade
from ecoenforce.penalty.engine.words import rmb_upper

GD = discretion.load_rule_set(discretion.BENCHMARKS_DIR / "guangdong.yaml")
EXEMPT = load_exemption_list(EXEMPTIONS_DIR / "guangdong.yaml")
FULL = {
    "levels": {"area": "general", "repeat": "unprovable"},
    "bases": {"total_investment": "5,000,000.00"},
    "grade": "lighter",
    "mitigating": ["meritorious", "eliminated_harm"],
    "heavier": [],
    "art33": ["first_offence"],
    "apply_first_offence_waiver": True,
    "prefer_warning": False,
    "apology": {"rate": "0.30", "exclusions": ["other_rule"]},
    "mitigation": {"amount": 50000, "ground": " 《行政处罚法》第三十二条 "},
    "exemption": {
        "act_date": "2026-03-01",
        "prior_violation_dates": ["2025-01-02", "2024-05-06"],
        "flags": ["corrected_in_time"],
        "measures": {"fault_report_hours": "12"},
        "exceedances": [{"pollutant": "COD", "category": "B", "multiple": "0.05"}],
        "areas": ["general"],
        "corrected_on": "2026-03-05",
        "order_deadline": "2026-03-10",
    },
}


def test_reexports_are_the_same_objects() -> None:
    for name in (
        "BENCHMARKS_DIR",
        "BenchmarkRegistry",
        "Factor",
        "GenericRule",
        "Level",
        "RuleSet",
        "Table",
        "load_rule_set",
        "NATIONAL_HEAVIER",
        "PLATFORM_GENERIC",
    ):
        assert getattr(discretion, name) is getattr(benchmarks, name), name
    for name in (
        "Apology",
        "Decision",
        "Grade",
        "Mitigation",
        "PenaltyFacts",
        "PenaltyResult",
        "Step",
        "MITIGATING_GROUNDS",
        "UNPROVABLE",
        "plain",
    ):
        assert getattr(discretion, name) is getattr(penalty_types, name), name
    assert set(benchmarks.__all__) <= set(discretion.__all__)


def test_codec_round_trip_is_canonical() -> None:
    facts = facts_from_json(FULL)
    assert facts.grade is Grade.LIGHTER and facts.bases["total_investment"] == Decimal("5000000.00")
    assert facts.mitigation is not None and facts.mitigation.ground == "《行政处罚法》第三十二条"
    assert facts.exemption is not None and facts.exemption.prior_violation_dates[0] == dt.date(2024, 5, 6)
    out = facts_to_json(facts)
    assert out["bases"] == {"total_investment": "5000000"} and out["mitigating"] == [
        "eliminated_harm",
        "meritorious",
    ]
    assert "heavier" not in out and "prefer_warning" not in out
    assert facts_to_json(facts_from_json(out)) == out
    assert canonical_json(facts_from_json(out)) == canonical_json(facts)
    assert facts_to_json(facts_from_json({})) == {} and facts_from_json(None) == facts_from_json({})


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ([], "facts", "键值对"),
        ({"colour": 1}, "facts", "未知字段"),
        ({"grade": "harsh"}, "facts.grade", "未知的裁量档次"),
        ({"levels": {"area": 3}}, "facts.levels.area", "代码文字"),
        ({"levels": {"area": "x" * 65}}, "facts.levels.area", "过长"),
        ({"levels": {"area": "a\x00"}}, "facts.levels.area", "非法字符"),
        ({"bases": {"total_investment": 1.5}}, "facts.bases.total_investment", "浮点数"),
        ({"bases": {"total_investment": "-1"}}, "facts.bases.total_investment", "负数"),
        ({"bases": {"total_investment": "1e999999"}}, "facts.bases.total_investment", "过大"),
        ({"bases": {"total_investment": "Infinity"}}, "facts.bases.total_investment", "有限"),
        ({"bases": {"total_investment": "12ab"}}, "facts.bases.total_investment", "有效的数值"),
        ({"prefer_warning": "yes"}, "facts.prefer_warning", "true 或 false"),
        ({"mitigating": "eliminated_harm"}, "facts.mitigating", "列表"),
        ({"mitigating": ["x"] * 51}, "facts.mitigating", "过长"),
        ({"apology": {}}, "facts.apology.rate", "降低比例"),
        ({"mitigation": {"amount": "1"}}, "facts.mitigation.ground", "法定依据"),
        ({"mitigation": {"ground": "第三十二条"}}, "facts.mitigation.amount", "金额"),
        ({"exemption": {"act_date": "2026-02-30"}}, "facts.exemption.act_date", "日期"),
        ({"exemption": {"prior_violation_dates": [""]}}, "facts.exemption.prior_violation_dates", "不能为空"),
        (
            {"exemption": {"exceedances": [{"pollutant": "COD", "category": "C"}]}},
            "facts.exemption.exceedances[0].category",
            "A 或 B",
        ),
    ],
)
def test_codec_errors(data, path, message) -> None:
    with pytest.raises(PenaltyInputError) as exc:
        facts_from_json(data)
    assert exc.value.path == path and message in exc.value.message


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "人民币零元整"),
        ("0.5", "人民币伍角"),
        ("0.05", "人民币伍分"),
        ("1.05", "人民币壹元零伍分"),
        ("10", "人民币壹拾元整"),
        ("15", "人民币壹拾伍元整"),
        ("100000", "人民币壹拾万元整"),
        ("100500", "人民币壹拾万零伍佰元整"),
        ("1050.5", "人民币壹仟零伍拾元伍角"),
        ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "人民币壹拾万柒仟元伍角叁分"),
        ("20000000", "人民币贰仟万元整"),
        ("100010001", "人民币壹亿零壹万零壹元整"),
        ("10005", "人民币壹万零伍元整"),
        (Decimal("1000000"), "人民币壹佰万元整"),
        (350000, "人民币叁拾伍万元整"),
    ],
)
def test_rmb_upper(amount, words) -> None:
    assert rmb_upper(amount) == words


DIGITS = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))
UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def _parse(words: str) -> int:
    """Inverse of the integer part of rmb_upper (for the property test)."""
    body = words.removeprefix("人民币").split("元")[0]
    total, section, digit = 0, 0, 0
    for ch in body:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            section += digit * UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
    return total + section + digit


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_rmb_upper_integer_round_trip(n: int) -> None:
    words = rmb_upper(n)
    assert words.endswith("元整") and _parse(words) == n
    assert "零零" not in words
    assert n == 0 or not words.removeprefix("人民币").startswith("零")


def test_questions_table_item() -> None:
    s = parse_sanction({"kind": "amount", "min": 100000, "max": 1000000, "daily_penalty": True})
    q = questions_for(item_code="AIR-99-2", sanction=s, rule_set=GD, exemptions=EXEMPT)
    assert q.computable and q.table is not None and q.factors[0].id == "exceed_count"
    assert q.factors[0].choices[-1].value == "unprovable"
    assert q.exemption is not None and q.exemption.exceedances and q.exemption.first_offence
    assert not q.warning_allowed and q.mitigation_allowed and q.apology is not None
    data = q.to_dict()
    assert data["table"]["section"] == "§3.4.1" and data["apology"]["max_rate"] == "0.5"


def test_questions_generic_and_problems() -> None:
    s = parse_sanction({"kind": "multiple", "min": 0.01, "max": 0.05, "base": "total_investment"})
    q = questions_for(item_code="EIA-31-1", sanction=s, rule_set=None)
    assert q.factors == () and [b.value for b in q.bases] == ["total_investment"] and q.apology is None
    assert q.heavier[0].value == "emergency_violation" and q.exemption is None
    none = questions_for(item_code="EPL-24-0", sanction=parse_sanction({"kind": "none"}), rule_set=GD)
    assert not none.computable and "不含罚款" in (none.problem or "")
    no_range = questions_for(item_code="EPL-62-0", sanction=parse_sanction({"kind": "amount"}), rule_set=GD)
    assert "未规定罚款幅度" in (no_range.problem or "")
    warn = questions_for(
        item_code="AIR-98-0",
        sanction=parse_sanction({"kind": "amount", "min": 20000, "max": 200000, "warning": True}),
        rule_set=GD,
    )
    assert warn.warning_allowed
