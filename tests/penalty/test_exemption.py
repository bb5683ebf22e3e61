"""免罚清单 (Guangdong 附件2 examples) and 行政处罚法第三十三条."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecoenforce.penalty.engine.errors import PenaltyInputError, ValidationError
from ecoenforce.penalty.engine.exemption import (
    EXEMPTIONS_DIR,
    Exceedance,
    ExemptionFacts,
    evaluate_art33,
    evaluate_exemption,
    load_exemption_list,
)

PATH = EXEMPTIONS_DIR / "guangdong.yaml"
GD = load_exemption_list(PATH)
CODE_CATALOG_PATH = Path(__file__).resolve().parents[2] / "src/ecoenforce/catalog/data/code_catalog.yaml"
CODE_CATALOG = yaml.safe_load(CODE_CATALOG_PATH.read_text("utf-8"))


def successors(code: str) -> tuple[str, ...]:
    """The Code catalog items replacing `code` (its `predecessors` mapping), as the platform passes them."""
    return tuple(i["code"] for i in CODE_CATALOG["items"]
                 if code in (i.get("predecessors") or []) and i["code"] != code)


def evaluate(lst: Any, code: str, f: ExemptionFacts) -> Any:
    return evaluate_exemption(lst, code, f, successors(code))
ACT = dt.date(2024, 5, 10)


def facts(**kw: Any) -> ExemptionFacts:
    base: dict[str, Any] = dict(
        act_date=ACT,
        areas=frozenset({"general"}),
        corrected_on=dt.date(2024, 5, 20),
        order_deadline=dt.date(2024, 5, 31),
    )
    base.update(kw)
    return ExemptionFacts(**base)


def cond(outcome: Any, entry_id: str) -> dict[str, bool]:
    ev = next(e for e in outcome.evaluations if e.entry_id == entry_id)
    return {c.id: c.met for c in ev.conditions}


def test_list_loads_with_header_data() -> None:
    assert GD.id == "GD-2022-NP"
    assert GD.excluded_areas == frozenset({"nature_reserve", "scenic_area", "drinking_water_source"})
    assert [e.id for e in GD.entries] == [
        "GD-NP-EIA-REGISTRATION",
        "GD-NP-WATER-EXCEEDANCE",
        "GD-NP-FACILITY-FAULT",
        "GD-NP-AIR-EXCEEDANCE",
        "GD-NP-INFO-LEDGER",
    ]
    assert GD.transcription is not None and "其余15项尚未转录" in GD.transcription
    assert "ONLY THE 5 EXAMPLES BELOW ARE SHIPPED" in PATH.read_text(encoding="utf-8")
    assert all(e.unverified for e in GD.entries)  # item-code mapping inferred


# ------------------------------------------------------------------ 超标排水


WATER_OK = dict(
    prior_violation_dates=(dt.date(2023, 4, 1),),
    exceedances=(Exceedance("cod", "B", multiple=Decimal("0.08")),),
)


def test_water_minor_exceedance_granted_listing_every_condition() -> None:
    out = evaluate(GD, "WATER-83-2", facts(**WATER_OK))
    assert out.granted and out.basis == "list" and out.entry_id == "GD-NP-WATER-EXCEEDANCE"
    assert out.unverified  # the item-code mapping of the example is inferred
    assert [(c.id, c.met) for c in out.met_conditions] == [
        ("first_offence_1y", True),
        ("minor_exceedance", True),
        ("corrected_by_deadline", True),
    ]
    assert all(not x.met for x in out.exclusions) and len(out.exclusions) == 3
    assert "2023-05-10 至 2024-05-10 前同类违法 0 次" in out.met_conditions[0].detail


@pytest.mark.parametrize(
    ("exceedances", "met"),
    [
        ((Exceedance("cod", "B", multiple=Decimal("0.1")),), True),  # boundary: 不超过 0.1
        ((Exceedance("cod", "B", multiple=Decimal("0.11")),), False),
        ((Exceedance("cod", "A", multiple=Decimal("0.05")),), False),  # A类 never
        (
            (
                Exceedance("cod", "B", multiple=Decimal("0.05")),
                Exceedance("nh3n", "B", multiple=Decimal("0.05")),
            ),
            False,
        ),  # two pollutants
        ((Exceedance("ph", "B", value=Decimal("9.5")),), True),
        ((Exceedance("ph", "B", value=Decimal("10")),), True),
        ((Exceedance("ph", "B", value=Decimal("10.5")),), False),
        ((Exceedance("ph", "B", value=Decimal("4.9")),), False),
        ((Exceedance("chroma", "B", multiple=Decimal("1")),), True),
        ((Exceedance("chroma", "B", multiple=Decimal("1.2")),), False),
        ((), False),
    ],
)
def test_water_exceedance_thresholds(exceedances: tuple[Exceedance, ...], met: bool) -> None:
    out = evaluate(GD, "WATER-83-2", facts(exceedances=exceedances))
    assert cond(out, "GD-NP-WATER-EXCEEDANCE")["minor_exceedance"] is met
    assert out.granted is met


@pytest.mark.parametrize(
    ("prior", "met"),
    [
        ((), True),
        ((dt.date(2023, 5, 9),), True),  # more than one year before the act
        ((dt.date(2023, 5, 10),), False),  # exactly one year: 近一年 counts it (第二十二条)
        ((dt.date(2024, 1, 1),), False),
        ((dt.date(2024, 6, 1),), True),  # after the act: not a prior violation
    ],
)
def test_first_offence_within_one_year(prior: tuple[dt.date, ...], met: bool) -> None:
    out = evaluate(GD, "WATER-83-2", facts(**{**WATER_OK, "prior_violation_dates": prior}))
    assert cond(out, "GD-NP-WATER-EXCEEDANCE")["first_offence_1y"] is met


def test_first_offence_lookback_from_29_february() -> None:
    out = evaluate(
        GD,
        "WATER-83-2",
        facts(
            **{**WATER_OK, "act_date": dt.date(2024, 2, 29), "prior_violation_dates": (dt.date(2023, 2, 27),)}
        ),
    )
    assert cond(out, "GD-NP-WATER-EXCEEDANCE")["first_offence_1y"] is True


def test_missing_facts_make_conditions_unmet() -> None:
    out = evaluate(GD, "WATER-83-2", ExemptionFacts(exceedances=WATER_OK["exceedances"]))
    assert cond(out, "GD-NP-WATER-EXCEEDANCE") == {
        "first_offence_1y": False,
        "minor_exceedance": True,
        "corrected_by_deadline": False,
    }
    assert not out.granted


def test_corrected_after_the_deadline() -> None:
    out = evaluate(GD, "WATER-83-2", facts(**WATER_OK, corrected_on=dt.date(2024, 6, 1)))
    assert not out.granted and cond(out, "GD-NP-WATER-EXCEEDANCE")["corrected_by_deadline"] is False


@pytest.mark.parametrize("area", ["nature_reserve", "scenic_area", "drinking_water_source"])
def test_excluded_areas_always_refuse(area: str) -> None:
    out = evaluate(GD, "WATER-83-2", facts(**WATER_OK, areas=frozenset({"general", area})))
    assert not out.granted
    assert all(cond(out, "GD-NP-WATER-EXCEEDANCE").values())  # every condition met — still refused
    assert [x.id for x in out.exclusions if x.met] == [f"excluded_area:{area}"]
    assert GD.areas[area] in out.message


# ------------------------------------------------------------------ other entries


def test_registration_form_first_offence_corrected() -> None:
    ok = evaluate(GD, "EIA-31-3", facts(flags=frozenset({"corrected_in_time"})))
    assert ok.granted and ok.entry_id == "GD-NP-EIA-REGISTRATION"
    repeat = evaluate(
        GD,
        "EIA-31-3",
        facts(flags=frozenset({"corrected_in_time"}), prior_violation_dates=(dt.date(2019, 1, 1),)),
    )
    assert not repeat.granted
    assert not evaluate(GD, "EIA-31-3", facts()).granted


def test_facility_fault() -> None:
    good = facts(
        flags=frozenset({"emergency_measures_taken", "daily_mean_compliant"}),
        measures={"fault_report_hours": Decimal(24)},
    )
    assert evaluate(GD, "AIR-99-3", good).granted
    assert evaluate(GD, "WATER-83-3", good).granted
    late = facts(
        flags=frozenset({"emergency_measures_taken", "daily_mean_compliant"}),
        measures={"fault_report_hours": Decimal(25)},
    )
    out = evaluate(GD, "AIR-99-3", late)
    assert not out.granted and cond(out, "GD-NP-FACILITY-FAULT")["reported_within_24h"] is False
    no_mean = facts(flags=frozenset({"emergency_measures_taken"}), measures={"fault_report_hours": "3"})
    assert not evaluate(GD, "AIR-99-3", no_mean).granted


def test_air_single_b_pollutant() -> None:
    ok = facts(exceedances=(Exceedance("so2", "B", multiple=Decimal("0.1")),))
    out = evaluate(GD, "AIR-99-2", ok)
    assert out.granted
    assert any(c.unverified for c in out.met_conditions)  # first-offence/deadline inferred
    assert not evaluate(
        GD, "AIR-99-2", facts(exceedances=(Exceedance("benzene", "A", multiple=Decimal("0.01")),))
    ).granted


def test_information_and_ledger() -> None:
    ok = facts(measures={"violation_days": Decimal(20)})
    assert evaluate(GD, "PERMIT-37-1", ok).granted
    assert not evaluate(GD, "PERMIT-37-1", facts(measures={"violation_days": 21})).granted
    assert not evaluate(
        GD, "PERMIT-37-1", facts(measures={"violation_days": 5}, categories=frozenset({"A"}))
    ).granted
    # 排污许可管理条例第三十六条第（七）项 is in no catalog: the list does not pretend to serve it
    assert evaluate(GD, "PERMIT-36-7", ok).evaluations == ()


def test_item_not_in_the_list() -> None:
    out = evaluate(GD, "AIR-99-1", facts())
    assert not out.granted and out.evaluations == () and "无事项 AIR-99-1" in out.message


@pytest.mark.parametrize(
    ("kw", "path"),
    [
        ({"areas": frozenset({"water_source"})}, "facts.exemption.areas"),
        ({"flags": frozenset({"corrected"})}, "facts.exemption.flags"),
        ({"measures": {"hours": Decimal(1)}}, "facts.exemption.measures"),
        ({"measures": {"violation_days": Decimal(-1)}}, "facts.exemption.measures.violation_days"),
        ({"measures": {"violation_days": 1.5}}, "facts.exemption.measures.violation_days"),
        ({"exceedances": (Exceedance("cod", "C"),)}, "facts.exemption.exceedances[0].category"),
    ],
)
def test_bad_facts_are_refused(kw: dict[str, Any], path: str) -> None:
    with pytest.raises(PenaltyInputError) as err:
        evaluate(GD, "WATER-83-2", facts(**kw))
    assert err.value.path == path


# ------------------------------------------------------------------ loader refusals


def _raw() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(PATH.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d["entries"][0]["conditions"][0].update(kind="maybe"), "未知的条件类型"),
        (lambda d: d["entries"][0]["conditions"][1].update(fact="typo"), "未在 flags 中声明"),
        (lambda d: d["entries"][2]["conditions"][1].update(fact="typo"), "未在 measures 中声明"),
        (lambda d: d["entries"][1]["conditions"][1].update(children=[]), "至少需要两个子条件"),
        (lambda d: d["entries"][0].update(item_codes=["EIA31-3"]), "执法事项编码"),
        (lambda d: d["entries"][0].update(conditions=[]), "至少应有一项条件"),
        (lambda d: d["entries"][1].update(id="GD-NP-EIA-REGISTRATION"), "条目编号重复"),
        (lambda d: [a.update(excluded=False) for a in d["areas"]], "不适用免罚的区域"),
        (lambda d: d["entries"][4]["conditions"][2].pop("category"), "必须指明 category"),
        (lambda d: d["entries"][4]["conditions"][1].update(op="ge"), "op 只能是"),
        (lambda d: d.pop("source"), "缺少法律依据来源"),
        (lambda d: d["entries"][0].update(extra=1), "未知字段：extra"),
    ],
)
def test_bad_list_is_refused(tmp_path: Path, mutate: Any, fragment: str) -> None:
    data = _raw()
    mutate(data)
    path = tmp_path / "gd.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_exemption_list(path)
    assert fragment in err.value.message
    assert err.value.path.startswith("文件 gd.yaml")


# ------------------------------------------------------------------ 行政处罚法第三十三条


def test_art33_minor_is_mandatory() -> None:
    out = evaluate_art33({"minor", "corrected_in_time", "no_harm_consequence"})
    assert out.granted and not out.discretionary and out.basis == "art33_minor"
    assert [c.id for c in out.met_conditions] == ["minor", "corrected_in_time", "no_harm_consequence"]
    assert "教育" in out.message


def test_art33_minor_needs_all_three() -> None:
    out = evaluate_art33({"minor", "corrected_in_time"})
    assert not out.granted
    ev = next(e for e in out.evaluations if e.entry_id == "art33_minor")
    assert {c.id: c.met for c in ev.conditions} == {
        "minor": True,
        "corrected_in_time": True,
        "no_harm_consequence": False,
    }


def test_art33_first_offence_only_when_applied() -> None:
    conditions = {"first_offence", "harm_minor", "corrected_in_time"}
    assert not evaluate_art33(conditions).granted
    out = evaluate_art33(conditions, apply_discretionary=True)
    assert out.granted and out.discretionary and out.basis == "art33_first_offence"


def test_art33_no_fault() -> None:
    assert evaluate_art33({"no_fault"}).basis == "art33_no_fault"
    assert not evaluate_art33({"no_fault"}, no_fault_excluded_by_law=True).granted


def test_art33_unknown_condition() -> None:
    with pytest.raises(PenaltyInputError, match="第三十三条情形"):
        evaluate_art33({"sorry"})


# ------------------------------------------------------------------ item codes under the Code (issue 6)


def _catalog_codes(name: str) -> set[str]:
    doc = yaml.safe_load((PATH.parents[3] / "catalog" / "data" / name).read_text("utf-8"))
    return {i["code"] for i in doc["items"]}


def test_every_exemption_code_exists_in_the_catalog_in_force_at_its_dates() -> None:
    """Entries name the Code catalog's items (in force 2026-08-15, inside the list's 2022-01-01 – 2026-12-31);
    the old codes they serve before that date (by the mapping, or `before_code`) exist in the starter
    catalog and map to one of the entry's codes."""
    code_items, starter = _catalog_codes("code_catalog.yaml"), _catalog_codes("starter_catalog.yaml")
    assert CODE_CATALOG["effective_from"] > GD.effective_from
    assert GD.effective_to is None or CODE_CATALOG["effective_from"] <= GD.effective_to
    for e in GD.entries:
        assert set(e.item_codes) <= code_items, e.id
        before = set(e.before_code) or {p for c in e.item_codes for i in CODE_CATALOG["items"]
                                        if i["code"] == c for p in i.get("predecessors") or []}
        assert before and before <= starter, e.id
        for old in before:
            assert set(successors(old)) & set(e.item_codes) or old in e.item_codes, (e.id, old)


