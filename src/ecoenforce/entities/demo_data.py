"""Deterministic demo data: the 廊坊市 enforcement structure, people, and N regulated entities.

Structure (units, accounts, roles, certificates, trainings) is written through org.services, so
each write has its audit event. Entities, permits, outlets, limits and monitoring points are
generated from a fixed random seed and written with bulk_create in batches (100,000 entities in
a few minutes), with ONE "demo.seed" audit event summarising the counts. The generated values are
valid by construction (USCC check characters computed, known division codes, GB/T 4754 codes), so
full_clean is not run per row.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher
from django.db import transaction
from django.test.utils import override_settings
from stdnum.cn import uscc as stdnum_uscc

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.demo_vocab import (
    AIR_POLLUTANTS,
    BRANDS,
    GIVEN,
    INDUSTRY_PROFILE,
    OUTLET_NAMES,
    STREETS,
    SUFFIXES,
    SURNAMES,
    WATER_POLLUTANTS,
)
from ecoenforce.entities.models import (
    DischargePermit,
    Entity,
    EntityStatus,
    MonitoringPoint,
    Outlet,
    PermitClass,
    PollutantLimit,
    SupervisionClass,
)
from ecoenforce.org import services as org_services
from ecoenforce.org.divisions import children_of, division_name
from ecoenforce.org.models import Unit, UnitLevel, User
from ecoenforce.org.roles import ADMIN_ROLES, Role

SEED = 20260101
DEMO_PASSWORD = "Demo-2026-pass"  # noqa: S105 (public demo password, printed by demo_logins)
CITY = ("廊坊市生态环境局", "131000")
# key (used in user names), county code; the unit is "<county name>生态环境综合执法大队"
COUNTIES = (
    ("guan", "131022"),
    ("yongqing", "131023"),
    ("xianghe", "131024"),
    ("dacheng", "131025"),
    ("wenan", "131026"),
    ("bazhou", "131081"),
)
CENTERS = {
    "131022": (39.44, 116.30),
    "131023": (39.32, 116.50),
    "131024": (39.76, 117.01),
    "131025": (38.70, 116.65),
    "131026": (38.87, 116.46),
    "131081": (39.12, 116.39),
}
BUSINESS_ROLES_AT_CITY = (
    Role.OFFICER,
    Role.TEAM_LEADER,
    Role.LEGAL_REVIEWER,
    Role.BUREAU_HEAD,
    Role.COMPLAINT_HANDLER,
    Role.SUPERVISOR,
)
OFFICERS_PER_COUNTY = 8
CITY_OFFICERS = 5
TOWNSHIP_OFFICERS = 26


@dataclass
class Structure:
    city: Unit
    counties: list[Unit] = field(default_factory=list)
    townships: list[Unit] = field(default_factory=list)
    users: list[User] = field(default_factory=list)


# ---------------------------------------------------------------- people and units


class _ReuseHashHasher(PBKDF2PasswordHasher):
    """PBKDF2 at full strength, computed once per password and reused for every demo account."""

    cache: dict[str, str] = {}  # noqa: RUF012

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        if password not in self.cache:
            self.cache[password] = super().encode(password, salt, iterations)
        return self.cache[password]


@contextmanager
def _fast_hashing() -> Iterator[None]:
    """All demo accounts share one password: hash it once (1 s) instead of once per account."""
    if get_hasher().algorithm != PBKDF2PasswordHasher.algorithm:  # tests use a fast hasher already
        yield
        return
    with override_settings(
        PASSWORD_HASHERS=[f"{__name__}._ReuseHashHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    ):
        yield


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _unit(name: str, level: int, code: str, parent: Unit | None, short: str) -> Unit:
    return org_services.unit_create(
        by=None, name=name, short_name=short, level=level, division_code=code, parent=parent
    )


def build_units() -> Structure:
    city = _unit(CITY[0], UnitLevel.CITY, CITY[1], None, "廊坊市局")
    s = Structure(city=city)
    for _key, code in COUNTIES:
        county_name = division_name(code) or code
        county = _unit(
            f"{county_name}生态环境综合执法大队", UnitLevel.COUNTY, code, city, f"{county_name}大队"
        )
        s.counties.append(county)
        for town in children_of(code):
            s.townships.append(
                _unit(f"{town.name}生态环境保护站", UnitLevel.TOWNSHIP, town.code, county, f"{town.name}站")
            )
    return s


def _account(s: Structure, rng: random.Random, username: str, unit: Unit, *roles: str) -> User:
    user = org_services.user_create(
        by=None,
        username=username,
        password=DEMO_PASSWORD,
        unit=unit,
        real_name=person_name(rng),
        phone=f"13{rng.randrange(10**9):09d}",
    )
    for role in roles:
        org_services.role_grant(by=None, user=user, role=role)
    s.users.append(user)
    return user


def _certificate(officer: User, seq: int, valid_to: date) -> None:
    org_services.certificate_add(
        by=None,
        officer=officer,
        number=f"冀环执{seq:06d}",
        issuer="河北省生态环境厅",
        valid_from=valid_to - timedelta(days=365 * 5),
        valid_to=valid_to,
    )


def build_people(s: Structure, rng: random.Random, today: date) -> None:
    """One user per role at the city (admin roles too), a team leader per county, ~80 officers."""
    for role in sorted(ADMIN_ROLES):
        _account(s, rng, str(role), s.city, role)
    for role in BUSINESS_ROLES_AT_CITY:
        _account(s, rng, f"lf_{role}", s.city, role)
    for (key, _), county in zip(COUNTIES, s.counties, strict=True):
        _account(s, rng, f"{key}_team_leader", county, Role.TEAM_LEADER)
    officers = [u for u in s.users if u.has_role(Role.OFFICER)]
    officers += [_account(s, rng, f"lf_zf{i:02d}", s.city, Role.OFFICER) for i in range(1, CITY_OFFICERS + 1)]
    for (key, _), county in zip(COUNTIES, s.counties, strict=True):
        officers += [
            _account(s, rng, f"{key}_zf{i:02d}", county, Role.OFFICER)
            for i in range(1, OFFICERS_PER_COUNTY + 1)
        ]
    for i in range(TOWNSHIP_OFFICERS):
        town = s.townships[(i * 3) % len(s.townships)]
        key = COUNTIES[[c.pk for c in s.counties].index(town.parent_id or 0)][0]
        officers.append(
            _account(s, rng, f"{key}_t{town.division_code[-3:]}_zf{i + 1:02d}", town, Role.OFFICER)
        )
    holders = officers + [u for u in s.users if u.has_role(Role.TEAM_LEADER)]
    for seq, officer in enumerate(holders, start=1):
        if seq % 10 == 3 and seq <= 80:  # about 8 expiring within 60 days
            valid_to = today + timedelta(days=5 + (seq * 7) % 50)
        elif seq in (7, 41):  # a couple already expired
            valid_to = today - timedelta(days=10 + seq)
        else:
            valid_to = today + timedelta(days=120 + rng.randrange(1400))
        _certificate(officer, seq, valid_to)
    for i, officer in enumerate(officers[::6]):
        org_services.training_add(
            by=None,
            officer=officer,
            title=f"生态环境执法业务培训（第{i % 3 + 1}期）",
            held_on=today - timedelta(days=30 + 20 * i),
            hours=Decimal("16"),
            organizer="廊坊市生态环境局",
        )


# ---------------------------------------------------------------- entities (pure generation)


def org_code(n: int) -> str:
    """A 9-character 组织机构代码 (GB 11714) with its check character, unique for n < 10**8."""
    body = f"{(n * 7919 + 10_000_019) % 10**8:08d}"
    total = sum(int(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def demo_uscc(n: int, county_code: str) -> str:
    body = f"91{county_code}{org_code(n)}"
    return body + stdnum_uscc.calc_check_digit(body)


@dataclass
class EntitySpec:
    entity: dict[str, Any]
    permit: dict[str, Any] | None
    outlets: list[tuple[dict[str, Any], list[dict[str, Any]], str | None]]  # outlet, limits, MN


# permit tier (demo_vocab.INDUSTRY_PROFILE) → (share of key polluters, share of special objects)
CLASS_SHARES = {"K": (0.35, 0.05), "S": (0.08, 0.06), "R": (0.0, 0.04)}


OUTLET_COUNTS = {"K": (2, 2, 3), "S": (1, 1, 2), "R": (0, 1)}


def _pick_class(rng: random.Random, tier: str) -> str:
    """Key polluters come from the heavy industries (重点管理); small shops are never key."""
    key, special = CLASS_SHARES[tier]
    r = rng.random()
    return (
        SupervisionClass.KEY
        if r < key
        else SupervisionClass.SPECIAL
        if r < key + special
        else SupervisionClass.GENERAL
    )


def _pick_status(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.88:
        return EntityStatus.OPERATING
    return (
        EntityStatus.SUSPENDED if r < 0.93 else EntityStatus.CONSTRUCTING if r < 0.97 else EntityStatus.CLOSED
    )


def _limits(kind: str, rng: random.Random) -> list[dict[str, Any]]:
    chosen = WATER_POLLUTANTS if kind == "water" else AIR_POLLUTANTS[: rng.choice((2, 3))]
    return [
        {
            "pollutant_code": code,
            "pollutant_name": name,
            "unit": unit,
            "averaging_period": period,
            "limit_value": Decimal(rng.randrange(low, high + 1, 5)),
        }
        for code, name, unit, period, (low, high) in chosen
    ]


def _outlets(i: int, county_code: str, kinds: str, key: bool, tier: str, rng: random.Random) -> list[Any]:
    """Heavy industries have 2–3 outlets, simplified ones 1–2, a registered shop at most one; every
    outlet of a key polluter has its automatic monitoring point (MN)."""
    count = rng.choice(OUTLET_COUNTS[tier])
    if key:
        count = max(count, 1)
    out = []
    for k in range(count):
        kind = "water" if kinds[k % len(kinds)] == "W" else "air"
        prefix = "DW" if kind == "water" else "DA"
        outlet = {"code": f"{prefix}{k + 1:03d}", "kind": kind, "name": OUTLET_NAMES[kind][k % 3]}
        mn = f"88{county_code}{i:09d}{k}" if key else None
        out.append((outlet, _limits(kind, rng), mn))
    return out


def _permit(uscc: str, cls: str, tier: str, rng: random.Random, today: date) -> dict[str, Any] | None:
    """重点/简化管理 industries always hold a discharge permit (a key polluter one of 重点管理); a small
    shop mostly holds a 排污登记 receipt (登记管理), some none."""
    if cls == SupervisionClass.KEY:
        mclass = PermitClass.KEY
    elif tier in ("K", "S"):
        mclass = PermitClass.SIMPLIFIED
    elif rng.random() < 0.8:
        mclass = PermitClass.REGISTRATION
    else:
        return None
    start = today - timedelta(days=rng.randrange(1500))
    return {
        "number": f"{uscc}001{'W' if mclass == PermitClass.REGISTRATION else 'P'}",
        "management_class": mclass,
        "valid_from": start,
        "valid_to": start + timedelta(days=365 * 5 - 1),
    }


def generate_entities(
    n: int, towns: list[tuple[str, str, str]], seed: int = SEED, today: date | None = None
) -> Iterator[EntitySpec]:
    """n entity specs. `towns` = (division code, township name, county code); deterministic per seed."""
    rng = random.Random(seed)
    today = today or date(2026, 1, 1)
    codes = list(INDUSTRY_PROFILE)
    weights = [INDUSTRY_PROFILE[c][2] for c in codes]
    for i in range(n):
        town_code, town_name, county_code = towns[rng.randrange(len(towns))]
        county_level = rng.random() < 0.1
        industry = rng.choices(codes, weights)[0]
        word, kinds, _, tier = INDUSTRY_PROFILE[industry]
        county = division_name(county_code) or ""
        place = (county if county_level else town_name)[:-1] if rng.random() < 0.5 else county[:-1]
        cls = _pick_class(rng, tier)
        lat0, lon0 = CENTERS[county_code]
        uscc = demo_uscc(i, county_code)
        entity = {
            "name": f"{place}{rng.choice(BRANDS)}{word}{rng.choice(SUFFIXES)}",
            "uscc": uscc,
            "legal_representative": person_name(rng),
            "address": f"河北省廊坊市{county}{'' if county_level else town_name}"
            f"{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
            "division_code": county_code if county_level else town_code,
            "industry_code": industry,
            "supervision_class": cls,
            "status": _pick_status(rng),
            "latitude": Decimal(f"{lat0 + rng.uniform(-0.12, 0.12):.6f}"),
            "longitude": Decimal(f"{lon0 + rng.uniform(-0.12, 0.12):.6f}"),
        }
        permit = _permit(uscc, cls, tier, rng, today)
        key = cls == SupervisionClass.KEY
        yield EntitySpec(entity, permit, _outlets(i, county_code, kinds, key, tier, rng))


# ---------------------------------------------------------------- writing


@dataclass
class Counts:
    entities: int = 0
    permits: int = 0
    outlets: int = 0
    limits: int = 0
    monitoring_points: int = 0


def _write_batch(specs: list[EntitySpec], owners: dict[str, Unit], counts: Counts) -> None:
    entities = Entity.objects.bulk_create(
        [Entity(**s.entity, owner_unit=owners[s.entity["division_code"]]) for s in specs]
    )
    permits_by_entity = {}
    permit_rows = [
        (e, DischargePermit(entity=e, **s.permit)) for e, s in zip(entities, specs, strict=True) if s.permit
    ]
    DischargePermit.objects.bulk_create([p for _, p in permit_rows])
    permits_by_entity = {e.pk: p for e, p in permit_rows}
    outlet_rows = [
        (Outlet(entity=e, permit=permits_by_entity.get(e.pk), **o), limits, mn)
        for e, s in zip(entities, specs, strict=True)
        for o, limits, mn in s.outlets
    ]
    Outlet.objects.bulk_create([o for o, _, _ in outlet_rows])
    limits = [PollutantLimit(outlet=o, **lim) for o, lims, _ in outlet_rows for lim in lims]
    PollutantLimit.objects.bulk_create(limits)
    points = [
        MonitoringPoint(outlet=o, mn=mn, password=f"{(o.pk * 7919) % 10**6:06d}")
        for o, _, mn in outlet_rows
        if mn
    ]
    MonitoringPoint.objects.bulk_create(points)
    counts.entities += len(entities)
    counts.permits += len(permit_rows)
    counts.outlets += len(outlet_rows)
    counts.limits += len(limits)
    counts.monitoring_points += len(points)


def seed_entities(n: int, s: Structure, *, batch_size: int = 2000, seed: int = SEED) -> Counts:
    """Bulk-create n entities with permits, outlets, limits and points; owner = the unit of the
    township (or of the county for county-level addresses)."""
    towns = [
        (t.division_code, (division_name(t.division_code) or t.name), t.division_code[:6])
        for t in s.townships
    ]
    owners = {u.division_code: u for u in [*s.counties, *s.townships]}
    counts = Counts()
    batch: list[EntitySpec] = []
    for spec in generate_entities(n, towns, seed):
        batch.append(spec)
        if len(batch) >= batch_size:
            _write_batch(batch, owners, counts)
            batch = []
    if batch:
        _write_batch(batch, owners, counts)
    return counts


def seed_all(*, entities: int = 3000, today: date | None = None) -> tuple[Structure, Counts]:
    rng = random.Random(SEED)
    today = today or date.today()
    with _fast_hashing():
        s = build_units()
        build_people(s, rng, today)
    with transaction.atomic():
        counts = seed_entities(entities, s)
        audit_record(
            action="demo.seed",
            target=("demo", "", "演示数据"),
            after={
                "units": 1 + len(s.counties) + len(s.townships),
                "users": len(s.users),
                "seed": SEED,
                **counts.__dict__,
            },
        )
    return s, counts


def has_data() -> bool:
    return Unit.objects.exists() or Entity.objects.exists()
