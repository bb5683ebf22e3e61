"""Amounts counted by days in the calculator: 按日连续处罚 and 加处罚款.

The catalog states both sanctions on the original fine (base ``original_fine``): the daily penalty
as “按照原罚款数额按日连续处罚” (1 × the original fine per day, ``daily_penalty: true``; 《环境保护法》
第五十九条, from 2026-08-15 《中华人民共和国生态环境法典》第一千零六十条), the late fee as “每日按罚款
数额的百分之三加处罚款，加处罚款的数额不得超出罚款的数额” (0.03 × the fine per day; 《行政处罚法》第七十二条
第一款第（一）项).  A single day's amount is not the sanction: the days come from the officer's dates
(the order served and each re-inspection; the due date and the payment date), counted by
``daily_penalty``.  The rate per day is the catalog's (the sanction's own figure), not a constant.
Pure Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .daily_penalty import compute_daily_penalty, late_fee, overdue_days
from .errors import PenaltyInputError
from .sanction import Sanction, SanctionKind, fmt_rate
from .types import PenaltyFacts, Step

__all__ = ["Periodic", "PeriodicAmount", "compute_periodic", "periodic_kind"]

ORIGINAL_FINE = "original_fine"


class Periodic(StrEnum):
    DAILY = "daily"  # 按日连续处罚
    LATE_FEE = "late_fee"  # 加处罚款


def periodic_kind(sanction: Sanction) -> Periodic | None:
    """Which day-counted sanction an item states, read from its sanction (None: an ordinary fine)."""
    if sanction.kind is not SanctionKind.MULTIPLE or sanction.base != ORIGINAL_FINE:
        return None
    if sanction.min is None or sanction.min != sanction.max:
        return None
    return Periodic.DAILY if sanction.daily_penalty else Periodic.LATE_FEE


@dataclass(frozen=True, slots=True)
class PeriodicAmount:
    days: int
    amount: Decimal
    steps: tuple[Step, ...]
    notices: tuple[str, ...]


def compute_periodic(kind: Periodic, sanction: Sanction, fine: Decimal,
                     facts: PenaltyFacts) -> PeriodicAmount:
    """The amount of a day-counted sanction from the officer's dates, with its cap and steps."""
    assert sanction.min is not None
    if kind is Periodic.DAILY:
        if not facts.daily_cycles:
            raise PenaltyInputError("按日连续处罚须填写责令改正违法行为决定书的送达日期和每次复查的日期",
                                    "facts.daily_cycles")
        r = compute_daily_penalty(original_fine=fine * sanction.min, cycles=facts.daily_cycles)
        cap = Step("按日连续处罚的日数自责令改正之日的次日起至复查发现违法行为之日止，多次复查的累计计算；"
                   "每日罚款数额为原处罚决定书确定的罚款数额。所读条文未见总额上限，平台不设上限（未核实）",
                   "计罚日数与每日数额", "《环境保护主管部门实施按日连续处罚办法》（环境保护部令第28号）"
                   "第十七条、第十九条", (("days", r.days), ("amount", r.amount)), unverified=True)
        return PeriodicAmount(r.days, r.amount, (*r.steps, cap), r.warnings)
    lf = facts.late_fee
    if lf is None:
        raise PenaltyInputError("加处罚款须填写缴纳罚款的期限和实际缴纳日期（未缴纳的填写计算截止日期）",
                                "facts.late_fee")
    if lf.paid_date < lf.due_date:
        notices: tuple[str, ...] = ("在缴纳期限内缴纳的，不加处罚款",)
    else:
        notices = ()
    days = overdue_days(due_date=lf.due_date, as_of=lf.paid_date, paused_days=lf.paused_days)
    counted = Step(f"缴纳期限 {lf.due_date.isoformat()}，缴纳（计算截止）日期 {lf.paid_date.isoformat()}，"
                   f"行政复议或者行政诉讼期间不予计算 {lf.paused_days} 日，逾期 {days} 日",
                   "逾期天数", "《行政处罚法》第七十二条第一款第（一）项、第七十三条第三款",
                   (("days", days),))
    if days == 0:
        return PeriodicAmount(0, Decimal(0), (counted,), notices or ("未逾期，不加处罚款",))
    fee = late_fee(fine=fine, days_overdue=days, rate=sanction.min)
    rate = Step(f"每日加处比例 {fmt_rate(sanction.min)}（执法事项法定罚则）", "加处罚款标准",
                "《行政处罚法》第七十二条第一款第（一）项", (("rate", sanction.min),))
    return PeriodicAmount(days, fee.amount, (counted, rate, *fee.steps), notices)
