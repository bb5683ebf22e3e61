"""Account guards applied to every page: the second factor, then a forced password change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp import user_has_device

from ecoenforce.org.roles import ADMIN_ROLES

# Paths reachable before the second factor is verified (login, logout, the TOTP page, public pages).
_OPEN_PREFIXES = ("/accounts/", "/static/", "/public/")


def needs_second_factor(user: Any) -> bool:
    """The three administrator roles must pass TOTP when REQUIRE_ADMIN_TOTP; anyone else who set one up."""
    if user.is_verified():
        return False
    if settings.REQUIRE_ADMIN_TOTP and user.has_role(*ADMIN_ROLES):
        return True
    return bool(user_has_device(user, confirmed=True))


def password_expired(user: Any) -> bool:
    """PASSWORD_MAX_AGE_DAYS after the last change (0: never). No date yet: not expired."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    changed = getattr(user, "password_changed_at", None)
    return bool(days and changed and timezone.now() - changed > dt.timedelta(days=days))


class AdminSecondFactorMiddleware:
    """GB/T 22239-2019 8.1.4.1 d (双因素鉴别) and 8.1.4.1 a (口令定期更换, first-login change).

    1. An administrator (or a user who set up TOTP) who has not passed the second factor in this
       session is sent to the TOTP page.
    2. A user whose password was set by the system administrator (new account, reset) is sent to the
       password-change page until he has chosen his own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(_OPEN_PREFIXES):
            return self.get_response(request)
        if needs_second_factor(user):
            return redirect(f"{reverse('otp-verify')}?{urlencode({'next': request.get_full_path()})}")
        if getattr(user, "must_change_password", False) or password_expired(user):
            target = reverse("org:password")
            if request.path != target:
                return redirect(target)
        return self.get_response(request)
