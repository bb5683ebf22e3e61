"""The optimised rules give exactly the findings of the reference copy (tests/monitoring/reference_rules.py).

Compared on labelled simulator data (every fault kind, water rows judged on day means and air rows on hour
means, a whole year) and on adversarial random blocks built to hit the edges a fast path gets wrong: runs
touching the first or last column and row boundaries, NaN everywhere it can appear (values, limits, flow,
meters, running status), unknown flag letters, hours not a multiple of 24, fewer hours than the windows,
negative values, long frozen stretches and non-contiguous inputs.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from ecoenforce.monitoring import rules, rules_context
from ecoenforce.monitoring.screen_pure import screen_all
from ecoenforce.monitoring.simulate import generate
from tests.monitoring import reference_rules as ref

P = rules.load_params()


def _both(**kw: Any) -> tuple[list[rules.Finding], list[rules.Finding]]:
    return screen_all(**kw, params=P), ref.screen_all(**kw, params=P)


def _sim_inputs(sim: Any, daily: np.ndarray) -> dict[str, Any]:
    return {
        "values": sim.values,
        "flags": sim.flags,
        "limits": sim.limits,
        "daily": daily,
        "flow": sim.flow,
        "production_kw": sim.production_kw,
        "treatment_kw": sim.treatment_kw,
        "scheduled": sim.scheduled,
        "running_status": sim.running_status,
        "notices": sim.notices,
    }


@pytest.mark.parametrize(("points", "days", "seed"), [(60, 365, 1), (150, 40, 2), (150, 40, 3), (40, 11, 4)])
def test_same_findings_as_the_reference_on_simulator_data(points, days, seed):
    sim = generate(points, days, seed=seed, pollutants=("w01018", "a21026", "w21003"))
    daily = np.array([p.startswith("w") for p in sim.pollutants])
    fast, slow = _both(**_sim_inputs(sim, daily))
    assert len(slow) > points // 2  # the data do carry faults: the comparison is not of two empty lists
    assert {f.rule for f in slow} >= {"exceedance", "flat_line", "missing", "shift_after_notice"} or days < 40
    assert fast == slow
    # all rows judged on hour means too (the bench's water-only block judges every row on day means)
    fast, slow = _both(**_sim_inputs(sim, ~daily))
    assert fast == slow


def _nasty(rng: np.random.Generator) -> dict[str, Any]:
    """A random block whose every input has the awkward values real stored data can carry."""
    rows = int(rng.integers(1, 9))
    hours = int(rng.choice([1, 5, 23, 24, 25, 47, 48, 100, 200, 743, 800]))
    shape = (rows, hours)
    limit = rng.choice([5.0, 35.0, 50.0, np.nan], rows)
    level = np.where(np.isnan(limit), 20.0, limit)[:, None]
    values = np.round(level * rng.uniform(0.0, 1.6, shape), int(rng.integers(0, 3)))
    # stretches: frozen, just under the limit, zero/negative, over the limit, missing
    for _ in range(int(rng.integers(0, 4 * rows + 1))):
        r = int(rng.integers(rows))
        a = int(rng.integers(hours))
        b = min(hours, a + int(rng.integers(1, 40)))
        kind = int(rng.integers(6))
        if kind == 0:
            values[r, a:b] = values[r, a]
        elif kind == 1:
            values[r, a:b] = np.round(level[r, 0] * rng.uniform(0.86, 0.99) + rng.normal(0, 0.01, b - a), 3)
        elif kind == 2:
            values[r, a:b] = rng.choice([0.0, -1.0, -0.0])
        elif kind == 3:
            values[r, a:b] = level[r, 0] * rng.uniform(1.0, 2.5)
        elif kind == 4:
            values[r, a:b] = np.nan
        else:
            values[r, a:b] = level[r, 0]  # exactly at the limit: not over, not in the band
    values[rng.random(shape) < rng.uniform(0, 0.2)] = np.nan
    if rng.random() < 0.2:
        values[int(rng.integers(rows))] = np.nan  # a series that never reported
    letters = np.array(list("NNNNNNFMSDCTBPZn"))
    flags = np.where(rng.random(shape) < rng.uniform(0, 0.6), rng.choice(letters, shape), "N")
    flow = np.where(rng.random(shape) < 0.7, rng.uniform(-1, 10, shape), rng.choice([0.0, np.nan], shape))
    prod = rng.choice([0.0, 0.5, 1.0, 50.0, np.nan], shape)
    treat = rng.choice([0.0, 0.5, 1.0, 40.0, np.nan], shape)
    running_kw = rng.choice([0.5, 1.0, 5.0], rows)
    scheduled = rng.random(shape) < rng.uniform(0, 0.3)
    rs = rng.choice([0.0, 1.0, 2.0, np.nan], shape, p=[0.3, 0.4, 0.1, 0.2])
    notices = rng.choice([-1, 0, 1, hours // 2, hours - 72, hours - 1, 168, 300], rows).astype(np.intp)
    # a fall after the notice, so the shift rule has something to find
    for r in np.nonzero(notices >= 0)[0]:
        values[r, notices[r] :] *= rng.choice([0.3, 0.5, 1.0])
    return {
        "values": values,
        "flags": flags,
        "limits": limit,
        "daily": rng.random(rows) < 0.5,
        "flow": flow,
        "production_kw": prod,
        "treatment_kw": treat,
        "running_kw": running_kw if rng.random() < 0.7 else None,
        "scheduled": scheduled,
        "running_status": rs,
        "notices": notices,
    }


def test_same_findings_as_the_reference_on_adversarial_random_blocks():
    rng = np.random.default_rng(2026)
    seen: set[str] = set()
    for _ in range(400):
        kw = _nasty(rng)
        fast, slow = _both(**kw)
        assert fast == slow, kw
        seen |= {f.rule for f in slow}
    # every rule fired somewhere, so every fast path was compared on real findings
    assert seen == set(P) - {"in_force_from", "invalid_flags"}


def test_optional_inputs_and_non_contiguous_arrays_give_the_same_findings():
    rng = np.random.default_rng(8)
    for i in range(60):
        kw = _nasty(rng)
        for name in ("flow", "production_kw", "scheduled", "running_status", "notices"):
            if rng.random() < 0.3:
                kw[name] = None
        if i % 2:  # Fortran order and strided views, as a caller slicing a larger matrix would pass
            kw = {
                k: (np.asfortranarray(v) if isinstance(v, np.ndarray) and v.ndim == 2 else v)
                for k, v in kw.items()
            }
            kw["values"] = np.repeat(kw["values"], 2, axis=1)[:, ::2]
        fast, slow = _both(**kw)
        assert fast == slow


def test_building_blocks_match_the_reference():
    rng = np.random.default_rng(3)
    for _ in range(200):
        shape = (int(rng.integers(1, 6)), int(rng.integers(1, 60)))
        mask = rng.random(shape) < rng.uniform(0, 1)
        n = int(rng.integers(1, 6))
        got, want = rules.runs(mask, n), ref.runs(mask, n)
        for g, w in zip(got, want, strict=True):
            assert g.tolist() == w.tolist()
        flags = rng.choice(np.array(list("NFMSDCTBPZ")), shape)
        letters = sorted(set(rng.choice(list("NFMSDCTBX"), int(rng.integers(0, 5))).tolist()))
        assert (rules.flag_mask(flags, letters) == ref.flag_mask(flags, letters)).all()
    # each context rule on its own, called the way the app's screening calls them
    kw = _nasty(np.random.default_rng(11))
    valid = ~ref.flag_mask(kw["flags"], P["invalid_flags"]["value"]) & ~np.isnan(kw["values"])
    assert rules_context.shift_after_notice(kw["values"], valid, kw["notices"], P) == ref.shift_after_notice(
        kw["values"], valid, kw["notices"], P
    )


def test_day_means_are_the_same_to_the_last_bit():
    rng = np.random.default_rng(21)
    for _ in range(100):
        kw = _nasty(rng)
        values = kw["values"]
        valid = (rng.random(values.shape) < rng.uniform(0.5, 1.0)) & ~np.isnan(values)
        if rng.random() < 0.3:
            valid |= rng.random(values.shape) < 0.1  # "valid" NaN hours: the NaN still must not count
        got = rules.daily_means(values, valid, 20)
        want = ref.daily_means(values, valid, 20)
        assert got.shape == want.shape
        assert np.array_equal(np.isnan(got), np.isnan(want))
        assert (got.view(np.uint64) == want.view(np.uint64))[~np.isnan(want)].all()


@pytest.mark.parametrize(
    "change",
    [
        {"flag_outside_window": {"grace_hours": 0}},
        {"flag_outside_window": {"grace_hours": 3, "min_hours_per_day": 1}},
        {"flag_outside_window": {"scheduled_flags": ["M", "C", "N"]}},  # N among the letters: the other path
        {"invalid_flags": ["M", "D"], "flat_line": {"min_hours": 2}, "just_under_limit": {"min_hours": 1}},
        {"missing": {"min_hours": 1}, "zero_while_flow": {"min_hours": 1}, "treatment_off": {"min_hours": 1}},
        {"status_contradiction": {"min_hours": 1, "off_status": 2}, "exceedance": {"serious_ratio": 1.0}},
    ],
)
def test_same_findings_with_other_parameters(change):
    params = copy.deepcopy(P)
    for block, values in change.items():
        if isinstance(values, list):
            params[block]["value"] = values
        else:
            for key, value in values.items():
                params[block][key]["value"] = value
    rng = np.random.default_rng(len(str(change)))
    for _ in range(80):
        kw = _nasty(rng)
        assert screen_all(**kw, params=params) == ref.screen_all(**kw, params=params)
