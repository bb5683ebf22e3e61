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


Cells = npt.NDArray[np.intp]
N_CODE = ord("N")


def runs(mask: Mask, min_len: int) -> tuple[Cells, Cells, Cells]:
    """Runs of True of at least min_len in each row: (rows, starts, ends inclusive), in row order."""
    return runs_of_cells(np.flatnonzero(mask), mask.shape[1], min_len)


def _run_bounds(cells: Cells, width: int, min_len: int) -> tuple[Cells, Cells]:
    """Positions in `cells` of the first and last cell of each run of at least min_len.

    `cells` are the sorted flat (row-major) indices of the True cells of a matrix `width` columns wide; a run
    breaks where the next cell is not adjacent or starts a new row. The rules' masks are sparse (faults are
    rare), so working on their True cells costs a few passes over those instead of over the whole matrix.
    """
    if cells.size == 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    new = np.empty(cells.size, dtype=bool)
    new[0] = True
    np.not_equal(np.diff(cells), 1, out=new[1:])
    new[1:] |= cells[1:] % width == 0
    first = np.flatnonzero(new)
    last = np.empty_like(first)
    last[:-1] = first[1:] - 1
    last[-1] = cells.size - 1
    keep = (last - first + 1) >= min_len
    return first[keep], last[keep]


def runs_of_cells(cells: Cells, width: int, min_len: int) -> tuple[Cells, Cells, Cells]:
    """`runs` from the sorted flat indices of the True cells (see _run_bounds)."""
    first, last = _run_bounds(cells, width, min_len)
    a, b = cells[first], cells[last]
    rows = a // width if width else a
    return rows, a - rows * width, b - rows * width


def _at(a: npt.NDArray[Any], cells: Cells) -> npt.NDArray[Any]:
    """a's values at flat (row-major) cells; np.ravel is a view for the usual C-ordered input."""
    out: npt.NDArray[Any] = np.ravel(a)[cells]
    return out


def _findings(rule: str, rows: Any, starts: Any, ends: Any, severity: int, **facts: Any) -> list[Finding]:
    return [
        Finding(rule, int(r), int(s), int(e), severity, {"hours": int(e - s + 1), **facts})
        for r, s, e in zip(rows, starts, ends, strict=True)
    ]


def daily_means(values: Matrix, valid: Mask, min_hours: int) -> Matrix:
    """Mean of the valid hours of each day (columns in whole days); NaN where fewer than min_hours.

    A day whose 24 hours all count is summed as it stands; only the few days with an invalid or missing
    hour are summed again with those hours as 0 — the same 24 numbers in the same order as summing the
    zero-filled matrix, so the same sums to the last bit, without writing a zero-filled copy of the block.
    """
    p, t = values.shape
    cut = t - t % 24
    days = cut // 24
    v = values[:, :cut].reshape(p * days, 24)
    skip = np.isnan(values[:, :cut])
    np.greater_equal(skip, valid[:, :cut], out=skip)  # NaN, or not valid: isnan ≥ valid in booleans
    bad = np.flatnonzero(skip) // 24  # day (row-major over rows × days) of each hour that does not count
    counts = 24 - np.bincount(bad, minlength=p * days)
    sums = v.sum(axis=1)
    if bad.size:
        touched = bad[np.append(True, bad[1:] != bad[:-1])]  # bad is sorted: its distinct days
        sums[touched] = np.where(skip.reshape(p * days, 24)[touched], 0.0, v[touched]).sum(axis=1)
    means: Matrix = np.where(counts >= min_hours, sums / np.maximum(counts, 1), np.nan).reshape(p, days)
    return means


