"""Properties of the engine (hypothesis): a fine stays inside the statutory range unless 减轻 with
a recorded ground; never negative; never lower when a factor moves to a more serious level; no
exemption where an exclusion applies; the late fee never exceeds the fine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ecoenforce.penalty.engine.daily_penalty import late_fee
from ecoenforce.penalty.engine.discretion import (
    BENCHMARKS_DIR,
    MITIGATING_GROUNDS,
    UNPROVABLE,
    Apology,
    Decision,
    Grade,
    Mitigation,
    PenaltyFacts,
    compute_penalty,
    load_rule_set,
)
from ecoenforce.penalty.engine.errors import PenaltyInputError
from ecoenforce.penalty.engine.exemption import (
    EXEMPTIONS_DIR,
    Exceedance,
    ExemptionFacts,
    evaluate_exemption,
    load_exemption_list,
)
from ecoenforce.penalty.engine.sanction import Sanction, SanctionKind

GD = load_rule_set(BENCHMARKS_DIR / "guangdong.yaml")
EXEMPT = load_exemption_list(EXEMPTIONS_DIR / "guangdong.yaml")
assert GD.apology is not None
EXCLUSIONS = [x.code for x in GD.apology.exclusions]
PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

investments = st.integers(min_value=1_000, max_value=10_000_000_000).map(str)
rates = st.integers(min_value=30, max_value=50).map(lambda n: Decimal(n) / 100)


@st.composite
def circumstances(draw: st.DrawFn) -> dict[str, Any]:
    mitigating = draw(st.frozensets(st.sampled_from(sorted(MITIGATING_GROUNDS)), max_size=2))
    heavier = draw(st.frozensets(st.just("emergency_violation")))
    grade = (
        draw(st.sampled_from(list(Grade)))
        if (mitigating and heavier)
        else draw(st.one_of(st.none(), st.sampled_from(list(Grade))))
    )
    apology = draw(
        st.one_of(
            st.none(),
            st.builds(
                Apology,
                rate=rates,
                exclusions=st.frozensets(st.sampled_from(EXCLUSIONS), max_size=2),
                corrected_before_decision=st.booleans(),
            ),
        )
    )
    return {"mitigating": mitigating, "heavier": heavier, "grade": grade, "apology": apology}


def _row_medium(code: str) -> str | None:
    """The medium a row was written for (广东 §3.4.2 ships the air table), so the row applies."""
    m = GD.tables[code].medium
    return None if m is None else m.applies_to


@st.composite
def table_case(draw: st.DrawFn) -> tuple[str, Sanction, dict[str, str], dict[str, str]]:
    code = draw(st.sampled_from(sorted(GD.tables)))
    table = GD.tables[code]
    levels = {f.id: draw(st.sampled_from([UNPROVABLE, *[lv.id for lv in f.levels]])) for f in table.factors}
    bases = {"total_investment": draw(investments)} if table.statutory.base else {}
    return code, table.statutory, levels, bases


@given(case=table_case(), extra=circumstances())
@PROPS
def test_table_fine_stays_inside_the_statutory_range(
    case: tuple[str, Sanction, dict[str, str], dict[str, str]], extra: dict[str, Any]
) -> None:
    code, sanction, levels, bases = case
    r = compute_penalty(
        item_code=code,
        sanction=sanction,
        rule_set=GD,
        facts=PenaltyFacts(levels=levels, bases=bases, medium=_row_medium(code), **extra),
    )
    assert r.decision is Decision.FINE
    assert r.statutory_min is not None and r.statutory_max is not None
    assert r.statutory_min <= r.amount <= r.statutory_max
    assert r.amount >= 0
    assert r.steps[-1].rule == "金额取整"


@given(
    case=table_case(),
    extra=circumstances(),
    requested=st.integers(min_value=-10, max_value=2_000_000),
    ground=st.sampled_from(["", "  ", "《行政处罚法》第三十二条第（一）项", "第三十条：未成年人"]),
)
@PROPS
def test_below_minimum_only_by_mitigation_with_a_recorded_ground(
    case: tuple[str, Sanction, dict[str, str], dict[str, str]],
    extra: dict[str, Any],
    requested: int,
    ground: str,
) -> None:
    code, sanction, levels, bases = case
    facts = PenaltyFacts(levels=levels, bases=bases, mitigation=Mitigation(str(requested), ground),
                         medium=_row_medium(code), **extra)
    try:
        r = compute_penalty(item_code=code, sanction=sanction, rule_set=GD, facts=facts)
    except PenaltyInputError:
        return
    assert r.statutory_min is not None
    assert ground.strip(), "a 减轻 without a recorded ground must be refused"
    assert 0 < r.amount < r.statutory_min
    step = next(s for s in r.steps if s.rule == "减轻处罚")
    assert ground.strip() in step.source


@given(case=table_case(), extra=circumstances(), data=st.data())
@PROPS
def test_more_serious_level_never_lowers_the_fine(
    case: tuple[str, Sanction, dict[str, str], dict[str, str]], extra: dict[str, Any], data: st.DataObject
) -> None:
    code, sanction, levels, bases = case
    table = GD.tables[code]
    factor = data.draw(st.sampled_from(table.factors))
    options = [UNPROVABLE, *[lv.id for lv in factor.levels]]

    def weight(level_id: str) -> Decimal:
        lv = factor.lowest_level if level_id == UNPROVABLE else factor.level(level_id)
        assert lv is not None
        return lv.weight

    a, b = data.draw(st.lists(st.sampled_from(options), min_size=2, max_size=2))
    if weight(a) > weight(b):
        a, b = b, a

    def amount(level_id: str) -> Decimal:
        facts = PenaltyFacts(levels={**levels, factor.id: level_id}, bases=bases, medium=_row_medium(code),
                             **extra)
        return compute_penalty(item_code=code, sanction=sanction, rule_set=GD, facts=facts).amount

    assert amount(b) >= amount(a)


@st.composite
def generic_sanction(draw: st.DrawFn) -> tuple[Sanction, dict[str, str]]:
    kind = draw(st.sampled_from([SanctionKind.AMOUNT, SanctionKind.MULTIPLE]))
    shape = draw(st.sampled_from(["both", "max", "min"]))
    if kind is SanctionKind.AMOUNT:
        low, high = sorted(draw(st.lists(st.integers(1, 10_000_000), min_size=2, max_size=2)))
        base, bases = None, {}
    else:
        low, high = sorted(draw(st.lists(st.integers(1, 500), min_size=2, max_size=2)))
        base, bases = "illegal_gains", {"illegal_gains": draw(investments)}
    scale = Decimal(1) if kind is SanctionKind.AMOUNT else Decimal("0.01")
    return Sanction(
        kind=kind,
        base=base,
        min=None if shape == "max" else Decimal(low) * scale,
        max=None if shape == "min" else Decimal(high) * scale,
    ), bases


@given(case=generic_sanction(), extra=circumstances())
@PROPS
def test_generic_fine_stays_inside_the_statutory_range(
    case: tuple[Sanction, dict[str, str]], extra: dict[str, Any]
) -> None:
    sanction, bases = case
    extra = {**extra, "apology": None}
    r = compute_penalty(
        item_code="WATER-85-1", sanction=sanction, rule_set=GD, facts=PenaltyFacts(bases=bases, **extra)
    )
    assert r.amount > 0
    if r.statutory_min is not None:
        assert r.amount >= r.statutory_min
    if r.statutory_max is not None:
        assert r.amount <= r.statutory_max
    if r.statutory_min is not None and r.statutory_max is not None and r.grade is not Grade.GENERAL:
        mid = (r.statutory_min + r.statutory_max) / 2
        assume(r.statutory_max - r.statutory_min > 2)  # whole-yuan rounding near the midpoint
        if r.grade is Grade.LIGHTER:
            assert r.amount <= mid
        else:
            assert r.amount >= mid - 1


# ------------------------------------------------------------------ exemptions

ITEMS = sorted({code for e in EXEMPT.entries for code in e.item_codes})
EXCLUDED = sorted(EXEMPT.excluded_areas)
dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def exemption_facts(draw: st.DrawFn, excluded: bool) -> ExemptionFacts:
    areas = set(draw(st.frozensets(st.sampled_from(sorted(EXEMPT.areas)), max_size=3)))
    if excluded:
        areas.add(draw(st.sampled_from(EXCLUDED)))
    else:
        areas -= set(EXCLUDED)
    exceed = st.builds(
        Exceedance,
        pollutant=st.sampled_from(["cod", "ph", "chroma", "so2"]),
        category=st.sampled_from(["A", "B"]),
        multiple=st.one_of(st.none(), st.decimals(0, 3, places=2)),
        value=st.one_of(st.none(), st.decimals(0, 14, places=1)),
    )
    return ExemptionFacts(
        act_date=draw(st.one_of(st.none(), dates)),
        prior_violation_dates=tuple(draw(st.lists(dates, max_size=2))),
        flags=draw(st.frozensets(st.sampled_from(sorted(EXEMPT.flags)))),
        measures=draw(
            st.dictionaries(st.sampled_from(sorted(EXEMPT.measures)), st.decimals(0, 60, places=1))
        ),
        exceedances=tuple(draw(st.lists(exceed, max_size=2))),
        areas=frozenset(areas),
        categories=draw(st.frozensets(st.sampled_from(["A", "B"]))),
        corrected_on=draw(st.one_of(st.none(), dates)),
        order_deadline=draw(st.one_of(st.none(), dates)),
    )


@given(item=st.sampled_from(ITEMS), facts=exemption_facts(excluded=True))
@FEWER
def test_no_exemption_where_an_exclusion_applies(item: str, facts: ExemptionFacts) -> None:
    out = evaluate_exemption(EXEMPT, item, facts)
    assert not out.granted
    assert any(x.met for x in out.exclusions)
    sanction = Sanction(kind=SanctionKind.AMOUNT, min=Decimal(10000), max=Decimal(100000))
    r = compute_penalty(
        item_code=item,
        sanction=sanction,
        rule_set=None,
        exemptions=EXEMPT,
        facts=PenaltyFacts(exemption=facts),
    )
    assert r.decision is Decision.FINE


@given(item=st.sampled_from(ITEMS), facts=exemption_facts(excluded=False))
@FEWER
def test_granted_exemption_lists_only_met_conditions(item: str, facts: ExemptionFacts) -> None:
    out = evaluate_exemption(EXEMPT, item, facts)
    if out.granted:
        assert out.met_conditions and all(c.met for c in out.met_conditions)
        assert not any(x.met for x in out.exclusions)


# ------------------------------------------------------------------ late fee


@given(fine=st.integers(1, 10_000_000), days=st.integers(0, 400))
@PROPS
def test_late_fee_never_exceeds_the_fine_and_never_decreases(fine: int, days: int) -> None:
    now, later = late_fee(fine=fine, days_overdue=days), late_fee(fine=fine, days_overdue=days + 1)
    assert 0 <= now.amount <= fine
    assert later.amount >= now.amount
    assert now.capped == (days >= now.cap_day and now.daily_amount * days > fine)


def test_properties_module_loads_the_shipped_data() -> None:
    assert len(GD.tables) == 5 and len(ITEMS) >= 4
    with pytest.raises(PenaltyInputError):
        compute_penalty(
            item_code="AIR-99-2", sanction=GD.tables["AIR-99-2"].statutory, rule_set=GD, facts=PenaltyFacts()
        )
