"""Every role × every org page and the dashboard: allowed → 200, refused → 403 recorded as "refused".

The users are those of county_a; object pages use objects inside county_a, so the only thing that
decides is the role. Jurisdiction is tested in test_jurisdiction.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ecoenforce.audit.models import AuditEvent
from ecoenforce.org.roles import Role
from tests.org.conftest import events_since, head_seq

R = Role
ALL = frozenset(Role)
READERS = frozenset(
    {R.OFFICER, R.TEAM_LEADER, R.LEGAL_REVIEWER, R.BUREAU_HEAD, R.COMPLAINT_HANDLER, R.SUPERVISOR}
)
PEOPLE_READERS = READERS | {R.SYSADMIN, R.SECADMIN}


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[Any], str]
    allowed: frozenset[str]


def _u(name: str, *args: Callable[[Any], Any]) -> Callable[[Any], str]:
    return lambda w: reverse(name, args=[a(w) for a in args])


PAGES = [
    Page("units", _u("org:units"), frozenset({R.SYSADMIN})),
    Page("unit-create", _u("org:unit-create"), frozenset({R.SYSADMIN})),
    Page("unit-edit", _u("org:unit-edit", lambda w: w.units["town_a"].pk), frozenset({R.SYSADMIN})),
    Page("accounts", _u("org:accounts"), frozenset({R.SYSADMIN})),
    Page("account-create", _u("org:account-create"), frozenset({R.SYSADMIN})),
    Page(
        "account-edit",
        _u("org:account-edit", lambda w: w.user("county_a", "officer").pk),
        frozenset({R.SYSADMIN}),
    ),
    Page("roles", _u("org:roles"), frozenset({R.SECADMIN})),
    Page("tokens", _u("org:tokens"), frozenset({R.SECADMIN})),
    Page("people", _u("org:people"), PEOPLE_READERS),
    Page("people-export", _u("org:people-export"), PEOPLE_READERS),
    Page("person", _u("org:person", lambda w: w.user("county_a", "officer").pk), PEOPLE_READERS),
    Page("password", _u("org:password"), ALL),
    Page("my-account", _u("org:account"), ALL),
    Page("home", _u("home"), ALL),  # the to-do panel for every role; the dashboard only for READERS
]

# Form posts: roles outside `allowed` are refused before anything is read or written.
POSTS = [
    Page("unit-create", _u("org:unit-create"), frozenset({R.SYSADMIN})),
    Page("unit-edit", _u("org:unit-edit", lambda w: w.units["town_a"].pk), frozenset({R.SYSADMIN})),
    Page("account-create", _u("org:account-create"), frozenset({R.SYSADMIN})),
    Page(
        "account-active",
        _u("org:account-active", lambda w: w.user("county_a", "officer").pk),
        frozenset({R.SYSADMIN}),
    ),
    Page(
        "account-reset-password",
        _u("org:account-reset-password", lambda w: w.user("county_a", "officer").pk),
        frozenset({R.SYSADMIN}),
    ),
    Page(
        "role-grant",
        _u("org:role-grant", lambda w: w.user("county_a", "officer").pk),
        frozenset({R.SECADMIN}),
    ),
    Page(
        "role-revoke",
        _u("org:role-revoke", lambda w: w.user("county_a", "officer").pk),
        frozenset({R.SECADMIN}),
    ),
    Page(
        "account-unlock",
        _u("org:account-unlock", lambda w: w.user("county_a", "officer").pk),
        frozenset({R.SECADMIN}),
    ),
    Page(
        "totp-reset",
        _u("org:totp-reset", lambda w: w.user("county_a", "officer").pk),
        frozenset({R.SECADMIN}),
    ),
    Page("tokens", _u("org:tokens"), frozenset({R.SECADMIN})),
    Page(
        "certificate-add",
        _u("org:certificate-add", lambda w: w.user("county_a", "officer").pk),
        frozenset({R.SYSADMIN, R.TEAM_LEADER, R.BUREAU_HEAD}),
    ),
    Page(
        "training-add",
        _u("org:training-add", lambda w: w.user("county_a", "officer").pk),
        frozenset({R.SYSADMIN, R.TEAM_LEADER, R.BUREAU_HEAD}),
    ),
    Page(
        "certificate-revoke",
        _u("org:certificate-revoke", lambda w: w.user("county_a", "officer").certificates.get().pk),
        frozenset({R.SYSADMIN, R.TEAM_LEADER, R.BUREAU_HEAD}),
    ),
]


def assert_refused(response: Any, user: Any, seq: int, what: str) -> None:
    assert response.status_code == 403, what
    assert "无权" in response.content.decode(), what
    refused = events_since(seq, outcome="refused", actor_id=user.pk)
    assert len(refused) == 1, what
    assert refused[0].reason.endswith(f"[{response.wsgi_request.get_full_path()}]"), what


@pytest.mark.parametrize("role", Role.values)
def test_every_page_for_every_role(world, role):
    user = world.user("county_a", role)
    client = Client()
    client.force_login(user)
    for page in PAGES:
        url = page.url(world)
        seq = head_seq()
        response = client.get(url)
        what = f"{role} GET {page.name}"
        if role in page.allowed:
            assert response.status_code == 200, what
            assert not events_since(seq, outcome="refused"), what
        else:
            assert_refused(response, user, seq, what)


@pytest.mark.parametrize("role", Role.values)
def test_every_form_post_refuses_roles_without_the_permission(world, role):
    user = world.user("county_a", role)
    client = Client()
    client.force_login(user)
    before = AuditEvent.objects.exclude(outcome="refused").count()
    for page in POSTS:
        if role in page.allowed:
            continue
        seq = head_seq()
        response = client.post(page.url(world), {"role": R.TEAM_LEADER, "reason": "x", "active": "0"})
        assert_refused(response, user, seq, f"{role} POST {page.name}")
    # nothing but refusals was written
    assert AuditEvent.objects.exclude(outcome="refused").count() == before


def test_anonymous_is_sent_to_the_login_page_everywhere(world):
    client = Client()
    login = reverse("login")
    for page in [*PAGES, *POSTS]:
        url = page.url(world)
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302, url
            assert response["Location"].startswith(f"{login}?next="), url


def test_get_only_pages_refuse_other_methods(world, client_for):
    client = client_for("county_a", "sysadmin")
    assert client.post(reverse("org:units")).status_code == 405
    assert (
        client.get(reverse("org:account-active", args=[world.user("county_a", "officer").pk])).status_code
        == 405
    )


@pytest.mark.parametrize("role", Role.values)
def test_navigation_shows_only_what_the_role_may_open(world, role):
    client = Client()
    client.force_login(world.user("county_a", role))
    html = client.get(reverse("org:account")).content.decode()
    shown = {
        name
        for name, label in [
            ("org:units", "机构管理"),
            ("org:accounts", "账户管理"),
            ("org:roles", "角色授权"),
            ("org:tokens", "接口令牌"),
            ("org:people", "人员与执法证"),
            ("home", "首页"),
        ]
        if f'href="{reverse(name)}"' in html and label in html
    }
    expected = {page.name for page in PAGES if role in page.allowed}
    assert ("org:units" in shown) == ("units" in expected)
    assert ("org:accounts" in shown) == ("accounts" in expected)
    assert ("org:roles" in shown) == ("roles" in expected)
    assert ("org:tokens" in shown) == ("tokens" in expected)
    assert ("org:people" in shown) == ("people" in expected)
    assert ("home" in shown) == ("home" in expected)
