"""Screening rules that read the data against its context — pure numpy, like monitoring/rules.py.

The context is what the data alone cannot say: when the enterprise learnt of an inspection (notices),
when maintenance was scheduled (recorded windows), and what the treatment facility itself reports as its
running status (HJ 212 `SBxxx-RS`). Parameters are data (data/rules.yaml) with their sources.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ecoenforce.monitoring.rules import Finding, Mask, Matrix, _findings, runs

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
    p = params["flag_outside_window"]
    g = p["grace_hours"]["value"]
    widened = scheduled.copy()
    for k in range(1, g + 1):
        widened[:, k:] |= scheduled[:, :-k]
        widened[:, :-k] |= scheduled[:, k:]
    outside = flagged & ~widened
    rows, hours = outside.shape
    days = -(-hours // 24)
    padded = np.zeros((rows, days * 24), dtype=bool)
    padded[:, :hours] = outside
    by_day = padded.reshape(rows, days, 24)
    count = by_day.sum(axis=2)
    r, d = np.nonzero(count >= p["min_hours_per_day"]["value"])
    first = np.argmax(by_day[r, d], axis=1)
    last = 23 - np.argmax(by_day[r, d][:, ::-1], axis=1)
    return [
        Finding(
            "flag_outside_window",
            int(row),
            int(day * 24 + a),
            int(day * 24 + b),
            2,
            {"hours": int(count[row, day])},
        )
        for row, day, a, b in zip(r, d, first, last, strict=True)
    ]


def status_contradiction(
    values: Matrix,
    flags: npt.NDArray[np.str_],
    running_status: Matrix,
    flow: Matrix,
    params: dict[str, Any],
) -> list[Finding]:
    """Data that contradict the treatment facility's own running status (HJ 212 SBxxx-RS), while flow runs:
    the facility says "off" (RS=0) but the data say "normal" (flag N), or the data say "stopped" (flag F)
    while the facility says "running" (RS=1). Either way one of the two records is not true."""
    p = params["status_contradiction"]
    off = p["off_status"]["value"]
    on = p["running_status"]["value"]
    present = ~np.isnan(values)
    codes = np.ascontiguousarray(flags, dtype="<U1").view(np.uint32)  # one code point per flag: fast compares
    with np.errstate(invalid="ignore"):
        flowing = flow > 0
        claims_normal = present & (codes == ord("N")) & (running_status == off)
        claims_stopped = present & (codes == ord("F")) & (running_status == on)
    bad = flowing & (claims_normal | claims_stopped)
    r, s, e = runs(bad, p["min_hours"]["value"])
    return _findings("status_contradiction", r, s, e, 2)
