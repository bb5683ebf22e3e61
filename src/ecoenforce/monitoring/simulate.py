"""Labelled simulated monitoring data (pure numpy): daily patterns per pollutant and injected faults.

Used by `manage.py hj212_simulate` (sent as HJ 212 packets over TCP), by the rule tests (precision and
recall per rule) and by the benchmarks. Each fault is labelled with the rule that should find it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FAULTS = (
    "exceedance",
    "flat_line",
    "zero_while_flow",
    "missing",
    "flag_abuse",
    "just_under_limit",
    "treatment_off",
    "shift_after_notice",
    "flag_outside_window",
    "status_contradiction",
)
# faults that need a week of data before and days after their start
LONG_FAULTS = frozenset({"shift_after_notice"})
LONG_MIN_DAYS = 11
# the scheduled calibration every point has: 2 hours once a week (HJ 355-2019 / HJ 75-2017 require periodic
# calibration; a weekly 2-hour slot is a typical operation contract)
CALIBRATION = {"every_days": 7, "hour": 10, "hours": 2}
# pollutant: (base level, daily swing, noise sd, limit) — water COD/NH3-N in mg/L, air SO2 in mg/m3
PATTERNS = {
    "w01018": (25.0, 6.0, 1.5, 50.0),
    "w21003": (1.5, 0.5, 0.15, 5.0),
    "a21026": (15.0, 5.0, 1.2, 35.0),
}


@dataclass
class Label:
    rule: str
    row: int
    start: int
    end: int  # inclusive hour index


@dataclass
class Simulated:
    values: npt.NDArray[np.float64]  # rows × hours, NaN = nothing sent
    flags: npt.NDArray[np.str_]  # HJ 212 data flags per hour
    flow: npt.NDArray[np.float64]
    production_kw: npt.NDArray[np.float64]
    treatment_kw: npt.NDArray[np.float64]
    limits: npt.NDArray[np.float64]
    pollutants: list[str]
    scheduled: npt.NDArray[np.bool_]  # hours inside the point's recorded maintenance windows
    running_status: npt.NDArray[np.float64]  # SBxxx-RS of the treatment facility (1 run, 0 off, NaN none)
    notices: npt.NDArray[np.intp]  # hour index of the latest inspection notice, -1 none
    labels: list[Label] = field(default_factory=list)

    @property
    def valid(self) -> npt.NDArray[np.bool_]:
        ok: npt.NDArray[np.bool_] = (self.flags == "N") & ~np.isnan(self.values)
        return ok


def generate(
    points: int,
    days: int,
    *,
    seed: int = 212,
    fault_share: float = 0.5,
    pollutants: tuple[str, ...] = ("w01018",),
) -> Simulated:
    """`points` rows per pollutant over `days` × 24 hours; about fault_share of rows get one fault."""
    rng = np.random.default_rng(seed)
    hours = days * 24
    rows = points * len(pollutants)
    h = np.arange(hours)
    names = [pol for pol in pollutants for _ in range(points)]
    base = np.array([PATTERNS[p][0] for p in names])[:, None]
    swing = np.array([PATTERNS[p][1] for p in names])[:, None]
    sd = np.array([PATTERNS[p][2] for p in names])[:, None]
    limits = np.array([PATTERNS[p][3] for p in names], dtype=np.float64)
    daily = np.sin(2 * np.pi * ((h % 24) - 8) / 24)[None, :]
    values = np.round(base + swing * daily + rng.normal(0, 1, (rows, hours)) * sd, 3)
    values = np.maximum(values, 0.01)
    flow = np.round(10 + 3 * daily + rng.normal(0, 0.5, (rows, hours)), 2)
    production = np.full((rows, hours), 120.0) + rng.normal(0, 5, (rows, hours))
    treatment = np.full((rows, hours), 45.0) + rng.normal(0, 2, (rows, hours))
    flags = np.full((rows, hours), "N")
    scheduled = np.zeros((rows, hours), dtype=bool)
    for row in range(rows):
        first = (row % CALIBRATION["every_days"]) * 24 + CALIBRATION["hour"]
        for s in range(first, hours, CALIBRATION["every_days"] * 24):
            scheduled[row, s : s + CALIBRATION["hours"]] = True
    rs = np.ones((rows, hours))
    notices = np.full(rows, -1, dtype=np.intp)
    sim = Simulated(
        values, flags, flow, production, treatment, limits, names, scheduled, rs, notices
    )  # fmt: skip
    choices = [f for f in FAULTS if days >= LONG_MIN_DAYS or f not in LONG_FAULTS]
    for row in range(rows):
        if rng.random() < fault_share and days >= 3:
            _inject(sim, row, choices[int(rng.integers(len(choices)))], rng)
    labelled = np.zeros((rows, hours), dtype=bool)
    for lb in sim.labels:
        labelled[lb.row, lb.start : lb.end + 1] = True
    # the scheduled calibrations happen (flag C inside the window) except where a fault was injected,
    # so a legitimate calibration never hides the fault a label promises
    sim.flags[scheduled & ~labelled & (sim.flags == "N")] = "C"
    # notices without any reaction on a share of clean rows: the shift rule must not fire on them
    if days >= LONG_MIN_DAYS:
        clean = sorted(set(range(rows)) - {lb.row for lb in sim.labels})
        for row in clean:
            if rng.random() < 0.3:
                sim.notices[row] = int(rng.integers(7 * 24, hours - 3 * 24))
    return sim


def _inject(sim: Simulated, row: int, fault: str, rng: np.random.Generator) -> None:
    hours = sim.values.shape[1]
    limit = float(sim.limits[row])
    day = int(rng.integers(1, hours // 24 - 1))
    start = day * 24 + int(rng.integers(0, 6))
    if fault == "exceedance":
        start, end = day * 24, day * 24 + 23  # a whole day, so hourly and daily judging both see it
        sim.values[row, start : end + 1] = np.round(limit * rng.uniform(1.3, 2.0) + rng.normal(0, 1, 24), 3)
    elif fault == "flat_line":
        end = start + int(rng.integers(10, 18))
        sim.values[row, start : end + 1] = sim.values[row, start]
    elif fault == "zero_while_flow":
        end = start + int(rng.integers(4, 8))
        sim.values[row, start : end + 1] = 0.0
    elif fault == "missing":
        end = start + int(rng.integers(8, 16))
        sim.values[row, start : end + 1] = np.nan
    elif fault == "flag_abuse":
        start, end = max(0, hours - 720), hours - 1  # flags scattered over the last 30 days, ~20 %
        picks = rng.random(end - start + 1) < 0.2
        sim.flags[row, start : end + 1] = np.where(picks, rng.choice(["M", "C", "D"], picks.size), "N")
        # scattered M/C outside any window: this fault is also what the window rule looks for
        sim.labels.append(Label("flag_outside_window", row, start, end))
    elif fault == "just_under_limit":
        end = start + int(rng.integers(18, 30))
        level = limit * rng.uniform(0.9, 0.97)
        sim.values[row, start : end + 1] = np.round(level + rng.normal(0, limit * 0.002, end - start + 1), 3)
    elif fault == "treatment_off":
        # the treatment meter drops to standby while production runs and data flows; the logger's own
        # run status keeps saying "running" (RS=1) — only the separate meter shows the truth
        end = start + int(rng.integers(3, 8))
        sim.treatment_kw[row, start : end + 1] = rng.uniform(0.0, 0.3, end - start + 1)
    elif fault == "shift_after_notice":
        # an inspection notice, then within hours the level falls to about half and stays there
        start = int(rng.integers(7 * 24, hours - 3 * 24))
        end = start + 3 * 24 - 1
        lag = int(rng.integers(0, 12))
        sim.values[row, start + lag :] = np.round(sim.values[row, start + lag :] * rng.uniform(0.4, 0.6), 3)
        sim.notices[row] = start
    elif fault == "flag_outside_window":
        # maintenance (M) for a few hours on a day without any recorded window
        end = start + int(rng.integers(2, 6))
        while sim.scheduled[row, max(0, start - 2) : end + 3].any():
            start, end = start + 24, end + 24
        if end >= hours:
            start, end = start - 72, end - 72
        sim.flags[row, start : end + 1] = "M"
    else:  # status_contradiction
        end = start + int(rng.integers(3, 8))
        if rng.random() < 0.5:  # the treatment facility reports "off" while the data stay "normal"
            sim.running_status[row, start : end + 1] = 0.0
        else:  # the data claim the source stopped (F) while the facility runs and the flow goes on
            sim.flags[row, start : end + 1] = "F"
    sim.labels.append(Label(fault, row, start, end))


def score(findings: list[tuple[str, int, int, int]], labels: list[Label], rule: str) -> tuple[float, float]:
    """Event-level precision and recall of one rule: a finding overlapping a label of that rule is a hit."""
    mine = [(r, s, e) for name, r, s, e in findings if name == rule]
    truth = [(lb.row, lb.start, lb.end) for lb in labels if lb.rule == rule]

    def overlaps(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
        return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]

    tp_f = sum(1 for f in mine if any(overlaps(f, t) for t in truth))
    tp_t = sum(1 for t in truth if any(overlaps(f, t) for f in mine))
    precision = tp_f / len(mine) if mine else 1.0
    recall = tp_t / len(truth) if truth else 1.0
    return precision, recall
