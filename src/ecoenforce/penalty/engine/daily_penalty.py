"""按日连续处罚 and 加处罚款 — pure calculators returning the amount and its derivation.

* Daily penalty (环境保护法第五十九条; 《环境保护主管部门实施按日连续处罚办法》环境保护部令第28号):
  days run from the day after the 责令改正违法行为决定书 is served to the day the re-inspection
  (复查) finds the violation (第十七条); when a re-inspection after a re-issued order (第十四条)
  still finds it, the days of each cycle add up (第十七条 "累计执行"); amount = original fine ×
  days (第十九条).  A re-inspection that finds the violation corrected, or production stopped,
  ends the count (第十二条); a later violation starts a new cycle with a new decision (第十八条).
  Days between a re-inspection and the service of the re-issued order are not counted: 第十七条
  counts each cycle from the day after service (platform reading; usually the order is re-served
  on site at the re-inspection, 第八条, so there is no gap).
* Late fee (行政处罚法第七十二条第一款第（一）项; 行政强制法第四十五条): 3% of the fine per day
  overdue, never above the fine.  Payment is due 15 days after the decision is received
  (行政处罚法第六十七条; calendar days — 第八十五条 makes only 二/三/五/七日 working days); days of
  行政复议/行政诉讼 are not counted (第七十三条第三款).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from .errors import PenaltyInputError
from .sanction import as_decimal, fmt_rate, fmt_yuan
from .transition import parse_date
from .types import RecheckCycle, Step

__all__ = [
    "LATE_FEE_RATE",
    "PAYMENT_PERIOD_DAYS",
    "DailyPenaltyResult",
    "LateFeeResult",
    "RecheckCycle",
    "compute_daily_penalty",
    "cycles_from_json",
    "daily_penalty_basis",
    "daily_penalty_days",
    "late_fee",
    "late_fee_for_dates",
    "overdue_days",
    "payment_due_date",
]

ORDER_28 = "《环境保护主管部门实施按日连续处罚办法》（环境保护部令第28号）"
EPL_59 = "《环境保护法》第五十九条"
CODE_1060 = "《中华人民共和国生态环境法典》第一千零六十条"
CODE_IN_FORCE = dt.date(2026, 8, 15)  # 法典第一千二百四十二条
MAX_CYCLES = 50
LATE_FEE_RATE = Decimal("0.03")
PAYMENT_PERIOD_DAYS = 15
RECHECK_WINDOW_DAYS = 30  # 28号令第十条：送达之日起三十日内复查
FEN = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class DailyPenaltyResult:
    days: int
    daily_amount: Decimal
    amount: Decimal
    steps: tuple[Step, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LateFeeResult:
    days: int
    daily_amount: Decimal
    amount: Decimal
    capped: bool
    cap_day: int  # the first overdue day on which the cap (= the fine) is reached
    steps: tuple[Step, ...]


def _step(description: str, rule: str, source: str, unverified: bool = False, **values: object) -> Step:
    return Step(description, rule, source, tuple(values.items()), unverified)


def daily_penalty_days(cycles: Sequence[RecheckCycle]) -> tuple[int, tuple[Step, ...], tuple[str, ...]]:
    """Cumulative penalty days over the re-inspection cycles (28号令第十七条), with steps and
    warnings (e.g. a recheck later than the 30 days of 第十条)."""
    if not cycles:
        raise PenaltyInputError("至少需要一次责令改正及复查记录", "cycles")
    steps: list[Step] = []
    warnings: list[str] = []
    total = 0
    for i in range(len(cycles)):
        _check_cycle(cycles, i)
    for i, cycle in enumerate(cycles):
        if not cycle.violation_found:
            steps.append(_step(f"第{i + 1}次复查（{cycle.rechecked.isoformat()}）发现已改正或已停产，"
                               "不计罚日数", "不启动/终止按日连续处罚", f"{ORDER_28}第十二条",
                               days=0, total=total))
            break
        days = (cycle.rechecked - cycle.order_served).days
        total += days
        steps.append(_step(
            f"第{i + 1}轮：责令改正决定书于 {cycle.order_served.isoformat()} 送达，次日起至复查发现违法的 "
            f"{cycle.rechecked.isoformat()} 止，计 {days} 日" + ("；累计执行" if i else ""),
            "计罚日数", f"{ORDER_28}第十七条", days=days, total=total))
        if days > RECHECK_WINDOW_DAYS:
            warnings.append(f"第{i + 1}轮复查在送达后第{days}日，超过第十条规定的三十日")
    return total, tuple(steps), tuple(warnings)


def _check_cycle(cycles: Sequence[RecheckCycle], i: int) -> None:
    cycle = cycles[i]
    if cycle.rechecked <= cycle.order_served:
        raise PenaltyInputError("复查日期应晚于责令改正决定书送达日期", f"cycles[{i}].rechecked")
    if i == 0:
        return
    previous = cycles[i - 1]
    if not previous.violation_found:
        raise PenaltyInputError("复查已改正后又发现违法的，应重新作出处罚决定，计罚周期重新起算（第十八条）",
                                f"cycles[{i}]")
    if cycle.order_served < previous.rechecked:
        raise PenaltyInputError("再次送达责令改正决定书的日期不得早于上一次复查日期（第十四条）",
                                f"cycles[{i}].order_served")


def daily_penalty_basis(order_served: dt.date) -> str:
    """The statute allowing the daily penalty on the date the first order was served: 环境保护法第五十九条
    until 2026-08-14, then 《中华人民共和国生态环境法典》第一千零六十条 (its 第一千二百四十二条 repeals
    the former)."""
    return EPL_59 if order_served < CODE_IN_FORCE else CODE_1060


def cycles_from_json(value: object) -> tuple[RecheckCycle, ...]:
    """[{order_served, rechecked, violation_found?}, …] with ISO dates; PenaltyInputError otherwise."""
    if not isinstance(value, list | tuple) or not value:
        raise PenaltyInputError("至少需要一次责令改正及复查记录", "cycles")
    if len(value) > MAX_CYCLES:
        raise PenaltyInputError(f"复查记录不能超过{MAX_CYCLES}次", "cycles")
    out = []
    for i, c in enumerate(value):
        if not isinstance(c, dict):
            raise PenaltyInputError("应为包含送达日期和复查日期的记录", f"cycles[{i}]")
        served = parse_date(c.get("order_served"), f"cycles[{i}].order_served")
        rechecked = parse_date(c.get("rechecked"), f"cycles[{i}].rechecked")
        assert served is not None and rechecked is not None
        found = c.get("violation_found", True)
        if not isinstance(found, bool):
            raise PenaltyInputError("应为是或否", f"cycles[{i}].violation_found")
        out.append(RecheckCycle(served, rechecked, found))
    return tuple(out)


def late_fee_for_dates(*, fine: object, due_date: object, paid_date: object, paused_days: object = 0,
                       today: dt.date) -> LateFeeResult:
    """加处罚款 from the due date and the payment date (today when not yet paid)."""
    due = parse_date(due_date, "due_date")
    paid = parse_date(paid_date, "paid_date", required=False) or today
    assert due is not None
    if paid > today:
        raise PenaltyInputError("缴纳日期不能晚于今天", "paid_date")
    if due.year < 1990:
        raise PenaltyInputError("缴纳期限不能早于1990年", "due_date")
    if isinstance(paused_days, bool) or not isinstance(paused_days, int) or not 0 <= paused_days <= 36500:
        raise PenaltyInputError("不予计算的天数应为非负整数", "paused_days")
    return late_fee(fine=fine, days_overdue=overdue_days(due_date=due, as_of=paid, paused_days=paused_days))


def compute_daily_penalty(*, original_fine: object, cycles: Sequence[RecheckCycle]) -> DailyPenaltyResult:
    """Amount = original fine × cumulative days (28号令第十九条)."""
    fine = as_decimal(original_fine, "original_fine", error=PenaltyInputError)
    if fine <= 0:
        raise PenaltyInputError("原处罚决定书确定的罚款数额必须大于0", "original_fine")
    days, steps, warnings = daily_penalty_days(cycles)
    amount = fine * days
    final = _step(f"按日连续处罚罚款 = 原处罚决定罚款 {fmt_yuan(fine)} × {days} 日 = {fmt_yuan(amount)}",
                  "每日罚款数额为原处罚决定书确定的罚款数额",
                  f"{ORDER_28}第十九条；{daily_penalty_basis(cycles[0].order_served)}",
                  fine=fine, days=days, amount=amount)
    return DailyPenaltyResult(days, fine, amount, (*steps, final), warnings)


def payment_due_date(received: dt.date) -> dt.date:
    """Last day to pay: 15 days after receipt, the day of receipt not counted (行政处罚法第六十七条).
    No holiday extension is applied (no source read for it)."""
    return received + dt.timedelta(days=PAYMENT_PERIOD_DAYS)


def overdue_days(*, due_date: dt.date, as_of: dt.date, paused_days: int = 0) -> int:
    """Days overdue after the due date; days of 行政复议/行政诉讼 excluded (行政处罚法第七十三条第三款)."""
    if paused_days < 0:
        raise PenaltyInputError("不予计算的天数不能为负数", "paused_days")
    return max(0, (as_of - due_date).days - paused_days)


def late_fee(*, fine: object, days_overdue: int, rate: Decimal = LATE_FEE_RATE) -> LateFeeResult:
    """加处罚款 = 3% (``rate``, the catalog item's figure) × fine per day overdue, capped at the fine.

    Sources: 行政处罚法第七十二条; 行政强制法第四十五条."""
    amount_fine = as_decimal(fine, "fine", error=PenaltyInputError)
    if amount_fine <= 0:
        raise PenaltyInputError("罚款数额必须大于0", "fine")
    if isinstance(days_overdue, bool) or not isinstance(days_overdue, int) or days_overdue < 0:
        raise PenaltyInputError(f"逾期天数应为非负整数，实际为「{days_overdue}」", "days_overdue")
    daily = (amount_fine * rate).quantize(FEN, ROUND_HALF_UP)
    if daily == 0:
        raise PenaltyInputError("罚款数额过小，每日加处罚款不足1分", "fine")
    raw = daily * days_overdue
    capped = raw > amount_fine
    amount = amount_fine if capped else raw
    cap_day = int((amount_fine / daily).to_integral_value(ROUND_CEILING))
    steps = [
        _step(f"每日加处罚款 = 罚款 {fmt_yuan(amount_fine)} × {fmt_rate(rate)} = {fmt_yuan(daily)}",
              "每日按罚款数额的百分之三", "《行政处罚法》第七十二条第一款第（一）项",
              fine=amount_fine, rate=rate, daily=daily),
        _step(f"逾期 {days_overdue} 日：{fmt_yuan(daily)} × {days_overdue} = {fmt_yuan(raw)}",
              "逾期天数累计", "《行政处罚法》第七十二条第一款第（一）项", days=days_overdue, raw=raw),
        _step(f"加处罚款不得超出罚款数额 {fmt_yuan(amount_fine)}，自逾期第{cap_day}日起达到上限；"
              f"本次加处罚款 {fmt_yuan(amount)}", "加处罚款上限",
              "《行政处罚法》第七十二条第一款第（一）项；《行政强制法》第四十五条第二款",
              capped=capped, cap_day=cap_day, amount=amount),
    ]
    if daily != amount_fine * rate:
        steps.insert(1, _step("每日加处罚款四舍五入到分", "金额取整", "平台约定", unverified=True))
    return LateFeeResult(days_overdue, daily, amount, capped, cap_day, tuple(steps))
