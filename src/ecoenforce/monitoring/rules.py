"""Screening rules over hourly monitoring data — pure numpy, vectorised over points × hours.

Inputs are matrices with one row per (point, pollutant) series and one column per hour of the window:
`values` (float, NaN = missing), `valid` (bool: a flag that counts, see rules.yaml invalid_flags), and
for some rules `flow`, `production_kw`, `treatment_kw`. Each rule returns Findings (row, first and last
hour index, facts). Parameters are data (data/rules.yaml) with their sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

Matrix = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
PARAMS_FILE = Path(__file__).parent / "data" / "rules.yaml"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    row: int
    start: int  # hour index, inclusive
    end: int  # hour index, inclusive
    severity: int  # 1 一般, 2 较重, 3 严重
    facts: dict[str, Any] = field(default_factory=dict)


def load_params(path: Path = PARAMS_FILE) -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return raw


def runs(mask: Mask, min_len: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Runs of True of at least min_len in each row: (rows, starts, ends inclusive), in row order."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    d = np.diff(padded, axis=1)
    r1, s = np.nonzero(d == 1)
    _, e = np.nonzero(d == -1)
    keep = (e - s) >= min_len
    return r1[keep], s[keep], e[keep] - 1


def _findings(rule: str, rows: Any, starts: Any, ends: Any, severity: int, **facts: Any) -> list[Finding]:
    return [
        Finding(rule, int(r), int(s), int(e), severity, {"hours": int(e - s + 1), **facts})
        for r, s, e in zip(rows, starts, ends, strict=True)
    ]


def daily_means(values: Matrix, valid: Mask, min_hours: int) -> Matrix:
    """Mean of the valid hours of each day (columns in whole days); NaN where fewer than min_hours."""
    p, t = values.shape
    ok = valid & ~np.isnan(values)
    cut = t - t % 24
    sums = np.where(ok, values, 0.0)[:, :cut].reshape(p, -1, 24).sum(axis=2)
    counts = ok[:, :cut].reshape(p, -1, 24).sum(axis=2)
    return np.where(counts >= min_hours, sums / np.maximum(counts, 1), np.nan)


def flag_mask(flags: npt.NDArray[np.str_], letters: list[str]) -> Mask:
    """flags (one HJ 212 letter per cell) in `letters`, compared as code points (np.isin on str is slow)."""
    codes = np.ascontiguousarray(flags, dtype="<U1").view(np.uint32)
    return np.isin(codes, np.array([ord(c) for c in letters], dtype=np.uint32))


def exceedance(
    values: Matrix, valid: Mask, limits: Matrix, daily: Mask, params: dict[str, Any]
) -> list[Finding]:
    """Hour averages (air) or day averages (water) above the row's limit; invalid data never counts.

    `limits` is one value per row (NaN = no limit), `daily` says which rows are judged on day averages.
    Consecutive exceeding periods make one finding; facts count exceeding periods per day and per 30 days.
    """
    p = params["exceedance"]
    out: list[Finding] = []
    lim = limits[:, None]
    hourly_rows = ~daily
    if hourly_rows.any():
        v = values[hourly_rows]
        with np.errstate(invalid="ignore"):
            over = valid[hourly_rows] & (v > lim[hourly_rows])
        idx = np.nonzero(hourly_rows)[0]
        r, s, e = runs(over, 1)
        for row, start, end in zip(r, s, e, strict=True):
            peak = float(np.nanmax(v[row, start : end + 1]))
            limit = float(lim[idx[row], 0])
            sev = 3 if peak > limit * p["serious_ratio"]["value"] else 2
            n30 = int(over[row, max(0, end - 719) : end + 1].sum())
            out += _findings(
                "exceedance",
                [idx[row]],
                [start],
                [end],
                sev,
                peak=round(peak, 4),
                limit=limit,
                period="hour",
                count_30d=n30,
            )
    if daily.any():
        means = daily_means(values[daily], valid[daily], p["min_valid_hours_per_day"]["value"])
        idx = np.nonzero(daily)[0]
        with np.errstate(invalid="ignore"):
            over_d = means > lim[daily]
        r, s, e = runs(over_d, 1)
        for row, start, end in zip(r, s, e, strict=True):
            peak = float(np.nanmax(means[row, start : end + 1]))
            limit = float(lim[idx[row], 0])
            sev = 3 if peak > limit * p["serious_ratio"]["value"] else 2
            n30 = int(over_d[row, max(0, end - 29) : end + 1].sum())
            out += _findings(
                "exceedance",
                [idx[row]],
                [start * 24],
                [end * 24 + 23],
                sev,
                peak=round(peak, 4),
                limit=limit,
                period="day",
                count_30d=n30,
            )
    return out


def flat_line(values: Matrix, valid: Mask, params: dict[str, Any]) -> list[Finding]:
    """The same value hour after hour while the data claims to be valid."""
    n = params["flat_line"]["min_hours"]["value"]
    same = np.zeros_like(valid)
    with np.errstate(invalid="ignore"):
        # zeros and negatives are the zero_while_flow rule's; here: a frozen positive reading
        same[:, 1:] = (values[:, 1:] == values[:, :-1]) & valid[:, 1:] & valid[:, :-1] & (values[:, 1:] > 0)
    # a run of k equal steps spans k + 1 hours
    r, s, e = runs(same, n - 1)
    return _findings("flat_line", r, s - 1, e, 2)


def zero_while_flow(values: Matrix, valid: Mask, flow: Matrix, params: dict[str, Any]) -> list[Finding]:
    """Concentration ≤ 0 while the outlet's flow runs (flow row aligned with each value row)."""
    n = params["zero_while_flow"]["min_hours"]["value"]
    with np.errstate(invalid="ignore"):
        bad = valid & (values <= 0) & (flow > 0)
    r, s, e = runs(bad, n)
    return _findings("zero_while_flow", r, s, e, 2)


