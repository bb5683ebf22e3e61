"""等保三级 basics: lockout, password rules, idle timeout, CSRF, security headers, TOTP, forced change."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import get_password_validators, validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecoenforce.audit.models import AuditEvent
from ecoenforce.org import passwords
from ecoenforce.org.models import User
from tests.factories import PASSWORD
from tests.org.conftest import events_since, head_seq

LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str) -> object:
    return client.post(LOGIN, {"username": username, "password": password})


# ---------------------------------------------------------------------------------------------- lockout


def test_lockout_after_the_failure_limit_and_unlock_by_the_secadmin(world, client_for):
    limit = settings.AXES_FAILURE_LIMIT
    client = Client()
    for _ in range(limit - 1):
        response = login(client, "county_a_officer", "wrong-password")
        assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    response = login(client, "county_a_officer", "wrong-password")
    assert response.status_code == 429 and "账户已被临时锁定" in response.content.decode()
    # even the right password is refused while locked
    response = login(client, "county_a_officer", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert (
        AuditEvent.objects.filter(action="auth.login_failed", target_repr="county_a_officer").count() >= limit
    )
    assert AuditEvent.objects.filter(action="auth.locked_out", outcome="refused").exists()

    # the security administrator sees the lock and lifts it; the unlock is audited
    secadmin = client_for("county_a", "secadmin")
    roles_page = secadmin.get(reverse("org:roles")).content.decode()
    assert (
        "已锁定" in roles_page
        and reverse("org:account-unlock", args=[world.user("county_a", "officer").pk]) in roles_page
    )
    seq = head_seq()
    response = secadmin.post(reverse("org:account-unlock", args=[world.user("county_a", "officer").pk]))
    assert response.status_code == 302
    assert [e.action for e in events_since(seq)] == ["user.unlock"]
    assert login(Client(), "county_a_officer", PASSWORD).status_code == 302


def test_lockout_expires_after_the_cool_off(world):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, "county_a_officer", "wrong-password")
        assert login(client, "county_a_officer", PASSWORD).status_code == 429
        traveller.shift(timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
        assert login(client, "county_a_officer", PASSWORD).status_code == 302


def test_unlock_of_an_account_that_is_not_locked_says_so(world, client_for):
    response = client_for("county_a", "secadmin").post(
        reverse("org:account-unlock", args=[world.user("county_a", "officer").pk]), follow=True
    )
    assert "该账户当前未被锁定" in response.content.decode()


def test_login_page_states_the_limits(world):
    html = Client().get(LOGIN).content.decode()
    assert f"连续{settings.AXES_FAILURE_LIMIT}次登录失败" in html
    assert f"空闲超过{settings.SESSION_COOKIE_AGE // 60}分钟" in html


# -------------------------------------------------------------------------------------------- passwords


@pytest.fixture
def org_validators(settings):
    settings.AUTH_PASSWORD_VALIDATORS = passwords.AUTH_PASSWORD_VALIDATORS


def test_settings_use_the_org_password_validators():
    """settings.py must point at org.passwords (Django's own length message is English in 5.2)."""
    names = [v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [v["NAME"] for v in passwords.AUTH_PASSWORD_VALIDATORS], (
        "settings.py: set AUTH_PASSWORD_VALIDATORS = ecoenforce.org.passwords.AUTH_PASSWORD_VALIDATORS"
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "密码长度不足：至少须10个字符"),
        ("abcdefghijkl", "3类"),  # one class
        ("abcdefgh1234", "3类"),  # two classes
        ("12345678901234", "密码只包含数字"),
        ("1qaz2wsx3edc", "这个密码太常见了"),
    ],
)
def test_password_rules_have_chinese_messages(world, org_validators, password, message):
    user = world.user("county_a", "officer")
    with pytest.raises(ValidationError) as err:
        validate_password(password, user)
    assert any(message in m for m in err.value.messages), err.value.messages
    assert all(re.search(r"[\u4e00-\u9fff]", m) for m in err.value.messages), err.value.messages


