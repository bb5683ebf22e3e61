from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from ecoenforce.audit.context import AuditContext, current, set_context
from ecoenforce.org.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ee_…` for machine clients; acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(token_hash=ApiToken.hash(token), revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        ctx = current()
        set_context(AuditContext(actor=found.user, ip=ctx.ip, user_agent=ctx.user_agent))
        return found.user