class FlagIndex:
    """The hours not flagged N and their letters: most hours are N, so each mask of letters is built from
    these few instead of comparing every hour with every letter."""

    def __init__(self, flags: npt.NDArray[np.str_]) -> None:
        # one code point per flag: fast compares (np.isin on str is slow)
        self.codes: npt.NDArray[np.uint32] = np.ascontiguousarray(flags, dtype="<U1").view(np.uint32)
        self.odd = np.flatnonzero(self.codes != N_CODE)
        self.odd_codes = self.codes.ravel()[self.odd]

    def _odd_cells(self, letters: list[str] | frozenset[str]) -> Cells:
        """Flat indices, sorted, of the hours flagged with one of `letters` other than N."""
        wanted = np.array([ord(c) for c in letters], dtype=np.uint32)
        picked: Cells = self.odd[np.isin(self.odd_codes, wanted)]
        return picked

    def cells(self, letters: list[str] | frozenset[str]) -> Cells:
        """Flat indices, sorted, of the hours flagged with one of `letters`."""
        if "N" in letters:
            return np.flatnonzero(self.mask(letters))
        return self._odd_cells(letters)

    def mask(self, letters: list[str] | frozenset[str]) -> Mask:
        if "N" in letters:
            out: Mask = self.codes == N_CODE
        else:
            out = np.zeros(self.codes.shape, dtype=bool)
        out.ravel()[self._odd_cells(letters)] = True
        return out


def flag_mask(flags: npt.NDArray[np.str_], letters: list[str]) -> Mask:
    """flags (one HJ 212 letter per cell) in `letters`."""
    return FlagIndex(flags).mask(letters)


def _exceedance_runs(
    level: Matrix,
    over: Cells,
    row_ids: Cells,
    lim: Matrix,
    ratio: float,
    window: int,
    period: str,
    hours_per_col: int,
) -> list[Finding]:
    """One finding per run of exceeding periods (`over`: flat cells of `level`, rows mapped by row_ids)."""
    width = level.shape[1]
    first, last = _run_bounds(over, width, 1)
    if first.size == 0:
        return []
    a, b = over[first], over[last]
    rows = a // width
    start, end = a - rows * width, b - rows * width
    # every period of a run exceeds, so none is NaN: the run's max is nanmax of the segment
    peaks = np.maximum.reduceat(_at(level, over), first)
    limits = lim[row_ids[rows]]
    serious = peaks > limits * ratio
    # exceeding periods of the row in the 30 days ending with the run's last period (over is sorted)
    n30 = np.searchsorted(over, b, "right") - np.searchsorted(
        over, rows * width + np.maximum(0, end - window + 1)
    )
    return [
        Finding(
            "exceedance",
            int(row_ids[r]),
            int(s) * hours_per_col,
            int(e) * hours_per_col + hours_per_col - 1,
            3 if sev else 2,
            {
                "hours": int((e - s + 1) * hours_per_col),
                "peak": round(float(pk), 4),
                "limit": float(lm),
                "period": period,
                "count_30d": int(n),
            },
        )
        for r, s, e, pk, lm, sev, n in zip(rows, start, end, peaks, limits, serious, n30, strict=True)
    ]


def exceedance(
    values: Matrix, valid: Mask, limits: Matrix, daily: Mask, params: dict[str, Any]
) -> list[Finding]:
    """Hour averages (air) or day averages (water) above the row's limit; invalid data never counts.

    `limits` is one value per row (NaN = no limit), `daily` says which rows are judged on day averages.
    Consecutive exceeding periods make one finding; facts count exceeding periods per day and per 30 days.
    """
    p = params["exceedance"]
    ratio = p["serious_ratio"]["value"]
    lim = np.asarray(limits, dtype=np.float64)
    daily = np.asarray(daily, dtype=bool)
    out: list[Finding] = []
    hourly_rows = ~daily
    if hourly_rows.any():
        idx = np.nonzero(hourly_rows)[0]
        every = idx.size == values.shape[0]
        v = values if every else values[idx]
        with np.errstate(invalid="ignore"):
            over = np.flatnonzero(v > lim[idx][:, None])
        over = over[_at(valid if every else valid[idx], over)]
        out += _exceedance_runs(v, over, idx, lim, ratio, 720, "hour", 1)
    if daily.any():
        idx = np.nonzero(daily)[0]
        every = idx.size == values.shape[0]
        means = daily_means(
            values if every else values[idx],
            valid if every else valid[idx],
            p["min_valid_hours_per_day"]["value"],
        )
        with np.errstate(invalid="ignore"):
            over_d = np.flatnonzero(means > lim[idx][:, None])
        out += _exceedance_runs(means, over_d, idx, lim, ratio, 30, "day", 24)
    return out


