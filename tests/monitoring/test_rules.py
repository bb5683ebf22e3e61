"""Each rule on hand-made series, then precision and recall per rule on labelled simulator data."""

import numpy as np
import pytest

from ecoenforce.monitoring import rules, rules_context
from ecoenforce.monitoring.screen_pure import screen_all
from ecoenforce.monitoring.simulate import FAULTS, generate, score

P = rules.load_params()


def test_every_parameter_names_its_source():
    for name, block in P.items():
        if isinstance(block, dict) and "value" not in block:
            for key, param in block.items():
                assert param.get("source"), f"{name}.{key} has no source"


def test_runs_finds_runs_of_at_least_n_in_each_row():
    m = np.array([[1, 1, 0, 1, 1, 1], [0, 0, 0, 0, 0, 1]], dtype=bool)
    r, s, e = rules.runs(m, 2)
    assert list(zip(r, s, e, strict=True)) == [(0, 0, 1), (0, 3, 5)]


def _day(level: float, hours: int = 24) -> np.ndarray:
    return np.full(hours, level)


def test_exceedance_daily_for_water_hourly_for_air_and_invalid_data_never_counts():
    water = np.concatenate([_day(30), _day(80), _day(30)])
    air = np.concatenate([_day(10), _day(10), _day(10)])
    air[30:33] = 60.0
    values = np.vstack([water, air])
    valid = np.ones_like(values, dtype=bool)
    limits = np.array([50.0, 35.0])
    daily = np.array([True, False])
    found = rules.exceedance(values, valid, limits, daily, P)
    by_row = {f.row: f for f in found}
    assert (by_row[0].start, by_row[0].end, by_row[0].facts["period"]) == (24, 47, "day")
    assert by_row[0].severity == 3  # 80 > 1.5 × 50
    assert (by_row[1].start, by_row[1].end, by_row[1].facts["period"]) == (30, 32, "hour")
    # the same exceedance flagged M (maintenance) is not judged (公告2022年第21号)
    valid[0, 24:48] = False
    valid[1, 30:33] = False
    assert rules.exceedance(values, valid, limits, daily, P) == []


def test_exceedance_day_with_too_few_valid_hours_is_not_averaged():
    values = np.concatenate([_day(30), _day(80)])[None, :]
    valid = np.ones_like(values, dtype=bool)
    valid[0, 24:30] = False  # 18 valid hours < 20
    assert rules.exceedance(values, valid, np.array([50.0]), np.array([True]), P) == []


def test_flat_line_zero_while_flow_missing():
    v = 20 + np.sin(np.arange(48))
    v[5:15] = 21.5
    v[20:24] = 0.0
    v[30:37] = np.nan
    values = v[None, :]
    valid = ~np.isnan(values)
    flow = np.full_like(values, 8.0)
    assert [(f.start, f.end) for f in rules.flat_line(values, valid, P)] == [(5, 14)]
    assert [(f.start, f.end) for f in rules.zero_while_flow(values, valid, flow, P)] == [(20, 23)]
    assert [(f.start, f.end) for f in rules.missing(values, P)] == [(30, 36)]
    flow[0, 20:24] = 0.0  # no flow: a zero is plausible
    assert rules.zero_while_flow(values, valid, flow, P) == []


def test_flag_abuse_just_under_limit_treatment_off():
    flagged = np.zeros((2, 720), dtype=bool)
    flagged[0, ::5] = True  # 20 %
    flagged[1, ::20] = True  # 5 %
    assert [f.row for f in rules.flag_abuse(flagged, P)] == [0]
    v = 20 + 3 * np.sin(np.arange(48))
    v[10:30] = 47.0 + 0.05 * np.cos(np.arange(20))
    found = rules.just_under_limit(v[None, :], np.ones((1, 48), bool), np.array([50.0]), P)
    assert [(f.start, f.end) for f in found] == [(10, 29)]
    prod = np.full((1, 12), 100.0)
    treat = np.full((1, 12), 40.0)
    treat[0, 3:6] = 0.1
    found = rules.treatment_off(np.ones((1, 12), bool), prod, treat, np.array([1.0]), P)
    assert [(f.start, f.end) for f in found] == [(3, 5)]


