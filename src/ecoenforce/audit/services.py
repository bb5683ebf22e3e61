"""audit_record: the one way anything is written to the audit trail."""

from __future__ import annotations

import logging
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from ecoenforce.audit import chain
from ecoenforce.audit.context import current
from ecoenforce.audit.models import AuditEvent, AuditHead, Outcome

log = logging.getLogger(__name__)


def _target_fields(target: Any) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk or ""), str(target)[:200]
    if isinstance(target, tuple):
        kind, ident, text = (list(target) + ["", ""])[:3]
        return str(kind), str(ident), str(text)[:200]
    return type(target).__name__, "", str(target)[:200]


def audit_record(
    *,
    action: str,
    target: Any = None,
    before: Any = None,
    after: Any = None,
    outcome: str = Outcome.OK,
    reason: str = "",
    actor: Any = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. Call inside the transaction of the write it records.

    `target` is a model instance or a (type, id, text) tuple; before/after are JSON-able snapshots.
    """
    ctx = current()
    actor = actor if actor is not None else ctx.actor
    target_type, target_id, target_repr = _target_fields(target)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_name=(getattr(actor, "username", "") or actor_name or "system")[:150],
            unit_id=getattr(actor, "unit_id", None),
            ip=ctx.ip,
            user_agent=ctx.user_agent,
            action=action[:64],
            outcome=str(outcome),
            target_type=target_type,
            target_id=target_id[:64],
            target_repr=target_repr,
            reason=reason,
            before=chain.canonical_json(before),
            after=chain.canonical_json(after),
            prev_digest=head.digest,
            algorithm=chain.ALGORITHM,
        )
        event.digest = chain.event_digest(row_of(event))
        event.save(force_insert=True)
        head.seq, head.digest = event.seq, event.digest
        head.save(update_fields=["seq", "digest"])
    return event


def row_of(event: AuditEvent) -> list[object]:
    values = [getattr(event, f) for f in chain.FIELDS]
    values[chain.FIELDS.index("occurred_at")] = chain.format_time(event.occurred_at)
    return values


def record_refusal(request: HttpRequest | None, exc: Exception) -> None:
    """Record a refused action in its own transaction (the refused write has rolled back)."""
    action = getattr(exc, "action", "") or (f"http.{request.method.lower()}" if request and request.method else "")
    target = getattr(exc, "target", None)
    path = request.get_full_path()[:500] if request is not None else ""
    try:
        with transaction.atomic():
            audit_record(
                action=action or "unknown",
                target=target,
                outcome=Outcome.REFUSED,
                reason=f"{exc} [{path}]".strip(),
            )
    except Exception:  # never turn a 403 into a 500; the log keeps what was lost
        log.exception("could not record refused action %s at %s", action, path)
