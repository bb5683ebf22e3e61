"""demo_seed: deterministic, --if-empty a no-op, valid data; demo_logins prints every login."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from stdnum.cn import uscc as stdnum_uscc

from ecoenforce.audit.models import AuditEvent
from ecoenforce.entities import demo_data
from ecoenforce.entities.demo_vocab import INDUSTRY_PROFILE
from ecoenforce.entities.models import Entity, MonitoringPoint, Outlet, PermitClass, SupervisionClass
from ecoenforce.org.divisions import validate_division_code
from ecoenforce.org.models import EnforcementCertificate, RoleGrant, Unit, UnitLevel, User
from ecoenforce.org.roles import Role


def _wipe() -> None:
    Entity.objects.all().delete()
    User.objects.all().delete()
    for level in (UnitLevel.TOWNSHIP, UnitLevel.COUNTY, UnitLevel.CITY):
        Unit.objects.filter(level=level).delete()


def _snapshot() -> list[tuple[str, str, str, str]]:
    return list(
        Entity.objects.order_by("uscc").values_list("uscc", "name", "division_code", "supervision_class")
    )


@pytest.mark.django_db
def test_demo_seed_is_deterministic_and_if_empty_is_noop() -> None:
    call_command("demo_seed", "--entities", "200", stdout=StringIO())
    first = _snapshot()
    users_first = sorted(User.objects.values_list("username", flat=True))
    assert len(first) == 200
    out = StringIO()
    call_command("demo_seed", "--entities", "200", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert Entity.objects.count() == 200
    with pytest.raises(CommandError):
        call_command("demo_seed", "--entities", "10", stdout=StringIO())
    _wipe()
    call_command("demo_seed", "--entities", "200", stdout=StringIO())
    assert _snapshot() == first
    assert sorted(User.objects.values_list("username", flat=True)) == users_first


@pytest.mark.django_db
def test_demo_seed_content() -> None:
    call_command("demo_seed", "--entities", "300", stdout=StringIO())
    assert Unit.objects.filter(level=UnitLevel.CITY).count() == 1
    assert Unit.objects.filter(level=UnitLevel.COUNTY).count() == 6
    assert 35 <= Unit.objects.filter(level=UnitLevel.TOWNSHIP).count() <= 45
    # enterprise accounts come from an enterprise's own application and an administrator's approval
    for role in set(Role.values) - {Role.ENTERPRISE}:
        assert RoleGrant.objects.filter(role=role).exists(), role
    for role in ("sysadmin", "secadmin", "auditadmin"):
        assert RoleGrant.objects.get(role=role).user.unit.level == UnitLevel.CITY
    assert 75 <= RoleGrant.objects.filter(role=Role.OFFICER).count() <= 85
    today = date.today()
    certs = EnforcementCertificate.objects
    assert 6 <= certs.filter(valid_to__gte=today, valid_to__lte=today + timedelta(days=60)).count() <= 10
    assert 1 <= certs.filter(valid_to__lt=today).count() <= 3
    entities = list(Entity.objects.select_related("owner_unit"))
    for e in entities[:50]:
        e.full_clean()
    assert all(stdnum_uscc.is_valid(e.uscc) for e in entities)
    for code in {e.division_code for e in entities}:
        validate_division_code(code)
    classes = [e.supervision_class for e in entities]
    assert 0.05 < classes.count("key") / len(classes) < 0.16
    assert classes.count("special") > 0
    assert len({e.industry_code for e in entities}) > 20
    key_outlets = Outlet.objects.filter(entity__supervision_class="key")
    assert MonitoringPoint.objects.count() == key_outlets.count() > 0
    assert Entity.objects.filter(permits__isnull=False).distinct().count() > 200
    event = AuditEvent.objects.get(action="demo.seed")
    assert '"entities":300' in event.after


@pytest.mark.django_db
def test_demo_entities_are_plausible_to_an_officer() -> None:
    """Permits, outlets and points follow the industry and the supervision class (issue 10 §3)."""
    call_command("demo_seed", "--entities", "600", stdout=StringIO())
    tier = {code: profile[3] for code, profile in INDUSTRY_PROFILE.items()}
    entities = Entity.objects.prefetch_related("permits", "outlets__monitoring_points")
    checked = {"key": 0, "permit": 0, "shop": 0}
    for e in entities:
        permits = list(e.permits.all())
        outlets = list(e.outlets.all())
        points = [p for o in outlets for p in o.monitoring_points.all()]
        if e.supervision_class == SupervisionClass.KEY:
            checked["key"] += 1  # a key polluter: a 重点管理 permit, automatic monitoring on every outlet
            assert [p.management_class for p in permits] == [PermitClass.KEY], e.name
            assert outlets and len(points) == len(outlets), e.name
        if tier[e.industry_code] in ("K", "S"):
            checked["permit"] += 1  # an industry under 重点/简化管理 always holds a discharge permit
            assert permits and permits[0].management_class != PermitClass.REGISTRATION, e.name
            assert outlets and all(o.permit_id == permits[0].pk for o in outlets), e.name
        if tier[e.industry_code] == "R":
            checked["shop"] += 1  # a small shop: never key, at most a registration, no monitoring point
            assert e.supervision_class != SupervisionClass.KEY and not points and len(outlets) <= 1, e.name
            assert all(p.management_class == PermitClass.REGISTRATION for p in permits), e.name
    assert min(checked.values()) > 30, checked
    cement = [e for e in entities if e.industry_code == "C3011"]  # 水泥制造: a permit with its air outlets
    assert cement and all(
        e.permits.exists() and {o.kind for o in e.outlets.all()} == {"air"} for e in cement
    )


def test_uscc_generator_unique_and_valid() -> None:
    codes = {demo_data.demo_uscc(n, "131022") for n in range(20000)}
    assert len(codes) == 20000
    assert all(stdnum_uscc.is_valid(c) for c in list(codes)[:2000])


def test_generator_is_pure_and_deterministic() -> None:
    towns = [("131022100", "固安镇", "131022"), ("131023100", "永清镇", "131023")]
    a = [s.entity["uscc"] for s in demo_data.generate_entities(50, towns)]
    b = [s.entity["uscc"] for s in demo_data.generate_entities(50, towns)]
    assert a == b and len(set(a)) == 50


@pytest.mark.django_db
def test_demo_logins_lists_every_account() -> None:
    call_command("demo_seed", "--entities", "10", stdout=StringIO())
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert demo_data.DEMO_PASSWORD in text and "TOTP" in text
    for username in User.objects.values_list("username", flat=True):
        assert username in text
    assert "安全审计员" in text and "执法人员" in text
