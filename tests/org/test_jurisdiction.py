"""Jurisdiction: a county's administrators and officers never see or change another county's data;
the supervisor reads his subordinates' people but cannot change them."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ecoenforce.org import services
from ecoenforce.org.models import EnforcementCertificate, RoleGrant, Training, Unit, UnitLevel, User
from ecoenforce.org.permissions import Refused
from ecoenforce.org.roles import Role
from tests.org.conftest import events_since, head_seq


def test_unit_tree_shows_only_the_jurisdiction(world, client_for):
    html = client_for("county_a", "sysadmin").get(reverse("org:units")).content.decode()
    assert "固安县生态环境综合执法大队" in html and "固安镇" in html
    assert "永清" not in html and "廊坊市生态环境局" not in html
    html = client_for("city", "sysadmin").get(reverse("org:units")).content.decode()
    assert all(name in html for name in ("廊坊市生态环境局", "固安镇", "永清镇"))


def test_county_sysadmin_cannot_open_or_change_another_countys_unit(world, client_for):
    client = client_for("county_a", "sysadmin")
    town_b = world.units["town_b"]
    url = reverse("org:unit-edit", args=[town_b.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url,
        {
            "name": "改名",
            "level": 4,
            "division_code": town_b.division_code,
            "parent": town_b.parent_id,
            "is_active": "on",
        },
    )
    assert response.status_code == 404
    assert Unit.objects.get(pk=town_b.pk).name == "永清镇"


def test_county_sysadmin_cannot_create_a_unit_under_another_county(world, client_for):
    client = client_for("county_a", "sysadmin")
    response = client.post(
        reverse("org:unit-create"),
        {
            "name": "越权镇",
            "level": 4,
            "division_code": "131023101",
            "parent": world.units["county_b"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form: the parent is not among the choices
    assert not Unit.objects.filter(name="越权镇").exists()
    with pytest.raises(Refused):
        services.unit_create(
            by=world.user("county_a", "sysadmin"),
            name="越权镇",
            level=UnitLevel.TOWNSHIP,
            division_code="131023101",
            parent=world.units["county_b"],
        )


def test_county_sysadmin_creates_units_in_his_county(world, client_for):
    client = client_for("county_a", "sysadmin")
    response = client.post(
        reverse("org:unit-create"),
        {
            "name": "宫村镇",
            "short_name": "宫村",
            "level": 4,
            "division_code": "131022101",
            "parent": world.units["county_a"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="宫村镇")
    assert unit.is_within(world.units["county_a"])


def test_county_sysadmin_edits_his_own_unit_without_moving_it(world, client_for):
    client = client_for("county_a", "sysadmin")
    county_a = world.units["county_a"]
    response = client.post(
        reverse("org:unit-edit", args=[county_a.pk]),
        {
            "name": "固安县生态环境保护综合执法大队",
            "short_name": "固安大队",
            "level": 3,
            "division_code": "131022",
            "parent": county_a.parent_id,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    county_a.refresh_from_db()
    assert county_a.short_name == "固安大队" and county_a.parent_id == world.units["city"].pk


def test_county_sysadmin_cannot_touch_another_countys_accounts(world, client_for):
    client = client_for("county_a", "sysadmin")
    other = world.user("county_b", "officer")
    for name in ("org:account-edit", "org:account-active", "org:account-reset-password"):
        url = reverse(name, args=[other.pk])
        assert (
            client.post(
                url, {"active": "0", "real_name": "x", "unit": world.units["county_a"].pk}
            ).status_code
            == 404
        )
    other.refresh_from_db()
    assert (
        other.is_active and other.check_password("Test-Passw0rd!") and other.unit == world.units["county_b"]
    )
    html = client.get(reverse("org:accounts")).content.decode()
    assert "county_a_officer" in html and "county_b_officer" not in html


def test_county_sysadmin_cannot_move_a_user_to_another_county(world, client_for):
    client = client_for("county_a", "sysadmin")
    person = world.user("county_a", "officer")
    response = client.post(
        reverse("org:account-edit", args=[person.pk]),
        {"real_name": "x", "phone": "", "unit": world.units["county_b"].pk},
    )
    assert response.status_code == 200
    assert User.objects.get(pk=person.pk).unit == world.units["county_a"]


def test_county_secadmin_cannot_grant_in_another_county(world, client_for):
    client = client_for("county_a", "secadmin")
    other = world.user("county_b", "complaint_handler")
    assert client.post(reverse("org:role-grant", args=[other.pk]), {"role": Role.OFFICER}).status_code == 404
    assert not RoleGrant.objects.filter(user=other, role=Role.OFFICER).exists()
    html = client.get(reverse("org:roles")).content.decode()
    assert "county_b_" not in html and "town_a_officer" in html


def test_city_secadmin_grants_in_a_county(world, client_for):
    client = client_for("city", "secadmin")
    other = world.user("county_b", "complaint_handler")
    assert client.post(reverse("org:role-grant", args=[other.pk]), {"role": Role.OFFICER}).status_code == 302
    assert RoleGrant.objects.filter(user=other, role=Role.OFFICER).exists()


def test_county_officer_reads_only_his_countys_people(world, client_for):
    client = client_for("county_a", "officer")
    html = client.get(reverse("org:people")).content.decode()
    assert "county_a_officer" in html and "town_a_officer" in html
    assert "county_b_" not in html and "city_" not in html
    assert client.get(reverse("org:person", args=[world.user("county_b", "officer").pk])).status_code == 404
    book = load_workbook(io.BytesIO(client.get(reverse("org:people-export")).content))
    usernames = {row[1] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert usernames and all(u.startswith(("county_a_", "town_a_")) for u in usernames)


def test_supervisor_reads_subordinates_but_cannot_add_certificates(world, client_for):
    client = client_for("city", "supervisor")
    officer = world.user("county_b", "officer")
    html = client.get(reverse("org:people")).content.decode()
    assert "county_b_officer" in html and "town_a_officer" in html
    page = client.get(reverse("org:person", args=[officer.pk]))
    assert page.status_code == 200
    assert "登记执法证" not in page.content.decode()
    seq = head_seq()
    response = client.post(
        reverse("org:certificate-add", args=[officer.pk]),
        {
            "number": "ZF-SUP",
            "issuer": "厅",
            "valid_from": date.today(),
            "valid_to": date.today() + timedelta(days=9),
        },
    )
    assert response.status_code == 403
    assert not EnforcementCertificate.objects.filter(number="ZF-SUP").exists()
    assert [e.outcome for e in events_since(seq)] == ["refused"]
    cert = officer.certificates.get()
    assert client.post(reverse("org:certificate-revoke", args=[cert.pk]), {"reason": "x"}).status_code == 403
    assert not EnforcementCertificate.objects.get(pk=cert.pk).revoked


def test_team_leader_manages_certificates_only_in_his_county(world, client_for):
    client = client_for("county_a", "team_leader")
    mine, other = world.user("town_a", "officer"), world.user("county_b", "officer")
    data = {
        "number": "ZF-A-1",
        "issuer": "河北省生态环境厅",
        "valid_from": "2030-01-01",
        "valid_to": "2033-01-01",
    }
    assert client.post(reverse("org:certificate-add", args=[mine.pk]), data).status_code == 302
    assert EnforcementCertificate.objects.filter(number="ZF-A-1", officer=mine).exists()
    assert (
        client.post(reverse("org:certificate-add", args=[other.pk]), {**data, "number": "ZF-B-1"}).status_code
        == 404
    )
    assert not EnforcementCertificate.objects.filter(number="ZF-B-1").exists()
    cert_b = other.certificates.get()
    assert (
        client.post(reverse("org:certificate-revoke", args=[cert_b.pk]), {"reason": "x"}).status_code == 404
    )
    training = {"title": "培训", "held_on": "2030-05-01", "hours": "4"}
    assert client.post(reverse("org:training-add", args=[other.pk]), training).status_code == 404
    assert not Training.objects.filter(officer=other).exists()


def test_service_level_refusal_outside_jurisdiction(world):
    leader = world.user("county_a", "team_leader")
    with pytest.raises(Refused) as err:
        services.certificate_add(
            by=leader,
            officer=world.user("county_b", "officer"),
            number="ZF-X",
            issuer="厅",
            valid_from=date.today(),
            valid_to=date.today() + timedelta(days=9),
        )
    assert "辖区" in str(err.value)


def test_a_moved_unit_moves_its_people_into_the_new_jurisdiction(world, client_for):
    town_a = world.units["town_a"]
    services.unit_update(
        by=world.user("city", "sysadmin"),
        unit=town_a,
        name=town_a.name,
        short_name="",
        level=town_a.level,
        division_code=town_a.division_code,
        parent=world.units["county_b"],
    )
    html_a = client_for("county_a", "officer").get(reverse("org:people")).content.decode()
    html_b = client_for("county_b", "officer").get(reverse("org:people")).content.decode()
    assert "town_a_officer" not in html_a and "town_a_officer" in html_b


def test_the_top_unit_can_be_renamed_but_keeps_no_parent(world, client_for):
    city = world.units["city"]
    response = client_for("city", "sysadmin").post(
        reverse("org:unit-edit", args=[city.pk]),
        {
            "name": "廊坊市生态环境局（新）",
            "short_name": "市局",
            "level": 2,
            "division_code": "131000",
            "parent": world.units["county_a"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.name == "廊坊市生态环境局（新）" and city.parent_id is None
