"""Screening rules that read the data against its context — pure numpy, like monitoring/rules.py.

The context is what the data alone cannot say: when the enterprise learnt of an inspection (notices),
when maintenance was scheduled (recorded windows), and what the treatment facility itself reports as its
running status (HJ 212 `SBxxx-RS`). Parameters are data (data/rules.yaml) with their sources.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ecoenforce.monitoring.rules import Cells, Finding, FlagIndex, Mask, Matrix, _at, _findings, runs_of_cells

MAD_TO_SD = 1.4826  # scale of the median absolute deviation to a normal sd
MEDIAN_SE = 1.2533  # standard error of a median = 1.2533 · sd / √n (normal data)


def _windows(values: Matrix, valid: Mask, anchor: npt.NDArray[np.intp], offset: int, length: int) -> Matrix:
    """Rows' values in [anchor + offset, anchor + offset + length), NaN outside the series or invalid."""
    cols = anchor[:, None] + offset + np.arange(length)[None, :]
    inside = (cols >= 0) & (cols < values.shape[1])
    safe = np.clip(cols, 0, values.shape[1] - 1)
    rows = np.arange(values.shape[0])[:, None]
    taken = np.where(valid[rows, safe] & inside, values[rows, safe], np.nan)
    out: Matrix = taken
    return out


def shift_after_notice(
    values: Matrix, valid: Mask, notices: npt.NDArray[np.intp], params: dict[str, Any]
) -> list[Finding]:
    """The level falls right after the enterprise learnt of an inspection (notice hour per row, -1 none).

    Compares the median of the valid hours before the notice with the median after it: a fall of at least
    min_relative_change that is also min_z standard errors large. Medians, so a fault day inside either
    window does not move them; whole days on both sides, so the daily pattern cancels out.
    """
    p = params["shift_after_notice"]
    before_h, after_h = p["before_hours"]["value"], p["after_hours"]["value"]
    share = p["min_valid_share"]["value"]
    idx = np.nonzero((notices >= 0) & (notices + after_h <= values.shape[1]))[0]
    if idx.size == 0:
        return []
    t = notices[idx]
    before = _windows(values[idx], valid[idx], t, -before_h, before_h)
    after = _windows(values[idx], valid[idx], t, 0, after_h)
    nb = np.sum(~np.isnan(before), axis=1)
    na = np.sum(~np.isnan(after), axis=1)
    enough = (nb >= share * before_h) & (na >= share * after_h)
    if not enough.any():
        return []
    idx, t, before, after, nb, na = (
        idx[enough],
        t[enough],
        before[enough],
        after[enough],
        nb[enough],
        na[enough],
    )
    mb = np.nanmedian(before, axis=1)
    ma = np.nanmedian(after, axis=1)
    sb = MAD_TO_SD * np.nanmedian(np.abs(before - mb[:, None]), axis=1)
    sa = MAD_TO_SD * np.nanmedian(np.abs(after - ma[:, None]), axis=1)
    se = MEDIAN_SE * np.sqrt(sb**2 / nb + sa**2 / na)
    with np.errstate(invalid="ignore", divide="ignore"):
        change = (ma - mb) / mb
        z = (mb - ma) / np.maximum(se, 1e-9)
    hit = (mb > 0) & (change <= -p["min_relative_change"]["value"]) & (z >= p["min_z"]["value"])
    return [
        Finding(
            "shift_after_notice",
            int(idx[i]),
            int(t[i]),
            int(t[i] + after_h - 1),
            1,
            {
                "hours": after_h,
                "before": round(float(mb[i]), 4),
                "after": round(float(ma[i]), 4),
                "change": round(float(change[i]), 3),
            },
        )
        for i in np.nonzero(hit)[0]
    ]


def flag_outside_window(flagged: Mask, scheduled: Mask, params: dict[str, Any]) -> list[Finding]:
    """Maintenance/calibration flags (M, C) on hours outside every recorded maintenance window.

    Windows are widened by grace_hours (a logger's clock and an hour average straddling the window's
    edge); a day with at least min_hours_per_day such hours is one finding, first to last such hour.
    """
    return flag_outside_window_cells(np.flatnonzero(flagged), flagged.shape, scheduled, params)


def flag_outside_window_cells(
    cells: Cells, shape: tuple[int, ...], scheduled: Mask, params: dict[str, Any]
) -> list[Finding]:
    """flag_outside_window from the flat indices (sorted) of the flagged hours: only those are looked at."""
    p = params["flag_outside_window"]
    g = p["grace_hours"]["value"]
    hours = shape[1]
    if cells.size == 0:
        return []
    rows, cols = cells // hours, cells % hours
    sched = np.ravel(scheduled)
    inside = sched[cells]
    for k in range(1, g + 1):  # a window within g hours either side, in the same row
        inside |= (cols >= k) & sched[np.maximum(cells - k, 0)]
        inside |= (cols + k < hours) & sched[np.minimum(cells + k, sched.size - 1)]
    rows, cols = rows[~inside], cols[~inside]
    if rows.size == 0:
        return []
    day = rows * (-(-hours // 24)) + cols // 24  # (row, day) in row-major order, like the cells
    new = np.empty(day.size, dtype=bool)
    new[0] = True
    np.not_equal(day[1:], day[:-1], out=new[1:])
    first = np.flatnonzero(new)
    count = np.diff(np.append(first, day.size))
    last = first + count - 1
    keep = count >= p["min_hours_per_day"]["value"]
    return [
        Finding(
            "flag_outside_window",
            int(rows[a]),
            int(cols[a]),
            int(cols[b]),
            2,
            {"hours": int(n)},
        )
        for a, b, n in zip(first[keep], last[keep], count[keep], strict=True)
    ]


def status_contradiction(
    values: Matrix,
    flags: npt.NDArray[np.str_],
    running_status: Matrix,
    flow: Matrix,
    params: dict[str, Any],
    *,
    flag_index: FlagIndex | None = None,
) -> list[Finding]:
    """Data that contradict the treatment facility's own running status (HJ 212 SBxxx-RS), while flow runs:
    the facility says "off" (RS=0) but the data say "normal" (flag N), or the data say "stopped" (flag F)
    while the facility says "running" (RS=1). Either way one of the two records is not true.

    Starts from the few hours reported off or flagged F and reads the other conditions only there.
    `flag_index` (of `flags`) saves building it again when the caller has one.
    """
    p = params["status_contradiction"]
    off = p["off_status"]["value"]
    on = p["running_status"]["value"]
    fi = flag_index if flag_index is not None else FlagIndex(flags)
    with np.errstate(invalid="ignore"):
        said_off = np.flatnonzero(running_status == off)
        said_off = said_off[_at(fi.codes, said_off) == ord("N")]
        stopped = fi.cells(["F"])
        stopped = stopped[_at(running_status, stopped) == on]
        cells = np.union1d(said_off, stopped)  # sorted; a cell is flagged N or F, never both
        cells = cells[~np.isnan(_at(values, cells)) & (_at(flow, cells) > 0)]
    r, s, e = runs_of_cells(cells, values.shape[1], p["min_hours"]["value"])
    return _findings("status_contradiction", r, s, e, 2)