def test_password_must_not_resemble_the_username_or_name(world, org_validators):
    user = User(username="zhangweiming", real_name="zhangwm")
    with pytest.raises(ValidationError) as err:
        validate_password("Zhangweiming1!", user)
    assert any("太相似" in m for m in err.value.messages)


def test_a_good_password_and_the_generated_ones_pass(world, org_validators):
    user = world.user("county_a", "officer")
    validate_password("Lvse-Zhifa-2031", user)
    for _ in range(50):
        generated = passwords.password_generate()
        validate_password(generated, user)
        assert len(generated) >= 12


def test_complexity_counts_three_of_four_classes():
    validator = passwords.ComplexityValidator()
    for ok in ("abcDEF123456", "abcdef-12345", "ABCDEF-12345", "abcdEF-ghijk"):
        validator.validate(ok)
    for weak in ("abcdefghijk", "abcdef123456", "ABCDEF123456", "------123456"):
        with pytest.raises(ValidationError):
            validator.validate(weak)


def test_min_length_comes_from_settings(settings):
    assert passwords.LengthValidator(min_length=12).get_help_text() == "密码至少12个字符。"
    validators = get_password_validators(passwords.AUTH_PASSWORD_VALIDATORS)
    assert any(getattr(v, "min_length", 0) >= 10 for v in validators)


# ------------------------------------------------------------------------------------------ idle timeout


def test_the_session_ends_after_idle_minutes_and_activity_extends_it(world):
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert settings.SESSION_SAVE_EVERY_REQUEST
    page = reverse("org:account")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = Client()
        assert login(client, "county_a_officer", PASSWORD).status_code == 302
        assert client.get(page).status_code == 200
        traveller.shift(idle - timedelta(minutes=1))
        assert client.get(page).status_code == 200  # still active: this request extends the session
        traveller.shift(idle - timedelta(minutes=1))
        assert client.get(page).status_code == 200
        traveller.shift(idle + timedelta(seconds=1))
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# -------------------------------------------------------------------------------------------------- CSRF


