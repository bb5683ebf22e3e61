"""factory_boy factories and the standard test world. Writes go through the services, as in the product."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import factory
from stdnum.cn import uscc as stdnum_uscc

from ecoenforce.org import services as org_services
from ecoenforce.org.models import Unit, UnitLevel
from ecoenforce.org.roles import Role

PASSWORD = "Test-Passw0rd!"


def make_uscc(n: int) -> str:
    """A valid 统一社会信用代码 for test number n (check character computed by python-stdnum)."""
    body = f"91131000{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


def make_unit(name: str, level: int, code: str, parent: Unit | None = None) -> Unit:
    return org_services.unit_create(by=None, name=name, short_name=name[-6:], level=level, division_code=code,
                                    parent=parent)


def make_user(username: str, unit: Unit, *roles: str, cert_days: int | None = 365) -> Any:
    user = org_services.user_create(by=None, username=username, password=PASSWORD, unit=unit,
                                    real_name=username, validate=False)
    for role in roles:
        org_services.role_grant(by=None, user=user, role=role)
    if cert_days is not None and Role.OFFICER in roles:
        today = date.today()
        org_services.certificate_add(
            by=None, officer=user, number=f"ZF-{username}", issuer="廊坊市生态环境局",
            valid_from=today - timedelta(days=300), valid_to=today + timedelta(days=cert_days),
        )
    return user


@dataclass
class World:
    """city → county_a (→ town_a), county_b (→ town_b); one user per role per unit (45 users).

    Everything is made through the services, so the world's own audit events exist too.
    """

    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[tuple[str, str], Any] = field(default_factory=dict)

    def user(self, unit: str, role: str) -> Any:
        key = (unit, role)
        if key not in self.users:
            self.users[key] = make_user(f"{unit}_{role}", self.units[unit], role)
        return self.users[key]

    def all_users(self) -> dict[tuple[str, str], Any]:
        for unit in self.units:
            for role in Role.values:
                self.user(unit, role)
        return self.users


def make_world() -> World:
    w = World()
    city = make_unit("廊坊市生态环境局", UnitLevel.CITY, "131000")
    county_a = make_unit("固安县生态环境综合执法大队", UnitLevel.COUNTY, "131022", city)
    county_b = make_unit("永清县生态环境综合执法大队", UnitLevel.COUNTY, "131023", city)
    town_a = make_unit("固安镇", UnitLevel.TOWNSHIP, "131022100", county_a)
    town_b = make_unit("永清镇", UnitLevel.TOWNSHIP, "131023100", county_b)
    w.units = {"city": city, "county_a": county_a, "county_b": county_b, "town_a": town_a, "town_b": town_b}
    w.all_users()
    return w


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    level = UnitLevel.COUNTY
    division_code = "131022"

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return org_services.unit_create(by=None, **kwargs)