def flat_line(values: Matrix, valid: Mask, params: dict[str, Any]) -> list[Finding]:
    """The same value hour after hour while the data claims to be valid."""
    n = params["flat_line"]["min_hours"]["value"]
    t = values.shape[1]
    if t < 2:
        return []
    # hours equal to the hour before: few in live data, so the other conditions are read only there
    eq = np.flatnonzero(values[:, 1:] == values[:, :-1])
    cells = eq + eq // (t - 1) + 1  # from the (rows, t-1) comparison to the hour's flat index
    ok = _at(valid, cells) & _at(valid, cells - 1)
    with np.errstate(invalid="ignore"):
        # zeros and negatives are the zero_while_flow rule's; here: a frozen positive reading
        ok &= _at(values, cells) > 0
    # a run of k equal steps spans k + 1 hours
    r, s, e = runs_of_cells(cells[ok], t, n - 1)
    return _findings("flat_line", r, s - 1, e, 2)


def zero_while_flow(values: Matrix, valid: Mask, flow: Matrix, params: dict[str, Any]) -> list[Finding]:
    """Concentration ≤ 0 while the outlet's flow runs (flow row aligned with each value row)."""
    n = params["zero_while_flow"]["min_hours"]["value"]
    with np.errstate(invalid="ignore"):
        cells = np.flatnonzero(values <= 0)
        cells = cells[_at(valid, cells) & (_at(np.broadcast_to(flow, values.shape), cells) > 0)]
    r, s, e = runs_of_cells(cells, values.shape[1], n)
    return _findings("zero_while_flow", r, s, e, 2)


def missing(values: Matrix, params: dict[str, Any]) -> list[Finding]:
    """Hours without data after the series' first value (before it, the point was not yet reporting)."""
    n = params["missing"]["min_hours"]["value"]
    r, s, e = runs_of_cells(np.flatnonzero(np.isnan(values)), values.shape[1], n)
    # a run from the first hour is the time before the series' first value (all of it, when none came)
    later = s > 0
    return _findings("missing", r[later], s[later], e[later], 1)


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
    lim = np.asarray(limits, dtype=np.float64)
    t = values.shape[1]
    with np.errstate(invalid="ignore"):
        cells = np.flatnonzero(values >= (lo * lim)[:, None])
        rows = cells // t if t else cells
        v = _at(values, cells)
        cells = cells[_at(valid, cells) & (v < (hi * lim)[rows])]
    # all runs, so that each run's cells end where the next run's begin (reduceat's segments)
    first, last = _run_bounds(cells, t, 1)
    if first.size == 0:
        return []
    # every hour of a run is inside the band, so none is NaN: nanmax/nanmin of the segment are max/min
    v = _at(values, cells)
    spread = np.maximum.reduceat(v, first) - np.minimum.reduceat(v, first)
    a, b = cells[first], cells[last]
    rows = a // t
    keep = (last - first + 1 >= n) & (spread <= p["max_relative_spread"]["value"] * lim[rows])
    out = []
    for row, start, end in zip(rows[keep], a[keep] - rows[keep] * t, b[keep] - rows[keep] * t, strict=True):
        seg = values[row, start : end + 1]
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
    th = np.asarray(running_kw)
    t = reporting.shape[1]
    with np.errstate(invalid="ignore"):
        # not "≤": a missing reading (NaN) counts as idle too
        idle = np.asarray(treatment_kw > th[:, None])
        cells = np.flatnonzero(np.logical_not(idle, out=idle))
        rows = cells // t if t else cells
        cells = cells[_at(reporting, cells) & (_at(production_kw, cells) > th[rows])]
    r, s, e = runs_of_cells(cells, t, n)
    return _findings("treatment_off", r, s, e, 3)
