"""Run every rule over a Simulated-shaped data set (pure): the one place that wires the rules together."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ecoenforce.monitoring import rules, rules_context
from ecoenforce.monitoring.rules import Finding

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
    params = params or rules.load_params()
    invalid = params["invalid_flags"]["value"]
    valid = ~rules.flag_mask(flags, invalid) & ~np.isnan(values)
    out = rules.exceedance(values, valid, limits, daily, params)
    out += rules.flat_line(values, valid, params)
    out += rules.missing(values, params)
    out += rules.flag_abuse(rules.flag_mask(flags, sorted(INVALIDATING)), params)
    out += rules.just_under_limit(values, valid, limits, params)
    if flow is not None:
        out += rules.zero_while_flow(values, valid, flow, params)
    if production_kw is not None and treatment_kw is not None:
        rkw = running_kw if running_kw is not None else np.full(values.shape[0], 1.0)
        out += rules.treatment_off(~np.isnan(values), production_kw, treatment_kw, rkw, params)
    if notices is not None:
        out += rules_context.shift_after_notice(values, valid, notices, params)
    if scheduled is not None:
        planned = rules.flag_mask(flags, params["flag_outside_window"]["scheduled_flags"]["value"])
        out += rules_context.flag_outside_window(planned, scheduled, params)
    if running_status is not None and flow is not None:
        out += rules_context.status_contradiction(values, flags, running_status, flow, params)
    return out
