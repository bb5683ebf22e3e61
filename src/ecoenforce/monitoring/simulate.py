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
)
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
    sim = Simulated(values, np.full((rows, hours), "N"), flow, production, treatment, limits, names)
    for row in range(rows):
        if rng.random() < fault_share and days >= 3:
            _inject(sim, row, FAULTS[int(rng.integers(len(FAULTS)))], rng)
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
    elif fault == "just_under_limit":
        end = start + int(rng.integers(18, 30))
        level = limit * rng.uniform(0.9, 0.97)
        sim.values[row, start : end + 1] = np.round(level + rng.normal(0, limit * 0.002, end - start + 1), 3)
    else:  # treatment_off: the treatment meter drops to standby while production runs and data flows
        end = start + int(rng.integers(3, 8))
        sim.treatment_kw[row, start : end + 1] = rng.uniform(0.0, 0.3, end - start + 1)
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
