"""The facts of a penalty as JSON: the one format the calculator page, the API and the recorded
decisions (``DecidedPenalty.facts``) share, and its checked conversion to ``PenaltyFacts``.

```json
{"levels": {"area": "general"}, "bases": {"total_investment": "5000000"},
 "grade": "lighter", "mitigating": ["eliminated_harm"], "heavier": [],
 "art33": ["first_offence"], "apply_first_offence_waiver": false, "no_fault_excluded_by_law": false,
 "prefer_warning": false, "escalated": false,
 "apology": {"rate": "0.3", "exclusions": [], "corrected_before_decision": true},
 "medium": "water",
 "daily_cycles": [{"order_served": "2026-09-01", "rechecked": "2026-09-21", "violation_found": true}],
 "late_fee": {"due_date": "2026-10-16", "paid_date": "2026-11-05", "paused_days": 0},
 "mitigation": {"amount": "50000", "ground": "《行政处罚法》第三十二条第（一）项"},
 "exemption": {"act_date": "2025-03-01", "prior_violation_dates": [], "flags": ["corrected_in_time"],
               "measures": {"fault_report_hours": "12"}, "areas": ["general"], "categories": [],
               "exceedances": [{"pollutant": "COD", "category": "B", "multiple": "0.05"}],
               "corrected_on": "2025-03-05", "order_deadline": "2025-03-10"}}
```

Every key is optional.  Amounts are decimal strings or integers (floats are refused: money must be
exact).  ``facts_from_json`` raises ``PenaltyInputError`` with a Chinese message and the path of
the offending field (``facts.bases.total_investment`` …) — the same paths the engine uses, so a form
can put both kinds of error next to the right field.  ``facts_to_json`` gives the canonical form
(defaults left out, lists sorted, decimals normalized), so equal facts are equal JSON and the
consistency report can cache the engine per distinct facts.  Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal

from .errors import PenaltyInputError
from .exemption import Exceedance, ExemptionFacts
from .sanction import as_decimal
from .types import MEDIA, Apology, Grade, LateFeeFacts, Mitigation, PenaltyFacts, RecheckCycle, plain

__all__ = [
    "MAX_AMOUNT_CHARS",
    "MAX_CODE_CHARS",
    "MAX_GROUND_CHARS",
    "canonical_json",
    "facts_from_json",
    "facts_to_json",
]

MAX_CODE_CHARS = 64  # factor, level, circumstance, flag, area … identifiers
MAX_AMOUNT_CHARS = 30
MAX_DIGITS = 15  # amounts below 10^15 yuan: the engine's rounding and the database columns stay exact
MAX_GROUND_CHARS = 500
MAX_LIST = 50

_KEYS = frozenset(
    {"levels", "bases", "grade", "mitigating", "heavier", "art33", "apply_first_offence_waiver",
     "no_fault_excluded_by_law", "prefer_warning", "escalated", "apology", "mitigation", "exemption",
     "medium", "daily_cycles", "late_fee"}
)
_FLAGS = ("apply_first_offence_waiver", "no_fault_excluded_by_law", "prefer_warning", "escalated")
_APOLOGY_KEYS = frozenset({"rate", "exclusions", "corrected_before_decision"})
_MITIGATION_KEYS = frozenset({"amount", "ground"})
_EXEMPTION_KEYS = frozenset(
    {"act_date", "prior_violation_dates", "flags", "measures", "exceedances", "areas", "categories",
     "corrected_on", "order_deadline"}
)
_EXCEEDANCE_KEYS = frozenset({"pollutant", "category", "multiple", "value"})
_CYCLE_KEYS = frozenset({"order_served", "rechecked", "violation_found"})
_LATE_FEE_KEYS = frozenset({"due_date", "paid_date", "paused_days"})
MAX_PAUSED_DAYS = 36500


def facts_from_json(data: object, path: str = "facts") -> PenaltyFacts:
    """Check and convert the JSON facts; raise PenaltyInputError (Chinese, with path)."""
    if data is None:
        data = {}
    d = _mapping(data, path, _KEYS)
    grade_raw = d.get("grade")
    grade = None
    if grade_raw not in (None, ""):
        try:
            grade = Grade(str(grade_raw))
        except ValueError:
            options = "从轻(lighter)、一般(general)、从重(heavier)"
            raise PenaltyInputError(f"未知的裁量档次「{_show(grade_raw)}」，可选：{options}",
                                    f"{path}.grade") from None
    flags = {k: _bool(d.get(k, False), f"{path}.{k}") for k in _FLAGS}
    return PenaltyFacts(
        levels=_codes_map(d.get("levels"), f"{path}.levels"),
        bases=_amounts_map(d.get("bases"), f"{path}.bases"),
        mitigating=_code_set(d.get("mitigating"), f"{path}.mitigating"),
        art33=_code_set(d.get("art33"), f"{path}.art33"),
        heavier=_code_set(d.get("heavier"), f"{path}.heavier"),
        grade=grade,
        apology=_apology(d.get("apology"), f"{path}.apology"),
        mitigation=_mitigation(d.get("mitigation"), f"{path}.mitigation"),
        exemption=_exemption(d.get("exemption"), f"{path}.exemption"),
        medium=_medium(d.get("medium"), f"{path}.medium"),
        daily_cycles=tuple(_cycle(v, f"{path}.daily_cycles[{i}]")
                           for i, v in enumerate(_list(d.get("daily_cycles"), f"{path}.daily_cycles"))),
        late_fee=_late_fee(d.get("late_fee"), f"{path}.late_fee"),
        **flags,
    )


def facts_to_json(facts: PenaltyFacts) -> dict[str, object]:
    """The canonical JSON form: only what differs from the defaults, sorted, decimals as text."""
    out: dict[str, object] = {}
    if facts.levels:
        out["levels"] = {k: facts.levels[k] for k in sorted(facts.levels)}
    if facts.bases:
        out["bases"] = {k: _text(facts.bases[k]) for k in sorted(facts.bases)}
    if facts.grade is not None:
        out["grade"] = facts.grade.value
    for key in ("mitigating", "heavier", "art33"):
        values: frozenset[str] = getattr(facts, key)
        if values:
            out[key] = sorted(values)
    for key in _FLAGS:
        if getattr(facts, key):
            out[key] = True
    if facts.apology is not None:
        ap = facts.apology
        out["apology"] = {"rate": _text(ap.rate), "exclusions": sorted(ap.exclusions),
                          "corrected_before_decision": ap.corrected_before_decision}
    if facts.mitigation is not None:
        out["mitigation"] = {"amount": _text(facts.mitigation.amount), "ground": facts.mitigation.ground}
    if facts.exemption is not None:
        out["exemption"] = _exemption_json(facts.exemption)
    if facts.medium is not None:
        out["medium"] = facts.medium
    if facts.daily_cycles:
        out["daily_cycles"] = [{"order_served": c.order_served.isoformat(),
                                "rechecked": c.rechecked.isoformat(),
                                "violation_found": c.violation_found} for c in facts.daily_cycles]
    if facts.late_fee is not None:
        lf = facts.late_fee
        out["late_fee"] = {"due_date": lf.due_date.isoformat(), "paid_date": lf.paid_date.isoformat(),
                           "paused_days": lf.paused_days}
    return out


def canonical_json(facts: PenaltyFacts) -> str:
    """The canonical facts as compact JSON text (sorted keys, UTF-8 characters kept)."""
    return json.dumps(facts_to_json(facts), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# ---------------------------------------------------------------- pieces


def _show(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _mapping(value: object, path: str, allowed: frozenset[str] | None = None) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise PenaltyInputError("应为键值对（JSON 对象）", path)
    for key in value:
        if not isinstance(key, str):
            raise PenaltyInputError(f"键应为文字，实际为「{_show(key)}」", path)
    if allowed is not None:
        unknown = sorted(k for k in value if k not in allowed)
        if unknown:
            raise PenaltyInputError(f"未知字段：{'、'.join(_show(k) for k in unknown)}", path)
    return value


def _code(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PenaltyInputError(f"应为非空的代码文字，实际为「{_show(value)}」", path)
    text = value.strip()
    if len(text) > MAX_CODE_CHARS or "\x00" in text:
        raise PenaltyInputError(f"代码过长（超过{MAX_CODE_CHARS}字）或含有非法字符", path)
    return text


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise PenaltyInputError(f"应为 true 或 false，实际为「{_show(value)}」", path)
    return value


def _list(value: object, path: str) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise PenaltyInputError("应为列表", path)
    if len(value) > MAX_LIST:
        raise PenaltyInputError(f"列表过长（超过{MAX_LIST}项）", path)
    return list(value)


def _code_set(value: object, path: str) -> frozenset[str]:
    return frozenset(_code(v, f"{path}[{i}]") for i, v in enumerate(_list(value, path)))


def _codes_map(value: object, path: str) -> dict[str, str]:
    if value is None:
        return {}
    d = _mapping(value, path)
    if len(d) > MAX_LIST:
        raise PenaltyInputError(f"项目过多（超过{MAX_LIST}项）", path)
    return {_code(k, path): _code(v, f"{path}.{k}") for k, v in d.items()}


def _amount(value: object, path: str) -> Decimal:
    if isinstance(value, str) and (len(value) > MAX_AMOUNT_CHARS or "\x00" in value):
        raise PenaltyInputError("数值过长或含有非法字符", path)
    if isinstance(value, str) and not value.strip():
        raise PenaltyInputError("请填写数值", path)
    number = as_decimal(value, path, error=PenaltyInputError)
    if number.adjusted() >= MAX_DIGITS:
        raise PenaltyInputError(f"数值过大（不能达到10的{MAX_DIGITS}次方）", path)
    return number


def _amounts_map(value: object, path: str) -> dict[str, object]:
    if value is None:
        return {}
    d = _mapping(value, path)
    if len(d) > MAX_LIST:
        raise PenaltyInputError(f"项目过多（超过{MAX_LIST}项）", path)
    return {_code(k, path): _amount(v, f"{path}.{k}") for k, v in d.items()}


def _date(value: object, path: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value) <= 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PenaltyInputError(f"应为日期（YYYY-MM-DD），实际为「{_show(value)}」", path)


def _apology(value: object, path: str) -> Apology | None:
    if value is None:
        return None
    d = _mapping(value, path, _APOLOGY_KEYS)
    if d.get("rate") in (None, ""):
        raise PenaltyInputError("请填写公开道歉承诺的降低比例（如 0.3 表示30%）", f"{path}.rate")
    return Apology(
        rate=_amount(d.get("rate"), f"{path}.rate"),
        exclusions=_code_set(d.get("exclusions"), f"{path}.exclusions"),
        corrected_before_decision=_bool(d.get("corrected_before_decision", True),
                                        f"{path}.corrected_before_decision"),
    )


def _mitigation(value: object, path: str) -> Mitigation | None:
    if value is None:
        return None
    d = _mapping(value, path, _MITIGATION_KEYS)
    ground = d.get("ground")
    if not isinstance(ground, str) or len(ground.strip()) < 2:
        raise PenaltyInputError("减轻处罚（低于法定最低罚款）必须记录法定依据", f"{path}.ground")
    if len(ground) > MAX_GROUND_CHARS or "\x00" in ground:
        raise PenaltyInputError(f"法定依据不能超过{MAX_GROUND_CHARS}字，且不得含有非法字符", f"{path}.ground")
    if d.get("amount") in (None, ""):
        raise PenaltyInputError("请填写减轻后的罚款金额", f"{path}.amount")
    return Mitigation(amount=_amount(d.get("amount"), f"{path}.amount"), ground=ground.strip())


def _exemption(value: object, path: str) -> ExemptionFacts | None:
    if value is None:
        return None
    d = _mapping(value, path, _EXEMPTION_KEYS)
    measures = _amounts_map(d.get("measures"), f"{path}.measures")
    priors = tuple(sorted(
        _date(v, f"{path}.prior_violation_dates[{i}]") or dt.date.min
        for i, v in enumerate(_list(d.get("prior_violation_dates"), f"{path}.prior_violation_dates"))
    ))
    if dt.date.min in priors:
        raise PenaltyInputError("此前违法日期不能为空", f"{path}.prior_violation_dates")
    return ExemptionFacts(
        act_date=_date(d.get("act_date"), f"{path}.act_date"),
        prior_violation_dates=priors,
        flags=_code_set(d.get("flags"), f"{path}.flags"),
        measures={k: Decimal(str(v)) for k, v in measures.items()},
        exceedances=tuple(_exceedance(v, f"{path}.exceedances[{i}]")
                          for i, v in enumerate(_list(d.get("exceedances"), f"{path}.exceedances"))),
        areas=_code_set(d.get("areas"), f"{path}.areas"),
        categories=_code_set(d.get("categories"), f"{path}.categories"),
        corrected_on=_date(d.get("corrected_on"), f"{path}.corrected_on"),
        order_deadline=_date(d.get("order_deadline"), f"{path}.order_deadline"),
    )


def _medium(value: object, path: str) -> str | None:
    if value in (None, ""):
        return None
    code = _code(value, path)
    if code not in MEDIA:
        options = "、".join(f"{k}（{v}）" for k, v in MEDIA.items())
        raise PenaltyInputError(f"未知的污染物类别「{_show(code)}」，可选：{options}", path)
    return code


def _required_date(value: object, path: str, what: str) -> dt.date:
    day = _date(value, path)
    if day is None:
        raise PenaltyInputError(f"请填写{what}（YYYY-MM-DD）", path)
    if day.year < 1990:
        raise PenaltyInputError(f"{what}不能早于1990年", path)
    return day


def _cycle(value: object, path: str) -> RecheckCycle:
    d = _mapping(value, path, _CYCLE_KEYS)
    return RecheckCycle(
        order_served=_required_date(d.get("order_served"), f"{path}.order_served", "责令改正决定书送达日期"),
        rechecked=_required_date(d.get("rechecked"), f"{path}.rechecked", "复查日期"),
        violation_found=_bool(d.get("violation_found", True), f"{path}.violation_found"),
    )


def _late_fee(value: object, path: str) -> LateFeeFacts | None:
    if value is None:
        return None
    d = _mapping(value, path, _LATE_FEE_KEYS)
    paused = d.get("paused_days", 0)
    if isinstance(paused, bool) or not isinstance(paused, int) or not 0 <= paused <= MAX_PAUSED_DAYS:
        raise PenaltyInputError("不予计算的天数应为非负整数", f"{path}.paused_days")
    return LateFeeFacts(
        due_date=_required_date(d.get("due_date"), f"{path}.due_date", "缴纳罚款的期限"),
        paid_date=_required_date(d.get("paid_date"), f"{path}.paid_date",
                                 "实际缴纳日期（未缴纳的填写计算截止日期）"),
        paused_days=paused,
    )


def _exceedance(value: object, path: str) -> Exceedance:
    d = _mapping(value, path, _EXCEEDANCE_KEYS)
    category = _code(d.get("category"), f"{path}.category")
    if category not in ("A", "B"):
        raise PenaltyInputError("污染物类别只能是 A 或 B", f"{path}.category")
    multiple = None if d.get("multiple") in (None, "") else _amount(d.get("multiple"), f"{path}.multiple")
    measured = None if d.get("value") in (None, "") else _amount(d.get("value"), f"{path}.value")
    return Exceedance(_code(d.get("pollutant"), f"{path}.pollutant"), category, multiple, measured)


def _text(value: object) -> str:
    return plain(value) if isinstance(value, Decimal) else str(value)


def _exemption_json(e: ExemptionFacts) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in ("act_date", "corrected_on", "order_deadline"):
        day: dt.date | None = getattr(e, key)
        if day is not None:
            out[key] = day.isoformat()
    if e.prior_violation_dates:
        out["prior_violation_dates"] = [d.isoformat() for d in sorted(e.prior_violation_dates)]
    for key in ("flags", "areas", "categories"):
        values: frozenset[str] = getattr(e, key)
        if values:
            out[key] = sorted(values)
    if e.measures:
        out["measures"] = {k: _text(e.measures[k]) for k in sorted(e.measures)}
    if e.exceedances:
        out["exceedances"] = [
            {k: v for k, v in (("pollutant", x.pollutant), ("category", x.category),
                               ("multiple", None if x.multiple is None else _text(x.multiple)),
                               ("value", None if x.value is None else _text(x.value))) if v is not None}
            for x in e.exceedances
        ]
    return out
