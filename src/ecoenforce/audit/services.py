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


ANONYMOUS = "anonymous"  # actor_name of refusals without a signed-in user (never "system")
AGGREGATE_WINDOW = 60  # seconds
MILESTONES = (100, 1000, 10000, 100000)


def _throttled(key: str, subject: str, *, each: int = 1) -> tuple[bool, str]:
    """(record it?, note) — the first `each` refusals of `key` in a window are recorded; later ones
    only at 10, 100, 1000, … as one aggregate event, so a flood cannot grow the chain at its pace."""
    from ecoenforce.org.ratelimit import hit

    seen = hit(key, limit=each, window=AGGREGATE_WINDOW)
    if seen.allowed:
        return True, ""
    if seen.count in MILESTONES:
        return True, f"（{subject}在{AGGREGATE_WINDOW}秒内已被拒绝 {seen.count} 次，其余未逐条记录）"
    log.info("refusal not recorded (aggregated): %s #%s", key, seen.count)
    return False, ""


def record_refusal(request: HttpRequest | None, exc: Exception, *, action: str = "") -> None:
    """Record a refused action in its own transaction (the refused write has rolled back).

    Anonymous refusals carry the peer's address, are named "anonymous", and are aggregated per
    address (the first in a minute, then counts at 10, 100, …).
    """
    action = action or getattr(exc, "action", "")
    if not action and request is not None and request.method:
        action = f"http.{request.method.lower()}"
    target = getattr(exc, "target", None)
    path = request.get_full_path()[:500] if request is not None else ""
    ctx = current()
    note = ""
    if ctx.actor is None:
        record, note = _throttled(f"anon-refusal:{ctx.ip}", f"地址 {ctx.ip} ")
        if not record:
            return
    _record_refused(action or "unknown", target, f"{exc} [{path}]{note}".strip(), path)


def record_not_found(request: HttpRequest) -> None:
    """A signed-in user's 404 (a missing object, or one outside the jurisdiction), aggregated per user."""
    ctx = current()
    if ctx.actor is None:
        return
    record, note = _throttled(f"not-found:{ctx.actor.pk}", "本用户", each=30)
    if record:
        path = request.get_full_path()[:500]
        _record_refused("http.not_found", None, f"未找到，或不在辖区内 [{path}]{note}", path)


def _record_refused(action: str, target: Any, reason: str, path: str) -> None:
    try:
        with transaction.atomic():
            audit_record(
                action=action,
                target=target,
                outcome=Outcome.REFUSED,
                reason=reason,
                actor_name=ANONYMOUS if current().actor is None else "",
            )
    except Exception:  # never turn a 403 into a 500; the log keeps what was lost
        log.exception("could not record refused action %s at %s", action, path)
