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

# Column widths (models.AuditEvent); values are cut to fit before hashing, so the digest covers
# exactly what is stored on both databases.
_WIDTH = {f.name: f.max_length for f in AuditEvent._meta.concrete_fields if f.max_length}


def _clean(value: Any, field: str | None = None) -> str:
    """Text as stored: NUL removed (PostgreSQL refuses it), cut to the column's width."""
    text = str(value or "").replace("\x00", "")
    width = _WIDTH.get(field) if field else None
    return text[:width] if width else text


def _target_fields(target: Any) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk or ""), str(target)
    if isinstance(target, tuple):
        kind, ident, text = [*target, "", ""][:3]
        return str(kind), str(ident), str(text)
    return type(target).__name__, "", str(target)


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

    `action` is `<thing>.<action>` (docs/audit.md); `target` is a model instance or a
    (type, id, text) tuple; before/after are JSON-able snapshots (stored as canonical JSON text).
    Who and from where come from the request's audit context unless `actor` is given.
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
            actor_name=_clean(getattr(actor, "username", "") or actor_name or "system", "actor_name"),
            unit_id=getattr(actor, "unit_id", None),
            ip=_clean(ctx.ip, "ip"),
            user_agent=_clean(ctx.user_agent, "user_agent"),
            action=_clean(action, "action"),
            outcome=_clean(outcome, "outcome"),
            target_type=_clean(target_type, "target_type"),
            target_id=_clean(target_id, "target_id"),
            target_repr=_clean(target_repr, "target_repr"),
            reason=_clean(reason),
            before=_clean(chain.canonical_json(before)),
            after=_clean(chain.canonical_json(after)),
            prev_digest=head.digest,
            algorithm=chain.ALGORITHM,
        )
        event.digest = chain.event_digest(row_of(event))
        event.save(force_insert=True)
        head.seq, head.digest = event.seq, event.digest
        head.save(update_fields=["seq", "digest"])
    return event


def row_of(event: AuditEvent) -> list[object]:
    """The event's values in chain.FIELDS order, occurred_at formatted (the canonical form's input)."""
    values: list[object] = [getattr(event, f) for f in chain.FIELDS]
    values[chain.FIELDS.index("occurred_at")] = chain.format_time(event.occurred_at)
    return values


def canonical_of(event: AuditEvent) -> bytes:
    return chain.canonical_bytes(row_of(event), algorithm=event.algorithm)


def record_refusal(request: HttpRequest | None, exc: Exception) -> None:
    """Record a refused action in its own transaction (the refused write has rolled back)."""
    action = getattr(exc, "action", "")
    if not action and request is not None and request.method:
        action = f"http.{request.method.lower()}"
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
