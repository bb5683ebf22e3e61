"""Login protection: the lock is per account and address (a locked user still gets in from an address
that has not failed), a per-address throttle, TOTP and API rate limits, password expiry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.test import Client
from django.utils import timezone

from ecoenforce.org.models import ApiToken
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str) -> int:
    return client.post(LOGIN, {"username": username, "password": password}).status_code


def test_an_attacker_elsewhere_cannot_lock_the_secadmin_out(world):
    attacker = Client(REMOTE_ADDR="203.0.113.50")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, "city_secadmin", "wrong-password")
    assert login(attacker, "city_secadmin", PASSWORD) == 429  # locked from the failing address
    assert login(Client(REMOTE_ADDR="10.1.2.3"), "city_secadmin", PASSWORD) == 302  # not from his own


def test_one_address_is_throttled_across_accounts_with_a_chinese_message(world, settings):
    settings.LOGIN_RATE_PER_ADDRESS = 6
    sprayer = Client(REMOTE_ADDR="203.0.113.51")
    codes = [login(sprayer, f"user{i}", "wrong-password") for i in range(7)]
    assert codes[:6] == [200] * 6 and codes[6] == 429
    response = sprayer.post(LOGIN, {"username": "county_a_officer", "password": PASSWORD})
    assert response.status_code == 429 and "尝试次数过多" in response.content.decode()
    assert login(Client(REMOTE_ADDR="10.9.9.9"), "county_a_officer", PASSWORD) == 302


def test_totp_posts_are_throttled_per_address(world, settings):
    settings.TOTP_RATE_PER_ADDRESS = 3
    client = Client(REMOTE_ADDR="203.0.113.52")
    client.force_login(world.user("city", "sysadmin"))
    codes = [client.post("/accounts/otp/", {"token": "000000"}).status_code for _ in range(4)]
    assert codes[-1] == 429 and 429 not in codes[:3]


def test_api_calls_are_rate_limited_per_token(world, settings):
    settings.API_RATE_PER_MINUTE = 3
    _, raw = ApiToken.issue(user=world.user("county_a", "officer"), name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    codes = [client.get("/api/entities/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "频繁" in client.get("/api/entities/").json()["detail"]


def test_an_expired_password_must_be_changed(world, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = world.user("county_a", "officer")
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    client = Client()
    client.force_login(user)
    response = client.get("/entities/")
    assert response.status_code == 302 and response["Location"] == "/org/password/"
    settings.PASSWORD_MAX_AGE_DAYS = 0
    assert client.get("/entities/").status_code == 200


def test_the_login_page_names_the_owner_and_who_resets_a_password(db, settings):
    settings.PLATFORM_OWNER = "某某市生态环境局 主办"
    page = Client().get(LOGIN).content.decode()
    assert "某某市生态环境局 主办" in page
    assert "忘记密码" in page and "系统管理员重置" in page
    # what the page says holds: services.password_reset refuses an administrator's account until the
    # security administrator has revoked the admin role (tests/org/test_separation.py)
    assert "须先由安全管理员撤销其管理员角色" in page
