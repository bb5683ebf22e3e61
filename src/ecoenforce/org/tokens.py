from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from ecoenforce.audit.context import AuditContext, current, set_context
from ecoenforce.org.models import ApiToken
from ecoenforce.org.roles import ADMIN_ROLES


def token_expires_at(token: ApiToken) -> dt.datetime:
    """Tokens live API_TOKEN_DAYS (setting) from issue; then the security administrator issues a new one."""
    return token.created_at + dt.timedelta(days=settings.API_TOKEN_DAYS)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ee_…` for machine clients; acts as the token's user.

    Refused (401): revoked, expired (API_TOKEN_DAYS), an inactive account, or an account that
    holds an administrator role now (a role granted after the token was issued kills it).
    No CSRF check: a browser never sends this header by itself, so a forged request cannot carry it.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(token_hash=ApiToken.hash(token), revoked=False, user__is_active=True)
            .first()
        )
        if found is None or token_expires_at(found) <= timezone.now() or found.user.has_role(*ADMIN_ROLES):
            # A token was presented and is no good: 401 now (not the session's CSRF 403 after it).
            raise AuthenticationError()
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        ctx = current()
        set_context(AuditContext(actor=found.user, ip=ctx.ip, user_agent=ctx.user_agent))
        return found.user
