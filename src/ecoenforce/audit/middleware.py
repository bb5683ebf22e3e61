from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from ecoenforce.audit.context import AuditContext, client_ip, reset_context, set_context


class AuditContextMiddleware:
    """Sets the audit context for the request and records refused actions (PermissionDenied)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        ctx = AuditContext(
            actor=user if user is not None and user.is_authenticated else None,
            ip=client_ip(request.META),
            user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
        )
        token = set_context(ctx)
        try:
            return self.get_response(request)
        finally:
            reset_context(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            from ecoenforce.audit.services import record_refusal

            record_refusal(request, exception)
