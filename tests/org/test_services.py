"""org.services: every write is audited in its transaction; refusals raise Refused and write nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecoenforce.audit.models import AuditEvent
from ecoenforce.org import services
from ecoenforce.org.models import ApiToken, Unit, UnitLevel, User
from ecoenforce.org.permissions import Refused
from ecoenforce.org.roles import Role
from tests.factories import PASSWORD
from tests.org.conftest import events_since, head_seq


def only_event(seq: int, action: str) -> AuditEvent:
    events = events_since(seq)
    assert [e.action for e in events] == [action]
    return events[0]


# ---------------------------------------------------------------------------------------------- units


def test_unit_create_is_audited_with_path_and_actor(world):
    admin = world.user("county_a", "sysadmin")
    seq = head_seq()
    unit = services.unit_create(
        by=admin,
        name="牛驼镇",
        level=UnitLevel.TOWNSHIP,
        division_code="131022103",
        parent=world.units["county_a"],
    )
    assert unit.path == f"{world.units['county_a'].path}{unit.pk}/"
    event = only_event(seq, "unit.create")
    assert event.actor_id == admin.pk and event.target_id == str(unit.pk) and event.outcome == "ok"


@pytest.mark.parametrize(
    ("level", "code", "message"),
    [
        (UnitLevel.TOWNSHIP, "131022", "9位"),  # a township needs a 9-digit code
        (UnitLevel.TOWNSHIP, "131022999", "未知"),  # well-formed but not a known division
        (UnitLevel.COUNTY, "13102", "6位"),
        (UnitLevel.COUNTY, "abcdef", "6位"),
    ],
)
def test_unit_create_validates_the_division_code(world, level, code, message):
    admin = world.user("city", "sysadmin")
    seq = head_seq()
    with pytest.raises(ValidationError) as err:
        services.unit_create(
            by=admin, name="新单位", level=level, division_code=code, parent=world.units["county_a"]
        )
    assert message in " ".join(err.value.message_dict["division_code"])
    assert events_since(seq) == []


def test_unit_level_must_be_below_the_parent(world):
    admin = world.user("city", "sysadmin")
    with pytest.raises(ValidationError) as err:
        services.unit_create(
            by=admin,
            name="同级单位",
            level=UnitLevel.COUNTY,
            division_code="131024",
            parent=world.units["county_a"],
        )
    assert "层级" in str(err.value)


def test_unit_update_and_move_rewrites_the_subtree(world):
    admin = world.user("city", "sysadmin")
    town_a, county_b = world.units["town_a"], world.units["county_b"]
    sub = services.unit_create(
        by=admin,
        name="固安镇一中队",
        level=UnitLevel.TOWNSHIP,
        division_code="131022100",
        parent=world.units["county_a"],
    )
    seq = head_seq()
    services.unit_update(
        by=admin,
        unit=town_a,
        name="固安镇（划转）",
        short_name="",
        level=UnitLevel.TOWNSHIP,
        division_code=town_a.division_code,
        parent=county_b,
    )
    town_a.refresh_from_db()
    assert town_a.path == f"{county_b.path}{town_a.pk}/"
    assert Unit.objects.get(pk=sub.pk).path.startswith(world.units["county_a"].path)
    event = only_event(seq, "unit.update")
    assert '"parent":' in event.before and str(county_b.pk) in event.after


def test_unit_update_refuses_a_move_out_of_the_jurisdiction(world):
    admin = world.user("county_a", "sysadmin")
    town_a = world.units["town_a"]
    seq = head_seq()
    with pytest.raises(Refused):
        services.unit_update(
            by=admin,
            unit=town_a,
            name=town_a.name,
            short_name="",
            level=town_a.level,
            division_code=town_a.division_code,
            parent=world.units["county_b"],
        )
    assert events_since(seq) == []
    town_a.refresh_from_db()
    assert town_a.parent_id == world.units["county_a"].pk


def test_unit_update_refuses_deactivating_ones_own_unit(world):
    admin = world.user("county_a", "sysadmin")
    unit = world.units["county_a"]
    with pytest.raises(Refused):
        services.unit_update(
            by=admin,
            unit=unit,
            name=unit.name,
            short_name="",
            level=unit.level,
            division_code=unit.division_code,
            parent=unit.parent,
            is_active=False,
        )


def test_unit_level_must_stay_above_its_children(world):
    admin = world.user("city", "sysadmin")
    county_a = world.units["county_a"]
    with pytest.raises(ValidationError):
        services.unit_update(
            by=admin,
            unit=county_a,
            name=county_a.name,
            short_name="",
            level=UnitLevel.TOWNSHIP,
            division_code="131022100",
            parent=county_a.parent,
        )


# ------------------------------------------------------------------------------------------- accounts


def test_user_create_by_admin_forces_a_password_change(world):
    admin = world.user("county_a", "sysadmin")
    seq = head_seq()
    user = services.user_create(
        by=admin,
        username="new_officer",
        password="Xq7#mPlw2zRt",
        unit=world.units["town_a"],
        real_name="新人",
    )
    assert user.must_change_password and user.check_password("Xq7#mPlw2zRt")
    assert user.role_codes == frozenset()
    assert only_event(seq, "user.create").actor_id == admin.pk


def test_user_create_validates_the_password(world):
    admin = world.user("county_a", "sysadmin")
    with pytest.raises(ValidationError):
        services.user_create(by=admin, username="weak", password="abc", unit=world.units["county_a"])
    assert not User.objects.filter(username="weak").exists()


def test_user_update_is_audited(world):
    admin = world.user("city", "sysadmin")
    person = world.user("county_a", "officer")
    seq = head_seq()
    services.user_update(
        by=admin, user=person, real_name="王五", phone="13800000000", unit=world.units["town_a"]
    )
    person.refresh_from_db()
    assert (person.real_name, person.unit) == ("王五", world.units["town_a"])
    event = only_event(seq, "user.update")
    assert "王五" in event.after and "county_a_officer" in event.before


def test_user_set_active_is_audited_and_not_for_oneself(world):
    admin = world.user("county_a", "sysadmin")
    person = world.user("county_a", "officer")
    seq = head_seq()
    services.user_set_active(by=admin, user=person, active=False, reason="调离")
    assert not User.objects.get(pk=person.pk).is_active
    assert only_event(seq, "user.set_active").reason == "调离"
    with pytest.raises(Refused):
        services.user_set_active(by=admin, user=admin, active=False)


def test_password_reset_gives_a_valid_temporary_password_that_must_be_changed(world):
    admin = world.user("county_a", "sysadmin")
    person = world.user("county_a", "officer")
    seq = head_seq()
    temporary = services.password_reset(by=admin, user=person)
    person.refresh_from_db()
    assert person.check_password(temporary) and not person.check_password(PASSWORD)
    assert person.must_change_password
    event = only_event(seq, "user.password_reset")
    assert temporary not in event.after and temporary not in event.reason


def test_password_change_clears_the_flag_and_is_audited(world):
    person = world.user("county_a", "officer")
    person.must_change_password = True
    person.save()
    seq = head_seq()
    services.password_change(user=person, old_password=PASSWORD, new_password="Nw-Pass-2031x")
    person.refresh_from_db()
    assert person.check_password("Nw-Pass-2031x") and not person.must_change_password
    assert only_event(seq, "user.password_change").outcome == "ok"


def test_password_change_with_a_wrong_old_password_is_recorded_as_failed(world):
    person = world.user("county_a", "officer")
    seq = head_seq()
    with pytest.raises(ValidationError) as err:
        services.password_change(user=person, old_password="wrong", new_password="Nw-Pass-2031x")
    assert err.value.message_dict == {"old_password": ["原密码不正确"]}
    assert only_event(seq, "user.password_change").outcome == "failed"


def test_password_change_rejects_the_same_or_a_weak_password(world):
    person = world.user("county_a", "officer")
    with pytest.raises(ValidationError):
        services.password_change(user=person, old_password=PASSWORD, new_password=PASSWORD)
    with pytest.raises(ValidationError) as err:
        services.password_change(user=person, old_password=PASSWORD, new_password="alllowercaseletters")
    assert "3类" in " ".join(err.value.messages)


# ---------------------------------------------------------------------------------- roles and security


def test_role_grant_and_revoke_are_audited(world):
    secadmin = world.user("county_a", "secadmin")
    person = world.user("county_a", "complaint_handler")
    seq = head_seq()
    services.role_grant(by=secadmin, user=person, role=Role.OFFICER)
    assert person.has_role(Role.OFFICER)
    services.role_revoke(by=secadmin, user=person, role=Role.OFFICER)
    assert not User.objects.get(pk=person.pk).has_role(Role.OFFICER)
    assert [e.action for e in events_since(seq)] == ["role.grant", "role.revoke"]
    assert all(e.actor_id == secadmin.pk for e in events_since(seq))


def test_role_grant_refuses_an_inactive_account(world):
    secadmin = world.user("county_a", "secadmin")
    person = world.user("county_a", "officer")
    person.is_active = False
    person.save()
    with pytest.raises(ValidationError):
        services.role_grant(by=secadmin, user=person, role=Role.TEAM_LEADER)


def test_totp_reset_by_the_security_administrator(world):
    secadmin = world.user("county_a", "secadmin")
    person = world.user("county_a", "officer")
    TOTPDevice.objects.create(user=person, name="手机", confirmed=True)
    seq = head_seq()
    services.totp_reset(by=secadmin, user=person)
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert only_event(seq, "user.totp_reset").actor_id == secadmin.pk
    with pytest.raises(ValidationError):
        services.totp_reset(by=secadmin, user=person)


def test_totp_reset_own_needs_the_password(world):
    person = world.user("county_a", "sysadmin")
    TOTPDevice.objects.create(user=person, name="手机", confirmed=True)
    seq = head_seq()
    with pytest.raises(ValidationError):
        services.totp_reset_own(user=person, password="wrong")
    assert TOTPDevice.objects.filter(user=person).exists()
    services.totp_reset_own(user=person, password=PASSWORD)
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert [e.outcome for e in events_since(seq, action="auth.totp_reset_own")] == ["failed", "ok"]


def test_token_issue_keeps_only_the_hash_and_revoke_is_audited(world):
    secadmin = world.user("county_a", "secadmin")
    machine = world.user("county_a", "officer")
    seq = head_seq()
    token, raw = services.token_issue(by=secadmin, user=machine, name="在线监控平台")
    assert raw.startswith("ee_") and token.token_hash == ApiToken.hash(raw)
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    event = only_event(seq, "token.issue")
    assert raw not in event.after
    services.token_revoke(by=secadmin, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked
    with pytest.raises(ValidationError):
        services.token_revoke(by=secadmin, token=token)


@pytest.mark.parametrize("holder", ["secadmin", "sysadmin", "auditadmin"])
def test_no_token_for_oneself_or_for_an_administrator(world, holder):
    secadmin = world.user("county_a", "secadmin")
    with pytest.raises(Refused):
        services.token_issue(by=secadmin, user=world.user("county_a", holder), name="x")
    assert not ApiToken.objects.exists()


# ---------------------------------------------------------------------------- certificates, trainings


def test_certificate_add_and_revoke_are_audited(world):
    leader = world.user("county_a", "team_leader")
    officer = world.user("town_a", "officer")
    seq = head_seq()
    cert = services.certificate_add(
        by=leader,
        officer=officer,
        number="ZF-2031-001",
        issuer="河北省生态环境厅",
        valid_from=date.today(),
        valid_to=date.today() + timedelta(days=900),
    )
    services.certificate_revoke(by=leader, certificate=cert, reason="证件遗失")
    cert.refresh_from_db()
    assert cert.revoked
    assert [e.action for e in events_since(seq)] == ["certificate.add", "certificate.revoke"]
    assert events_since(seq)[1].reason == "证件遗失"
    with pytest.raises(ValidationError):
        services.certificate_revoke(by=leader, certificate=cert, reason="again")


def test_certificate_needs_a_reason_to_revoke_and_a_sane_period(world):
    leader = world.user("county_a", "team_leader")
    officer = world.user("county_a", "officer")
    with pytest.raises(ValidationError):
        services.certificate_add(
            by=leader,
            officer=officer,
            number="ZF-X",
            issuer="厅",
            valid_from=date.today(),
            valid_to=date.today() - timedelta(days=1),
        )
    cert = officer.certificates.get()
    with pytest.raises(ValidationError):
        services.certificate_revoke(by=leader, certificate=cert, reason=" ")


def test_no_certificate_for_oneself(world):
    leader = world.user("county_a", "team_leader")
    with pytest.raises(Refused):
        services.certificate_add(
            by=leader,
            officer=leader,
            number="ZF-SELF",
            issuer="厅",
            valid_from=date.today(),
            valid_to=date.today() + timedelta(days=30),
        )


def test_training_add_and_revoke_are_audited(world):
    head = world.user("county_a", "bureau_head")
    officer = world.user("county_a", "officer")
    seq = head_seq()
    training = services.training_add(
        by=head, officer=officer, title="排污许可执法培训", held_on=date.today(), hours="8", organizer="省厅"
    )
    services.training_revoke(by=head, training=training, reason="重复登记")
    training.refresh_from_db()
    assert training.revoked
    assert [e.action for e in events_since(seq)] == ["training.add", "training.revoke"]


# ----------------------------------------------------------------------------------------- refusals


REFUSED_CALLS = {
    "unit.create": lambda w, by: services.unit_create(
        by=by, name="x", level=UnitLevel.TOWNSHIP, division_code="131022101", parent=w.units["county_a"]
    ),
    "user.create": lambda w, by: services.user_create(
        by=by, username="x_user", password="Xq7#mPlw2zRt", unit=w.units["county_a"]
    ),
    "user.password_reset": lambda w, by: services.password_reset(by=by, user=w.user("county_a", "officer")),
    "role.grant": lambda w, by: services.role_grant(
        by=by, user=w.user("county_a", "officer"), role=Role.TEAM_LEADER
    ),
    "certificate.add": lambda w, by: services.certificate_add(
        by=by,
        officer=w.user("county_a", "officer"),
        number="ZF-R",
        issuer="厅",
        valid_from=date.today(),
        valid_to=date.today() + timedelta(days=10),
    ),
    "token.issue": lambda w, by: services.token_issue(by=by, user=w.user("county_a", "officer"), name="x"),
    "user.unlock": lambda w, by: services.account_unlock(by=by, user=w.user("county_a", "officer")),
}
# Which roles may make each call (in their own unit).
MAY = {
    "unit.create": {Role.SYSADMIN},
    "user.create": {Role.SYSADMIN},
    "user.password_reset": {Role.SYSADMIN},
    "role.grant": {Role.SECADMIN},
    "certificate.add": {Role.SYSADMIN, Role.TEAM_LEADER, Role.BUREAU_HEAD},
    "token.issue": {Role.SECADMIN},
    "user.unlock": {Role.SECADMIN},
}


@pytest.mark.parametrize("action", sorted(REFUSED_CALLS))
def test_services_refuse_roles_without_the_permission(world, action):
    refused = [role for role in Role.values if role not in MAY[action]]
    assert refused
    for role in refused:
        seq = head_seq()
        with pytest.raises(Refused) as err:
            REFUSED_CALLS[action](world, world.user("county_a", role))
        assert err.value.action == action, role
        assert events_since(seq) == [], role


@pytest.mark.parametrize("action", sorted(REFUSED_CALLS))
def test_services_refuse_outside_the_jurisdiction(world, action):
    role = sorted(MAY[action])[0]
    by = world.user("county_b", role)
    with pytest.raises(Refused) as err:
        REFUSED_CALLS[action](world, by)
    assert "辖区" in str(err.value)
