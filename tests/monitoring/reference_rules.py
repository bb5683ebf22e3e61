"""Reference copy of the screening rules as they were before the whole-block rewrite (commit 653c0cd).

Kept verbatim (only imports joined) so tests/monitoring/test_rules_equivalence.py and
bench/bench_monitoring_rules.py can check that the optimised rules in ecoenforce.monitoring give exactly the
same findings, and time both in the same run. Do not optimise this file.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ecoenforce.monitoring.rules import Finding, load_params

Matrix = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


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


INVALIDATING = frozenset({"M", "C", "D", "F"})  # flag_abuse counts these (rules.yaml)


def screen_all(
    *,
    values: npt.NDArray[np.float64],
    flags: npt.NDArray[np.str_],
    limits: npt.NDArray[np.float64],
    daily: npt.NDArray[np.bool_],
    flow: npt.NDArray[np.float64] | None = None,
    production_kw: npt.NDArray[np.float64] | None = None,
    treatment_kw: npt.NDArray[np.float64] | None = None,
    running_kw: npt.NDArray[np.float64] | None = None,
    scheduled: npt.NDArray[np.bool_] | None = None,
    running_status: npt.NDArray[np.float64] | None = None,
    notices: npt.NDArray[np.intp] | None = None,
    params: dict[str, Any] | None = None,
) -> list[Finding]:
    params = params or load_params()
    invalid = params["invalid_flags"]["value"]
    valid = ~flag_mask(flags, invalid) & ~np.isnan(values)
    out = exceedance(values, valid, limits, daily, params)
    out += flat_line(values, valid, params)
    out += missing(values, params)
    out += flag_abuse(flag_mask(flags, sorted(INVALIDATING)), params)
    out += just_under_limit(values, valid, limits, params)
    if flow is not None:
        out += zero_while_flow(values, valid, flow, params)
    if production_kw is not None and treatment_kw is not None:
        rkw = running_kw if running_kw is not None else np.full(values.shape[0], 1.0)
        out += treatment_off(~np.isnan(values), production_kw, treatment_kw, rkw, params)
    if notices is not None:
        out += shift_after_notice(values, valid, notices, params)
    if scheduled is not None:
        planned = flag_mask(flags, params["flag_outside_window"]["scheduled_flags"]["value"])
        out += flag_outside_window(planned, scheduled, params)
    if running_status is not None and flow is not None:
        out += status_contradiction(values, flags, running_status, flow, params)
    return out
