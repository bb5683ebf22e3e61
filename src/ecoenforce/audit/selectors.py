"""Reads of the audit trail, always within the reader's jurisdiction.

An audit administrator sees the events of actors in the units of his subtree (or covered by an
access grant); events with no unit (system jobs, failed logins with unknown names, anonymous
refusals) only the audit administrators of a top unit see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ecoenforce.audit.models import AuditEvent, Outcome
from ecoenforce.org.jurisdiction import visible_units
from ecoenforce.org.models import Unit

# Labels for the actions the audit trail itself and sign-in produce; other actions show their code.
ACTION_LABELS = {
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.login_failed": "登录失败",
    "auth.locked_out": "账户锁定",
    "auth.totp_setup": "绑定动态口令",
    "auth.totp_verified": "动态口令验证",
    "auth.totp_failed": "动态口令错误",
    "audit.search": "查询审计记录",
    "audit.view_event": "查看审计事件",
    "audit.export": "导出审计记录",
    "audit.verify": "校验审计链",
}


@dataclass(frozen=True)
class EventFilter:
    since: date | None = None
    until: date | None = None
    actor: str = ""
    unit: Unit | None = None
    action: str = ""  # prefix: "case." or "case.transition"
    outcome: str = ""
    target_type: str = ""
    target_id: str = ""

    def summary(self) -> dict[str, str]:
        """The filter as shown and recorded (only what was set)."""
        values = {
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "actor": self.actor,
            "unit": self.unit.name if self.unit else "",
            "action": self.action,
            "outcome": self.outcome,
            "target_type": self.target_type,
            "target_id": self.target_id,
        }
        return {k: v for k, v in values.items() if v}


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def scope_q(user: Any) -> Q:
    """The events `user` may read."""
    unit = getattr(user, "unit", None)
    if not getattr(user, "is_authenticated", False) or unit is None:
        return Q(pk__in=[])
    q = Q(unit_id__in=visible_units(user).values("pk"))
    if unit.parent_id is None:
        q |= Q(unit_id__isnull=True)
    return q


def events_for(user: Any, flt: EventFilter | None = None) -> QuerySet[AuditEvent]:
    """Events in `user`'s jurisdiction matching `flt`, newest first."""
    qs = AuditEvent.objects.filter(scope_q(user))
    flt = flt or EventFilter()
    if flt.since:
        qs = qs.filter(occurred_at__gte=_local_start(flt.since))
    if flt.until:
        qs = qs.filter(occurred_at__lt=_local_start(flt.until + timedelta(days=1)))
    if flt.actor:
        qs = qs.filter(actor_name=flt.actor.strip())
    if flt.unit is not None:
        qs = qs.filter(unit_id__in=Unit.objects.filter(path__startswith=flt.unit.path).values("pk"))
    if flt.action:
        qs = qs.filter(action__startswith=flt.action.strip())
    if flt.outcome in Outcome.values:
        qs = qs.filter(outcome=flt.outcome)
    if flt.target_type:
        qs = qs.filter(target_type=flt.target_type.strip())
    if flt.target_id:
        qs = qs.filter(target_id=flt.target_id.strip())
    return qs.order_by("-seq")


def event_for(user: Any, seq: int) -> AuditEvent:
    event = AuditEvent.objects.filter(scope_q(user), seq=seq).first()
    if event is None:
        raise Http404("no such event in the jurisdiction")
    return event


def neighbour(user: Any, seq: int, *, before: bool) -> int | None:
    """The seq of the nearest event before (or after) `seq` that `user` may read."""
    qs = AuditEvent.objects.filter(scope_q(user))
    qs = qs.filter(seq__lt=seq).order_by("-seq") if before else qs.filter(seq__gt=seq).order_by("seq")
    return qs.values_list("seq", flat=True).first()


def filter_units(user: Any) -> QuerySet[Unit]:
    """Units offered in the filter: the jurisdiction."""
    return visible_units(user).order_by("path")


def unit_names(unit_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in unit_ids if i is not None}
    return {u.pk: u.short_name or u.name for u in Unit.objects.filter(pk__in=ids)} if ids else {}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, "")


@cache
def target_label(target_type: str) -> str:
    """The Chinese name of a target type ("org.user" → 用户) when it is a model, else ""."""
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return ""
