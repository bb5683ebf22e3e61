from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths an administrator may reach before the second factor is verified.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/public/")


class AdminSecondFactorMiddleware:
    """The three administrator roles must pass TOTP (GB/T 22239-2019 8.1.4.1 d, 双因素鉴别)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_ADMIN_TOTP
            and user is not None
            and user.is_authenticated
            and user.has_role("sysadmin", "secadmin", "auditadmin")
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(f"{reverse('otp-verify')}?next={request.path}")
        return self.get_response(request)
