"""A year of decided penalties for the demo, recorded through the one door (``services.record_decision``),
so that the consistency report (同案不同罚) and the dashboard show something an officer recognises.

Deterministic (fixed seed, dates counted back from a given day). Only city and county officers decide
(township stations hold no penalty power in the demo). Items are the everyday ones of an enforcement
bureau — exceeding limits, automatic monitoring, VOCs, dust, hazardous-waste paperwork, permit ledgers —
in the catalog in force on the decision date: the starter catalog's code before 2026-08-15, the
生态环境法典 catalog's successor code from then on (the mapping old → new is the catalog's own
``predecessors`` field). Amounts come from the engine; most decisions follow it, some depart within the
statutory range with a recorded reason, a few depart without one, and one officer per county decides
systematically lower — the outliers the report exists to find.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ecoenforce.org.models import UnitLevel, User
from ecoenforce.org.roles import Role
from ecoenforce.penalty import catalog_items
from ecoenforce.penalty.catalog_items import CODE_IN_FORCE
from ecoenforce.penalty.engine.discretion import PenaltyResult
from ecoenforce.penalty.models import DecidedPenalty, DecisionType
from ecoenforce.penalty.services import compute, record_decision

SEED = 20261201
DAYS = 365
# (code in the Code catalog from 2026-08-15, starter code before, weight): successor pairs taken from
# catalog/data/code_catalog.yaml `predecessors`; PERMIT-* items keep their code (排污许可管理条例 stays).
ITEMS: tuple[tuple[str, str, int], ...] = (
    ("CODE-1107-1-1", "AIR-99-2", 10),  # 超标排放
    ("CODE-1086-1-2", "AIR-100-3", 6),  # 自动监测设备
    ("CODE-1120-1-2", "AIR-108-1", 6),  # 挥发性有机物
    ("CODE-1130-1-2", "AIR-117-1", 7),  # 易产生扬尘的物料未密闭贮存
    ("CODE-1130-1-3", "AIR-117-2", 4),
    ("CODE-1133-1-0", "AIR-120-0", 4),  # 机动车维修异味废气
    ("CODE-1175-1-3", "SOLID-112-13", 5),  # 危险废物管理台账
    ("CODE-1175-1-1", "SOLID-112-1", 3),
    ("CODE-1171-3-0", "SOLID-102-8", 3),
    ("CODE-1102-1-1", "AIR-99-1", 2),  # 无证排污
    ("PERMIT-37-1", "PERMIT-37-1", 5),  # 环境管理台账
    ("PERMIT-37-3", "PERMIT-37-3", 3),  # 执行报告
    ("PERMIT-35-1", "PERMIT-35-1", 3),  # 无组织排放
    ("PERMIT-34-1", "PERMIT-34-1", 2),
)
GRADES = ("lighter", "general", "general", "general", "heavier")
REASONS = (
    "当事人主动消除违法行为危害后果，经集体讨论酌情从轻",
    "违法行为持续时间较长，经集体讨论酌情从重",
    "当事人系初次违法且积极配合调查，经集体讨论决定",
    "周边群众多次投诉，社会影响较大，经集体讨论决定",
)
STEP = Decimal(1000)


@dataclass
class Seeded:
    decisions: int = 0
    deviating: int = 0
    skipped: list[str] = field(default_factory=list)  # engine refusals (logged by the command)


def deciders() -> list[User]:
    """Officers of the city bureau and the county brigades, in a stable order."""
    users = User.objects.filter(
        is_active=True, unit__level__in=(UnitLevel.CITY, UnitLevel.COUNTY), role_grants__role=Role.OFFICER
    ).select_related("unit")
    return sorted(set(users), key=lambda u: u.username)


def _rounded(amount: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    value = (amount / STEP).quantize(Decimal(1), rounding=ROUND_HALF_UP) * STEP
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return value


def seed_decisions(*, count: int = 400, today: dt.date, seed: int = SEED) -> Seeded:
    """`count` decisions over the year before `today`, in one transaction (one commit, not one each)."""
    with transaction.atomic(), catalog_items.items_memo():
        return _seed(count, today, seed)


def _seed(count: int, today: dt.date, seed: int) -> Seeded:
    officers = deciders()
    if not officers:
        return Seeded()
    rng = random.Random(seed)
    # the "lenient" officer of each unit: the first officer by user name decides lower more often
    lenient = {min((o for o in officers if o.unit_id == unit), key=lambda o: o.username).pk
               for unit in {o.unit_id for o in officers}}
    codes = [(new, old) for new, old, _ in ITEMS]
    weights = [w for _, _, w in ITEMS]
    out = Seeded()
    benchmarks: dict[tuple[str, str, str, bool], PenaltyResult] = {}
    for _ in range(count):
        officer = rng.choice(officers)
        decided_on = today - dt.timedelta(days=rng.randrange(DAYS))
        new, old = rng.choices(codes, weights)[0]
        act_date = decided_on - dt.timedelta(days=rng.randrange(20, 120))
        if decided_on >= CODE_IN_FORCE:
            act_date = max(act_date, CODE_IN_FORCE)  # the act under the Code too: no transition to argue
        item = new if decided_on >= CODE_IN_FORCE else old
        facts = {"grade": rng.choice(GRADES)}
        province = officer.unit.division_code[:2] if officer.unit else ""
        key = (province, item, facts["grade"], decided_on >= CODE_IN_FORCE)
        if key not in benchmarks:  # the same input under the same law: the engine's answer repeats
            try:
                benchmarks[key] = compute(unit=officer.unit, item_code=item, facts=facts, act_date=act_date,
                                          decision_date=decided_on, today=today).result
            except ValidationError as exc:
                out.skipped.append(f"{item}: {exc.messages[0]}")
                continue
        res = benchmarks[key]
        low, high = res.statutory_min, res.statutory_max
        amount, reason = res.amount, ""
        roll = rng.random()
        if officer.pk in lenient and roll < 0.6:  # systematically below the benchmark, rarely explained
            amount = _rounded(res.amount * Decimal("0.6"), low, high)
            reason = REASONS[2] if roll < 0.1 else ""
        elif roll < 0.12:  # a departure with its reason recorded
            factor = Decimal(rng.choice(("0.8", "1.2", "1.3")))
            amount = _rounded(res.amount * factor, low, high)
            reason = REASONS[0] if factor < 1 else rng.choice(REASONS[1:])
        elif roll < 0.15:  # an outlier: the statutory maximum without a word
            amount = high if high is not None else res.amount
        else:
            amount = _rounded(res.amount, low, high) if rng.random() < 0.3 else res.amount
        if amount <= 0:
            continue
        try:
            row = record_decision(
                by=officer, item_code=item, facts=facts, decided_amount=str(amount),
                decision=DecisionType.FINE, reason=reason, act_date=act_date, decided_on=decided_on,
                source=("demo", ""),
            )
        except ValidationError as exc:
            out.skipped.append(f"{item}: {exc.messages[0]}")
            continue
        out.decisions += 1
        out.deviating += int(row.decided_amount != row.engine_amount)
    return out


def has_decisions() -> bool:
    return DecidedPenalty.objects.exists()
