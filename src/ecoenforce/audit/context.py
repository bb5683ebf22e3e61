"""Who is acting, from where: set per request by the middleware, read by audit_record."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    actor: Any = None  # org.User or None (system)
    ip: str = ""
    user_agent: str = ""


_current: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())  # noqa: B039 (frozen)


def current() -> AuditContext:
    return _current.get()


def set_context(ctx: AuditContext) -> Any:
    return _current.set(ctx)


def reset_context(token: Any) -> None:
    _current.reset(token)


def client_ip(meta: dict[str, Any]) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is forgeable unless the proxy is trusted (docs/operations.md).
    return str(meta.get("REMOTE_ADDR", ""))[:45]
