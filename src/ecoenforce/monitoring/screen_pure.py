"""Run every rule over a Simulated-shaped data set (pure): the one place that wires the rules together."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import numpy.typing as npt

from ecoenforce.monitoring import rules, rules_context
from ecoenforce.monitoring.rules import Finding

INVALIDATING = frozenset({"M", "C", "D", "F"})  # flag_abuse counts these (rules.yaml)


class _Clock:
    """Adds each stage's process CPU time to `timings` (the bench's per-rule profile); inert without it."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.process_time() if timings is not None else 0.0

    def lap(self, stage: str) -> None:
        if self.timings is not None:
            now = time.process_time()
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
            self.last = now


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
    timings: dict[str, float] | None = None,
) -> list[Finding]:
    params = params or rules.load_params()
    clock = _Clock(timings)
    values = np.ascontiguousarray(values)  # the rules read it by flat index
    # the flags' few non-N hours, read once for every mask of letters the rules need
    fi = rules.FlagIndex(flags)
    present = np.isnan(values)
    np.logical_not(present, out=present)
    valid = present.copy()
    valid.ravel()[fi.cells(params["invalid_flags"]["value"])] = False
    clock.lap("valid")
    out = rules.exceedance(values, valid, limits, daily, params)
    clock.lap("exceedance")
    out += rules.flat_line(values, valid, params)
    clock.lap("flat_line")
    out += rules.missing(values, params)
    clock.lap("missing")
    out += rules.flag_abuse(fi.mask(INVALIDATING), params)
    clock.lap("flag_abuse")
    out += rules.just_under_limit(values, valid, limits, params)
    clock.lap("just_under_limit")
    if flow is not None:
        out += rules.zero_while_flow(values, valid, flow, params)
        clock.lap("zero_while_flow")
    if production_kw is not None and treatment_kw is not None:
        rkw = running_kw if running_kw is not None else np.full(values.shape[0], 1.0)
        out += rules.treatment_off(present, production_kw, treatment_kw, rkw, params)
        clock.lap("treatment_off")
    if notices is not None:
        out += rules_context.shift_after_notice(values, valid, notices, params)
        clock.lap("shift_after_notice")
    if scheduled is not None:
        planned = fi.cells(params["flag_outside_window"]["scheduled_flags"]["value"])
        out += rules_context.flag_outside_window_cells(planned, values.shape, scheduled, params)
        clock.lap("flag_outside_window")
    if running_status is not None and flow is not None:
        out += rules_context.status_contradiction(values, flags, running_status, flow, params, flag_index=fi)
        clock.lap("status_contradiction")
    return out
