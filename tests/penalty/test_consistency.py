"""Recorded decisions and the consistency report (同案不同罚): flags, reasons, jurisdiction, page,
chart and Excel export, and the pure aggregation."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from ecoenforce.penalty.engine.consistency import Aggregate, Benchmark, BenchmarkCache, ConsistencyReport
from ecoenforce.penalty.models import DecidedPenalty
from ecoenforce.penalty.selectors import ConsistencyFilters, consistency_report
from ecoenforce.penalty.services import record_decision

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 1)
LEVELS = {
    "exceed_count": "one",
    "pollutant": "vocs",
    "area": "general",
    "period": "ordinary",
    "exceed_degree": "d1",
    "repeat": "once",
}  # GD-2022 §3.4.1: 15% × 1,000,000 = 150,000
FACTS = {"levels": LEVELS}
URL = "/catalog/penalty/consistency/"


def record(world, unit="county_a", amount="150000", reason="", role="officer", facts=None, **kw):
    return record_decision(
        by=world.user(unit, role),
        item_code=kw.pop("item", "AIR-99-2"),
        facts=facts or FACTS,
        decided_amount=amount,
        decision=kw.pop("decision", "fine"),
        reason=reason,
        rule_set_id=kw.pop("rule_set_id", "GD-2022"),
        decided_on=kw.pop("decided_on", DAY),
        **kw,
    )


def test_record_stores_engine_input_and_benchmark(world) -> None:
    row = record(world, amount="180000", reason="当事人拒不配合，按从重考虑")
    assert row.engine_decision == "fine" and row.engine_amount == Decimal("150000")
    assert row.decided_amount == Decimal("180000") and row.deviates
    assert row.facts == FACTS and row.sanction["kind"] == "amount" and row.rule_set_id == "GD-2022"
    assert row.source_type == "calculator" and row.unit == world.units["county_a"]


def test_record_source_for_cases(world) -> None:
    row = record(world, source=("case", "2026-001"))
    assert (row.source_type, row.source_id) == ("case", "2026-001")
    with pytest.raises(ValidationError):
        record(world, source=("Case!", "x"))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"facts": {"levels": {**LEVELS, "area": "moon"}}}, "facts.levels.area"),
        ({"amount": "-1"}, "decided_amount"),
        ({"amount": "abc"}, "decided_amount"),
        ({"amount": "1.234"}, "decided_amount"),
        ({"amount": "2000000"}, "decided_amount"),  # above the statutory maximum
        ({"amount": "50000"}, "decided_amount"),  # below the minimum without a recorded mitigation
        ({"decision": "warning", "amount": "0"}, "decision"),  # AIR-99-2 allows no warning
        ({"decision": "no_penalty", "amount": "100"}, "decided_amount"),
        ({"decision": "jail"}, "decision"),
        ({"item": "AIR-999-9"}, "item_code"),
        ({"rule_set_id": "XX-1"}, "rule_set"),
        ({"reason": "x\x00"}, "reason"),
    ],
)
def test_record_validation(world, kwargs, field) -> None:
    with pytest.raises(ValidationError) as exc:
        record(world, **kwargs)
    assert field in exc.value.message_dict
    assert not DecidedPenalty.objects.exists()


@pytest.mark.parametrize("role", ["complaint_handler", "supervisor", "sysadmin"])
def test_record_refused_for_non_acting_roles(world, role) -> None:
    with pytest.raises(PermissionDenied):
        record(world, role=role)


def test_record_refused_outside_jurisdiction(world) -> None:
    with pytest.raises(PermissionDenied):  # another county's unit
        record_decision(
            by=world.user("county_a", "officer"),
            item_code="AIR-99-2",
            facts=FACTS,
            decided_amount="150000",
            decision="fine",
            unit=world.units["county_b"],
            rule_set_id="GD-2022",
            decided_on=DAY,
        )
    with pytest.raises(PermissionDenied):  # an officer of another county
        record_decision(
            by=world.user("county_a", "team_leader"),
            officer=world.user("county_b", "officer"),
            item_code="AIR-99-2",
            facts=FACTS,
            decided_amount="150000",
            decision="fine",
            rule_set_id="GD-2022",
            decided_on=DAY,
        )
    record(world, unit="county_a", role="team_leader", officer=world.user("town_a", "officer"))


def test_flags(world) -> None:
    same = record(world)
    with_reason = record(world, amount="200000", reason="违法情节较重，经集体讨论决定")
    without_reason = record(world, amount="120000")
    result = consistency_report(world.user("city", "legal_reviewer"), ConsistencyFilters())
    rep = result.report
    assert rep.total.count == 3 and rep.total.flagged == 2 and rep.total.flagged_without_reason == 1
    flagged = {f.pk: f for f in rep.flagged}
    assert same.pk not in flagged
    assert flagged[with_reason.pk].has_reason and flagged[with_reason.pk].gap == Decimal("50000")
    assert not flagged[without_reason.pk].has_reason and flagged[without_reason.pk].gap == Decimal("-30000")
    assert rep.flagged[0].pk == with_reason.pk  # largest absolute gap first
    unit = rep.by_unit[world.units["county_a"].pk]
    assert unit.count == 3 and unit.flagged == 2 and unit.flagged_share == Decimal(2) / 3
    assert unit.mean_abs_gap == Decimal(80000) / 3
    officer = rep.by_officer[world.user("county_a", "officer").pk]
    assert officer.flagged_without_reason == 1
    assert rep.by_item["AIR-99-2"].count == 3 and result.item_names["AIR-99-2"]


def test_decision_type_difference_is_flagged(world) -> None:
    facts = {"levels": LEVELS, "art33": ["minor", "corrected_in_time", "no_harm_consequence"]}
    row = record(world, facts=facts, amount="0", decision="no_penalty")
    fined = record(world, facts=facts, amount="150000", decision="fine", reason="不符合轻微情形")
    rep = consistency_report(world.user("county_a", "team_leader"), ConsistencyFilters()).report
    assert rep.total.flagged == 1 and rep.flagged[0].pk == fined.pk and row.engine_decision == "no_penalty"


def test_other_county_invisible(world) -> None:
    record(world, unit="county_a")
    record(world, unit="county_b", amount="300000", reason="从重")
    record(world, unit="town_a", amount="110000")
    county_a = consistency_report(world.user("county_a", "team_leader"), ConsistencyFilters()).report
    assert county_a.total.count == 2 and set(county_a.by_unit) == {
        world.units["county_a"].pk,
        world.units["town_a"].pk,
    }
    city = consistency_report(world.user("city", "bureau_head"), ConsistencyFilters()).report
    assert city.total.count == 3
    with pytest.raises(PermissionDenied):
        consistency_report(
            world.user("county_a", "team_leader"), ConsistencyFilters(unit=world.units["county_b"])
        )


def test_filters(world) -> None:
    record(world, decided_on=dt.date(2026, 1, 10))
    record(world, decided_on=dt.date(2026, 5, 10), amount="120000")
    record(
        world,
        item="AIR-99-1",
        facts={
            "levels": {
                "permit_class": "simplified",
                "pollutant": "vocs",
                "area": "general",
                "period": "ordinary",
                "untreated": "treated",
                "repeat": "once",
            }
        },
    )
    user = world.user("city", "supervisor")
    assert consistency_report(user, ConsistencyFilters(date_from=dt.date(2026, 2, 1))).report.total.count == 2
    assert consistency_report(user, ConsistencyFilters(date_to=dt.date(2026, 2, 1))).report.total.count == 1
    assert consistency_report(user, ConsistencyFilters(item_code="AIR-99-1")).report.total.count == 1
    town = consistency_report(user, ConsistencyFilters(unit=world.units["town_a"])).report
    assert town.total.count == 0


def test_drift_and_errors(world) -> None:
    row = record(world)
    DecidedPenalty.objects.filter(pk=row.pk).update(
        engine_amount=Decimal("140000")
    )  # benchmark changed since
    broken = record(world)
    DecidedPenalty.objects.filter(pk=broken.pk).update(facts={"levels": {"area": "gone"}})
    rep = consistency_report(world.user("city", "legal_reviewer"), ConsistencyFilters()).report
    assert (
        rep.total.drift == 1 and rep.total.errors == 1 and rep.total.compared == 1 and rep.total.flagged == 0
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("team_leader", 200),
        ("legal_reviewer", 200),
        ("bureau_head", 200),
        ("supervisor", 200),
        ("officer", 403),
        ("complaint_handler", 403),
        ("sysadmin", 403),
        ("auditadmin", 403),
    ],
)
def test_page_roles(world, client, role, status) -> None:
    client.force_login(world.user("county_a", role))
    assert client.get(URL).status_code == status
    assert client.get(URL + "export/").status_code == status


def test_page_chart_and_tables(world, client) -> None:
    record(world)
    record(world, amount="120000")
    record(world, unit="county_b", amount="130000", reason="酌情从轻")
    client.force_login(world.user("county_a", "team_leader"))
    page = client.get(URL).content.decode()
    assert 'data-chart="consistency-chart"' in page and 'id="consistency-chart"' in page
    assert "echarts.min.js" in page
    assert world.units["county_a"].name in page and world.units["county_b"].name not in page
    chart = json.loads(page.split('id="consistency-chart" type="application/json">')[1].split("</script>")[0])
    assert chart["series"][0]["data"] == [2] and chart["series"][1]["data"] == [1]
    assert 'id="total-count">2<' in page and 'id="total-without-reason">1<' in page
    page = client.get(URL + f"?unit={world.units['county_b'].pk}").content.decode()
    assert "选择一个有效的选项" in page or "有效" in page  # county_b is not a choice for county_a


def test_excel_export(world, client) -> None:
    record(world)
    record(world, amount="120000")
    client.force_login(world.user("city", "bureau_head"))
    response = client.get(URL + "export/?date_from=2026-01-01")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert wb.sheetnames[:4] == ["说明", "按单位", "按执法人员", "按事项"]
    rows = list(wb["按单位"].iter_rows(values_only=True))
    assert rows[0][0] == "单位" and rows[1][0] == world.units["county_a"].name and rows[1][1] == 2
    assert rows[-1][0] == "合计"
    detail = list(wb[wb.sheetnames[4]].iter_rows(values_only=True))
    assert len(detail) == 2 and detail[1][9] == -30000 and detail[1][11] == "否"


# ---------------------------------------------------------------- the pure part


def _row(pk, unit, officer, decided, bench_key="k", decision="fine", engine=None, reason=False, n=1):
    engine = Decimal(engine if engine is not None else (100 if bench_key == "k" else 0))
    return (
        pk,
        unit,
        officer,
        "AIR-99-2",
        decision,
        Decimal(decided),
        engine,
        reason,
        "GD-2022",
        "{}",
        bench_key,
        n,
    )


def test_report_merge_equals_single_pass() -> None:
    benches = {
        "k": Benchmark("fine", Decimal(100)),
        "z": Benchmark("fine", Decimal(0)),
        "e": Benchmark("", Decimal(0), "无法复算"),
    }
    calls: list[str] = []

    def compute(item, rule_set, sanction, facts, pk):
        calls.append(facts)
        return benches[facts]

    rows = [
        _row(1, 1, 10, 100),
        _row(2, 1, 10, 150),
        _row(3, 2, 11, 50, reason=True),
        _row(4, 2, 11, 5, "z"),
        _row(5, 2, 12, 100, "e"),
        _row(6, 1, 12, 100, engine=90),
    ]
    cache = BenchmarkCache(compute)
    whole = ConsistencyReport(keep=3)
    whole.add_rows(rows, cache)
    assert sorted(calls) == ["e", "k", "z"]  # one engine run per distinct input
    a, b = ConsistencyReport(keep=3), ConsistencyReport(keep=3)
    a.add_rows(rows[:3], cache)
    b.add_rows(rows[3:], cache)
    a.merge(b)
    for mine, theirs in (
        (whole.total, a.total),
        (whole.by_unit[1], a.by_unit[1]),
        (whole.by_officer[11], a.by_officer[11]),
    ):
        assert mine == theirs
    assert [f.pk for f in whole.flagged] == [f.pk for f in a.flagged] == [3, 2, 4]  # ties: later first
    t = whole.total
    assert (t.count, t.errors, t.flagged, t.flagged_without_reason, t.drift) == (6, 1, 3, 2, 1)
    assert t.mean_abs_gap == Decimal(105) / 5
    assert t.mean_rel_gap == (Decimal("0.5") + Decimal("0.5")) / 4  # zero benchmark excluded


def test_grouped_rows_weigh_as_many_decisions() -> None:
    cache = BenchmarkCache(lambda *key: Benchmark("fine", Decimal(100)))
    grouped, single = ConsistencyReport(), ConsistencyReport()
    grouped.add_rows([_row(9, 1, 10, 120, n=3), _row(4, 1, 10, 100, n=2)], cache)
    single.add_rows([_row(i, 1, 10, 120) for i in (7, 8, 9)] + [_row(i, 1, 10, 100) for i in (3, 4)], cache)
    for name in (
        "count",
        "flagged",
        "flagged_without_reason",
        "sum_abs_gap",
        "sum_rel_gap",
        "rel_count",
        "decided_total",
        "benchmark_total",
    ):
        assert getattr(grouped.total, name) == getattr(single.total, name), name
    assert [(f.pk, f.count) for f in grouped.flagged] == [(9, 3)]


def test_empty_aggregate() -> None:
    agg = Aggregate()
    assert agg.flagged_share == 0 and agg.mean_abs_gap == 0 and agg.mean_rel_gap == 0


def test_identical_decisions_are_grouped_and_counted(world) -> None:
    rows = [record(world, amount="120000") for _ in range(3)] + [record(world) for _ in range(2)]
    rep = consistency_report(world.user("city", "legal_reviewer"), ConsistencyFilters()).report
    assert rep.total.count == 5 and rep.total.flagged == 3 and rep.total.flagged_without_reason == 3
    assert [(f.pk, f.count) for f in rep.flagged] == [(rows[2].pk, 3)]
    assert rep.total.mean_abs_gap == Decimal(90000) / 5