def test_shift_after_notice_fires_on_a_fall_after_the_notice_not_on_noise_or_a_rise():
    rng = np.random.default_rng(5)
    hours = 14 * 24
    base = 25 + 6 * np.sin(2 * np.pi * np.arange(hours) / 24)
    values = np.vstack([base + rng.normal(0, 1.5, hours) for _ in range(3)])
    values[0, 240:] *= 0.5  # falls by half right after the notice at hour 240
    values[2, 240:] *= 1.6  # rises: not what the rule looks for
    valid = np.ones_like(values, dtype=bool)
    notices = np.array([240, 240, 240])
    found = rules_context.shift_after_notice(values, valid, notices, P)
    assert [(f.row, f.start, f.end) for f in found] == [(0, 240, 311)]
    assert found[0].facts["change"] < -0.3
    # invalid (flagged) hours are not judged: with the after-window mostly invalid there is nothing to say
    valid[0, 240:300] = False
    assert rules_context.shift_after_notice(values, valid, notices, P) == []
    # a notice too close to the end of the data waits for the after-window to fill
    assert rules_context.shift_after_notice(values, np.ones_like(valid), np.array([300, -1, -1]), P) == []


def test_flag_outside_window_spares_recorded_windows_and_their_edges():
    flagged = np.zeros((1, 72), dtype=bool)
    scheduled = np.zeros((1, 72), dtype=bool)
    scheduled[0, 10:12] = True
    flagged[0, 9:13] = True  # inside the window, widened by one hour of grace
    flagged[0, 30:33] = True  # day 2: three maintenance hours with no window
    flagged[0, 50] = True  # day 3: one stray hour
    found = rules_context.flag_outside_window(flagged, scheduled, P)
    assert [(f.start, f.end, f.facts["hours"]) for f in found] == [(30, 32, 3)]
    scheduled[0, 30:33] = True  # once recorded, the same maintenance is in order
    assert rules_context.flag_outside_window(flagged, scheduled, P) == []


def test_status_contradiction_both_ways_and_only_while_flow_runs():
    values = np.full((1, 12), 20.0)
    flags = np.full((1, 12), "N")
    rs = np.ones((1, 12))
    flow = np.full((1, 12), 8.0)
    rs[0, 2:5] = 0  # facility off, data "normal"
    flags[0, 7:10] = "F"  # data "source stopped", facility running
    found = rules_context.status_contradiction(values, flags, rs, flow, P)
    assert [(f.start, f.end) for f in found] == [(2, 4), (7, 9)]
    flow[0, :] = 0.0  # nothing flows: both records can be true
    assert rules_context.status_contradiction(values, flags, rs, flow, P) == []
    rs[:] = np.nan  # no running status reported: nothing to contradict
    assert rules_context.status_contradiction(values, flags, rs, np.full((1, 12), 8.0), P) == []


# Floor 0.9: the simulator's faults are clear-cut (whole days over the limit, ≥ 10 frozen hours, …),
# so a working rule finds all of them; 0.9 leaves room for a random fault that lands on a boundary
# (e.g. a flat line that starts in a gap) without letting a broken rule pass.
FLOOR = 0.9


@pytest.mark.parametrize("seed", [7, 11])
def test_precision_and_recall_per_rule_on_labelled_simulator_data(seed):
    sim = generate(200, 40, seed=seed, pollutants=("w01018", "a21026"))
    daily = np.array([p.startswith("w") for p in sim.pollutants])
    found = screen_all(
        values=sim.values,
        flags=sim.flags,
        limits=sim.limits,
        daily=daily,
        flow=sim.flow,
        production_kw=sim.production_kw,
        treatment_kw=sim.treatment_kw,
        scheduled=sim.scheduled,
        running_status=sim.running_status,
        notices=sim.notices,
    )
    flat = [(f.rule, f.row, f.start, f.end) for f in found]
    for rule in FAULTS:
        assert sum(1 for lb in sim.labels if lb.rule == rule) >= 5, rule
        precision, recall = score(flat, sim.labels, rule)
        assert precision >= FLOOR and recall >= FLOOR, (rule, precision, recall)


def test_clean_data_raises_nothing():
    sim = generate(200, 40, seed=3, fault_share=0.0)
    found = screen_all(
        values=sim.values,
        flags=sim.flags,
        limits=sim.limits,
        daily=np.ones(200, bool),
        flow=sim.flow,
        production_kw=sim.production_kw,
        treatment_kw=sim.treatment_kw,
        scheduled=sim.scheduled,
        running_status=sim.running_status,
        notices=sim.notices,
    )
    assert found == []