def test_old_codes_reach_their_entries_through_the_mapping() -> None:
    ok_air = facts(exceedances=(Exceedance("so2", "B", multiple=Decimal("0.1")),))
    assert [ev.entry_id for ev in evaluate(GD, "AIR-99-2", ok_air).evaluations] == ["GD-NP-AIR-EXCEEDANCE"]
    water = evaluate(GD, "WATER-83-2", ok_air).evaluations
    assert [ev.entry_id for ev in water] == ["GD-NP-WATER-EXCEEDANCE"]
    # the Code merged both media into one item: both entries are reviewed
    assert {ev.entry_id for ev in evaluate(GD, "CODE-1107-1-1", ok_air).evaluations} == {
        "GD-NP-AIR-EXCEEDANCE", "GD-NP-WATER-EXCEEDANCE"}
    # without the mapping an old code finds nothing: the codes really moved
    assert evaluate_exemption(GD, "EIA-31-3", facts()).evaluations == ()
    assert evaluate(GD, "EIA-31-3", facts(flags=frozenset({"corrected_in_time"}))).granted


@pytest.mark.parametrize("code", sorted(_catalog_codes("code_catalog.yaml")))
def test_item_code_pattern_accepts_every_code_catalog_code(code: str) -> None:
    from ecoenforce.penalty.engine.sanction import ITEM_CODE_RE
    assert ITEM_CODE_RE.match(code)


@pytest.mark.parametrize("code", ["CODE-1060-1", "CODE-1060-0-0", "AIR-99-1-1", "CODE-99999-1-0", "XYZ-1-1"])
def test_item_code_pattern_refuses_malformed_codes(code: str) -> None:
    from ecoenforce.penalty.engine.sanction import ITEM_CODE_RE
    assert not ITEM_CODE_RE.match(code)
