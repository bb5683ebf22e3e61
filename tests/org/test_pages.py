"""The org pages do what they say: forms, messages, the one-time secrets, the Excel export."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from ninja.errors import AuthenticationError
from openpyxl import load_workbook

from ecoenforce.audit.models import AuditEvent
from ecoenforce.org import services
from ecoenforce.org.models import ApiToken, EnforcementCertificate, RoleGrant, Training, User
from ecoenforce.org.roles import Role
from ecoenforce.org.tokens import TokenAuth
from tests.org.conftest import events_since, head_seq


def test_unit_form_shows_division_code_errors_in_chinese(world, client_for):
    response = client_for("county_a", "sysadmin").post(
        reverse("org:unit-create"),
        {
            "name": "新镇",
            "level": 4,
            "division_code": "131022",
            "parent": world.units["county_a"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "乡镇、街道级单位的行政区划代码应为9位数字" in response.content.decode()


def test_account_edit_and_deactivate_through_the_page(world, client_for):
    client = client_for("county_a", "sysadmin")
    person = world.user("county_a", "officer")
    response = client.post(
        reverse("org:account-edit", args=[person.pk]),
        {"real_name": "赵六", "phone": "13900000000", "unit": world.units["town_a"].pk},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.real_name, person.unit_id) == ("赵六", world.units["town_a"].pk)
    response = client.post(
        reverse("org:account-active", args=[person.pk]), {"active": "0", "reason": "调离"}, follow=True
    )
    assert "已停用账户" in response.content.decode()
    assert not User.objects.get(pk=person.pk).is_active
    assert AuditEvent.objects.filter(action="user.set_active", reason="调离").exists()


def test_account_create_refuses_a_taken_username(world, client_for):
    response = client_for("county_a", "sysadmin").post(
        reverse("org:account-create"),
        {"username": "county_a_officer", "real_name": "重名", "unit": world.units["county_a"].pk},
    )
    assert response.status_code == 200
    assert "已存在" in response.content.decode()


def test_roles_page_grants_and_revokes(world, client_for):
    client = client_for("county_a", "secadmin")
    person = world.user("town_a", "complaint_handler")
    html = client.get(reverse("org:roles")).content.decode()
    assert "信访投诉受理人员" in html and f'id="u{person.pk}"' in html
    response = client.post(
        reverse("org:role-grant", args=[person.pk]), {"role": Role.OFFICER, "query": "q=town"}
    )
    assert response["Location"] == reverse("org:roles") + "?q=town"
    assert RoleGrant.objects.filter(
        user=person, role=Role.OFFICER, granted_by__username="county_a_secadmin"
    ).exists()
    client.post(reverse("org:role-revoke", args=[person.pk]), {"role": Role.OFFICER})
    assert not RoleGrant.objects.filter(user=person, role=Role.OFFICER).exists()
    response = client.post(reverse("org:role-revoke", args=[person.pk]), {"role": Role.OFFICER}, follow=True)
    assert "该用户没有此角色" in response.content.decode()


def test_tokens_page_shows_the_token_once_and_it_authenticates(world, client_for):
    client = client_for("county_a", "secadmin")
    machine = world.user("county_a", "officer")
    page = client.get(reverse("org:tokens")).content.decode()
    assert "county_a_officer" in page and "county_a_sysadmin" not in page  # no tokens for administrators
    response = client.post(reverse("org:tokens"), {"user": machine.pk, "name": "在线监控平台"})
    html = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    raw = html.split('temporary-secret user-select-all text-break">', 1)[1].split("<", 1)[0]
    assert raw.startswith(token.prefix) and ApiToken.hash(raw) == token.token_hash
    assert raw not in client.get(reverse("org:tokens")).content.decode()
    assert TokenAuth().authenticate(RequestFactory().get("/api/"), raw) == machine
    client.post(reverse("org:token-revoke", args=[token.pk]))
    with pytest.raises(AuthenticationError):  # a presented but dead token is a 401 at once
        TokenAuth().authenticate(RequestFactory().get("/api/"), raw)


def test_tokens_of_another_county_are_not_listed_or_revocable(world, client_for):
    token, _ = services.token_issue(
        by=world.user("county_b", "secadmin"), user=world.user("county_b", "officer"), name="乙县对接"
    )
    client = client_for("county_a", "secadmin")
    assert "乙县对接" not in client.get(reverse("org:tokens")).content.decode()
    assert client.post(reverse("org:token-revoke", args=[token.pk])).status_code == 404
    assert not ApiToken.objects.get(pk=token.pk).revoked


def test_person_page_adds_and_revokes_certificates_and_trainings(world, client_for):
    client = client_for("county_a", "team_leader")
    officer = world.user("county_a", "officer")
    page = client.get(reverse("org:person", args=[officer.pk])).content.decode()
    assert "ZF-county_a_officer" in page and "登记执法证" in page
    seq = head_seq()
    response = client.post(
        reverse("org:certificate-add", args=[officer.pk]),
        {
            "number": "ZF-NEW-1",
            "issuer": "河北省人民政府",
            "valid_from": "2031-01-01",
            "valid_to": "2030-01-01",
        },
    )
    assert response.status_code == 400 and "有效期止不能早于有效期起" in response.content.decode()
    client.post(
        reverse("org:certificate-add", args=[officer.pk]),
        {
            "number": "ZF-NEW-1",
            "issuer": "河北省人民政府",
            "valid_from": "2031-01-01",
            "valid_to": "2034-01-01",
        },
    )
    cert = EnforcementCertificate.objects.get(number="ZF-NEW-1")
    client.post(reverse("org:certificate-revoke", args=[cert.pk]), {"reason": "换发新证"})
    client.post(
        reverse("org:training-add", args=[officer.pk]),
        {
            "title": "新《固废法》执法培训",
            "organizer": "省厅",
            "held_on": date.today().isoformat(),
            "hours": "6",
        },
    )
    training = Training.objects.get(officer=officer)
    client.post(reverse("org:training-revoke", args=[training.pk]), {"reason": "登记错误"})
    assert [e.action for e in events_since(seq)] == [
        "certificate.add",
        "certificate.revoke",
        "training.add",
        "training.revoke",
    ]
    assert (
        EnforcementCertificate.objects.get(pk=cert.pk).revoked
        and Training.objects.get(pk=training.pk).revoked
    )


def test_people_list_shows_certificate_status_and_filters(world, client_for):
    today = date.today()
    leader = world.user("city", "bureau_head")
    expiring = world.user("county_a", "team_leader")
    expired = world.user("county_a", "legal_reviewer")
    services.certificate_add(
        by=leader,
        officer=expiring,
        number="ZF-SOON",
        issuer="厅",
        valid_from=today - timedelta(days=700),
        valid_to=today + timedelta(days=20),
    )
    services.certificate_add(
        by=leader,
        officer=expired,
        number="ZF-OLD",
        issuer="厅",
        valid_from=today - timedelta(days=700),
        valid_to=today - timedelta(days=1),
    )
    client = client_for("county_a", "officer")
    html = client.get(reverse("org:people")).content.decode()
    assert "60天内到期" in html and "已过期" in html and "有效" in html and "剩20天" in html
    html = client.get(reverse("org:people"), {"status": "expiring"}).content.decode()
    assert "ZF-SOON" in html and "ZF-OLD" not in html and "ZF-county_a_officer" not in html
    html = client.get(reverse("org:people"), {"status": "expired"}).content.decode()
    assert "ZF-OLD" in html and "ZF-SOON" not in html
    html = (
        client_for("city", "supervisor")
        .get(reverse("org:people"), {"role": "officer", "unit": world.units["town_a"].pk})
        .content.decode()
    )
    assert "town_a_officer" in html and "county_a_officer" not in html and "town_a_team_leader" not in html


def test_people_export_is_an_audited_excel_file_without_formulas(world, client_for):
    person = world.user("county_a", "officer")
    person.real_name = '=HYPERLINK("http://evil","x")'
    person.save()
    client = client_for("county_a", "officer")
    seq = head_seq()
    response = client.get(reverse("org:people-export"), {"role": "officer"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("姓名", "用户名", "所属单位", "角色")
    names = {r[1]: r for r in rows[1:]}
    assert set(names) == {"county_a_officer", "town_a_officer"}
    row = names["county_a_officer"]
    assert row[5] == "ZF-county_a_officer" and row[9] == "有效"
    cell = next(c for c in sheet["A"] if c.value == person.real_name)
    assert cell.data_type == "s"  # text, never a formula
    event = events_since(seq, action="people.export")[0]
    assert '"rows":2' in event.after and '"role":"officer"' in event.after


def test_my_account_page(world, client_for):
    html = client_for("county_a", "officer").get(reverse("org:account")).content.decode()
    assert "county_a_officer" in html and "执法人员" in html and "未启用" in html and "可选" in html
    html = client_for("county_a", "auditadmin").get(reverse("org:account")).content.decode()
    assert "管理员账户须启用动态口令" in html


def test_user_menu_links_to_account_and_password(world, client_for):
    html = client_for("county_a", "officer").get(reverse("org:people")).content.decode()
    assert f'href="{reverse("org:account")}"' in html and f'href="{reverse("org:password")}"' in html
    assert 'data-bs-target="#main-nav"' in html and 'class="collapse navbar-collapse" id="main-nav"' in html


def test_the_return_to_the_roles_page_keeps_only_a_query_string(world, client_for):
    client = client_for("county_a", "secadmin")
    person = world.user("county_a", "officer")
    response = client.post(
        reverse("org:account-unlock", args=[person.pk]), {"query": "q=a&x=//evil.example/\r\nSet-Cookie: a=b"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("org:roles") + "?q=a&x=%2F%2Fevil.example%2F")
    assert "\n" not in response["Location"]