def missing(values: Matrix, params: dict[str, Any]) -> list[Finding]:
    """Hours without data after the series' first value (before it, the point was not yet reporting)."""
    n = params["missing"]["min_hours"]["value"]
    absent = np.isnan(values)
    started = np.maximum.accumulate(~absent, axis=1)
    r, s, e = runs(absent & started, n)
    return _findings("missing", r, s, e, 1)


def flag_abuse(flagged: Mask, params: dict[str, Any]) -> list[Finding]:
    """More than max_share of the window flagged M/C/D/F (flagged = those flags, per hour)."""
    p = params["flag_abuse"]
    window = min(p["window_hours"]["value"], flagged.shape[1])
    share = flagged[:, -window:].mean(axis=1)
    rows = np.nonzero(share > p["max_share"]["value"])[0]
    t = flagged.shape[1]
    return [
        Finding("flag_abuse", int(r), t - window, t - 1, 2, {"share": round(float(share[r]), 3)})
        for r in rows
    ]


def just_under_limit(values: Matrix, valid: Mask, limits: Matrix, params: dict[str, Any]) -> list[Finding]:
    """A level held in a narrow band just under the limit: a run inside the band with almost no spread."""
    p = params["just_under_limit"]
    n = p["min_hours"]["value"]
    lo, hi = p["band"]["value"]
    lim = limits[:, None]
    with np.errstate(invalid="ignore"):
        band = valid & (values >= lo * lim) & (values < hi * lim)
    out = []
    r, s, e = runs(band, n)
    for row, start, end in zip(r, s, e, strict=True):
        seg = values[row, start : end + 1]
        spread = float(np.nanmax(seg) - np.nanmin(seg))
        if spread <= p["max_relative_spread"]["value"] * float(limits[row]):
            out += _findings(
                "just_under_limit",
                [row],
                [start],
                [end],
                3,
                limit=float(limits[row]),
                level=round(float(np.nanmean(seg)), 4),
            )
    return out


def treatment_off(
    reporting: Mask, production_kw: Matrix, treatment_kw: Matrix, running_kw: Matrix, params: dict[str, Any]
) -> list[Finding]:
    """Production draws power while the treatment equipment does not, and the point keeps sending data."""
    n = params["treatment_off"]["min_hours"]["value"]
    th = running_kw[:, None]
    with np.errstate(invalid="ignore"):
        bad = reporting & (production_kw > th) & ~(treatment_kw > th)
    r, s, e = runs(bad, n)
    return _findings("treatment_off", r, s, e, 3)