@pytest.mark.parametrize("name", ["org:password", "org:unit-create", "org:role-grant", "logout", "login"])
def test_a_post_without_the_csrf_token_is_refused(world, client_for, name):
    args = [world.user("county_a", "officer").pk] if name == "org:role-grant" else []
    client = client_for("county_a", "sysadmin", enforce_csrf_checks=True)
    response = client.post(reverse(name, args=args), {"old_password": PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


def test_a_post_with_the_csrf_token_passes(world, client_for):
    client = client_for("county_a", "officer", enforce_csrf_checks=True)
    client.get(reverse("org:password"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("org:password"),
        {"csrfmiddlewaretoken": token, "old_password": "x", "new_password1": "y", "new_password2": "y"},
    )
    assert response.status_code == 200  # the form's own errors, not a 403


# ---------------------------------------------------------------------------------------------- headers


PAGES_BY_ROLE = {
    ("county_a", "officer"): ["home", "org:people", "org:account", "org:password"],
    ("county_a", "sysadmin"): ["org:units", "org:unit-create", "org:accounts", "org:account-create"],
    ("county_a", "secadmin"): ["org:roles", "org:tokens"],
}


def assert_security_headers(response, url: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp, url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert "frame-ancestors 'none'" in csp, url
    assert response.headers.get("X-Frame-Options") == "DENY", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url


def assert_no_inline_code(html: str, url: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
    assert not re.search(r"<[^>]+\sstyle=", html), url
    assert not re.search(r"<[^>]+\son[a-z]+=", html), url
    assert "<style" not in html, url


def test_security_headers_and_no_inline_code_on_every_page(world, client_for):
    person = world.user("county_a", "officer")
    urls = [(Client(), LOGIN), (Client(), "/public/")]
    for (unit, role), names in PAGES_BY_ROLE.items():
        client = client_for(unit, role)
        urls += [(client, reverse(name)) for name in names]
    client = client_for("county_a", "sysadmin")
    urls += [
        (client, reverse("org:person", args=[person.pk])),
        (client, reverse("org:account-edit", args=[person.pk])),
        (client, reverse("org:unit-edit", args=[world.units["town_a"].pk])),
        (client, reverse("org:roles")),  # a 403 page
        (client, "/no-such-page/"),
    ]  # a 404 page
    for client, url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        assert_security_headers(response, url)
        assert_no_inline_code(response.content.decode(), url)


def test_the_lockout_and_csrf_pages_carry_the_headers_too(world, client_for):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "county_a_officer", "wrong")
    assert response.status_code == 429
    assert_security_headers(response, "lockout")
    response = client_for("county_a", "officer", enforce_csrf_checks=True).post(reverse("org:password"))
    assert response.status_code == 403
    assert_security_headers(response, "csrf")
    assert_no_inline_code(response.content.decode(), "csrf")


# ------------------------------------------------------------------------------------------------- TOTP


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def totp_on(settings):
    settings.REQUIRE_ADMIN_TOTP = True


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditadmin"])
def test_administrators_are_sent_to_set_up_totp(world, totp_on, role):
    client = Client()
    assert login(client, f"county_a_{role}", PASSWORD).status_code == 302
    response = client.get(reverse("org:people"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('otp-verify')}?next=%2Forg%2Fpeople%2F"


def test_totp_set_up_then_verification_at_the_next_login(world, totp_on):
    admin = world.user("county_a", "sysadmin")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = Client()
        login(client, admin.username, PASSWORD)
        page = client.get(f"{reverse('otp-verify')}?next=/org/units/")
        assert page.status_code == 200 and "设置动态口令" in page.content.decode()
        assert page["Cache-Control"] == "no-store"
        device = TOTPDevice.objects.get(user=admin, confirmed=False)
        seq = head_seq()
        response = client.post(reverse("otp-verify"), {"token": current_token(device), "next": "/org/units/"})
        assert response.status_code == 302 and response["Location"] == "/org/units/"
        assert TOTPDevice.objects.get(pk=device.pk).confirmed
        assert [e.action for e in events_since(seq)] == ["auth.totp_setup"]
        assert client.get("/org/units/").status_code == 200

        # the next login asks for a token (no set-up); a wrong one is refused and audited
        traveller.shift(timedelta(minutes=2))
        client = Client()
        login(client, admin.username, PASSWORD)
        assert client.get("/org/units/").status_code == 302
        page = client.get(reverse("otp-verify"))
        assert "输入动态口令" in page.content.decode() and "密钥" not in page.content.decode()
        seq = head_seq()
        device.refresh_from_db()
        wrong = f"{(int(current_token(device)) + 1) % 1000000:06d}"
        response = client.post(reverse("otp-verify"), {"token": wrong, "next": "/org/units/"})
        assert response.status_code == 200 and "动态口令错误" in response.content.decode()
        failed = events_since(seq)
        assert [(e.action, e.outcome, e.actor_id) for e in failed] == [
            ("auth.totp_failed", "failed", admin.pk)
        ]
        traveller.shift(timedelta(seconds=device.step))  # past django-otp's throttle after a failure
        device.refresh_from_db()
        response = client.post(reverse("otp-verify"), {"token": current_token(device), "next": "/org/units/"})
        assert response.status_code == 302
        assert client.get("/org/units/").status_code == 200


def test_totp_is_not_required_of_business_roles_unless_they_set_it_up(world, totp_on):
    officer = world.user("county_a", "officer")
    client = Client()
    login(client, officer.username, PASSWORD)
    assert client.get(reverse("org:people")).status_code == 200
    TOTPDevice.objects.create(user=officer, name="手机", confirmed=True)
    client = Client()
    login(client, officer.username, PASSWORD)
    assert client.get(reverse("org:people")).status_code == 302


def test_admin_totp_can_be_switched_off(world):
    client = Client()
    login(client, "county_a_sysadmin", PASSWORD)
    assert client.get("/org/units/").status_code == 200


def test_the_secadmin_resets_a_lost_authenticator_and_the_user_sets_up_again(world, totp_on, client_for):
    admin = world.user("county_a", "auditadmin")
    TOTPDevice.objects.create(user=admin, name="旧手机", confirmed=True)
    secadmin = client_for("county_a", "secadmin")
    # the security administrator passes his own second factor first
    device = TOTPDevice.objects.create(user=world.user("county_a", "secadmin"), name="手机", confirmed=True)
    secadmin.post(reverse("otp-verify"), {"token": current_token(device), "next": "/"})
    response = secadmin.post(reverse("org:totp-reset", args=[admin.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert AuditEvent.objects.filter(action="user.totp_reset", target_id=str(admin.pk)).exists()


def test_own_authenticator_replacement_needs_the_password(world, client_for):
    user = world.user("county_a", "officer")
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    client = client_for(user)
    # with a device but not yet verified in this session, every page leads to the TOTP page first
    response = client.post(reverse("org:totp-reset-own"), {"password": PASSWORD})
    assert response["Location"].startswith(reverse("otp-verify"))
    client.post(reverse("otp-verify"), {"token": current_token(device), "next": "/"})
    response = client.post(reverse("org:totp-reset-own"), {"password": "wrong"}, follow=True)
    assert "密码不正确" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()
    response = client.post(reverse("org:totp-reset-own"), {"password": PASSWORD})
    assert response["Location"] == f"{reverse('otp-verify')}?next={reverse('org:account')}"
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# ------------------------------------------------------------------------------- forced password change


def test_an_account_created_by_the_sysadmin_must_change_its_password_first(world, client_for):
    admin = client_for("county_a", "sysadmin")
    response = admin.post(
        reverse("org:account-create"),
        {"username": "li_si", "real_name": "李四", "phone": "", "unit": world.units["town_a"].pk},
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    temporary = re.search(
        r'<code class="temporary-secret[^"]*">([^<]+)</code>', response.content.decode()
    ).group(1)
    user = User.objects.get(username="li_si")
    assert user.must_change_password and user.check_password(temporary)

    client = Client()
    assert login(client, "li_si", temporary).status_code == 302
    for url in ("/", reverse("org:people"), reverse("org:account")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("org:password"), url
    assert client.get(reverse("org:password")).status_code == 200
    response = client.post(
        reverse("org:password"),
        {"old_password": temporary, "new_password1": "Lvse-Zhifa-2031", "new_password2": "Lvse-Zhifa-2031"},
    )
    assert response.status_code == 302
    assert client.get(reverse("org:account")).status_code == 200  # still signed in, no more redirect
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Lvse-Zhifa-2031")


def test_password_reset_by_the_sysadmin_shows_the_password_once_and_forces_a_change(world, client_for):
    person = world.user("county_a", "officer")
    response = client_for("county_a", "sysadmin").post(
        reverse("org:account-reset-password", args=[person.pk])
    )
    html = response.content.decode()
    temporary = re.search(r'<code class="temporary-secret[^"]*">([^<]+)</code>', html).group(1)
    person.refresh_from_db()
    assert person.check_password(temporary) and person.must_change_password
    event = AuditEvent.objects.filter(action="user.password_reset").get()
    assert temporary not in event.before + event.after + event.reason


def test_password_change_page_shows_chinese_errors(world, client_for, org_validators):
    client = client_for("county_a", "officer")
    response = client.post(
        reverse("org:password"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    html = response.content.decode()
    assert "密码长度不足" in html and "3类" in html
    response = client.post(
        reverse("org:password"),
        {"old_password": PASSWORD, "new_password1": "Lvse-Zhifa-2031", "new_password2": "Lvse-Zhifa-2032"},
    )
    assert "两次输入的新密码不一致" in response.content.decode()


def test_the_csrf_failure_view_is_chinese_and_audited(world):
    """views.csrf_failure, for settings.CSRF_FAILURE_VIEW: the refusal goes to the audit trail."""
    from django.test import RequestFactory

    from ecoenforce.org.views import csrf_failure

    request = RequestFactory().post("/org/password/")
    request.user = world.user("county_a", "officer")
    seq = head_seq()
    response = csrf_failure(request, reason="CSRF token missing.")
    assert response.status_code == 403 and "表单校验（CSRF）未通过" in response.content.decode()
    [event] = events_since(seq)
    assert event.outcome == "refused" and "CSRF" in event.reason
