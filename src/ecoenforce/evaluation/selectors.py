"""Figures for the home dashboard, always within the reader's jurisdiction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count
from django.utils import timezone

from ecoenforce.entities.models import Entity, EntityStatus, SupervisionClass
from ecoenforce.org.jurisdiction import scope
from ecoenforce.org.models import EnforcementCertificate, Unit
from ecoenforce.org.roles import Role
from ecoenforce.org.selectors import EXPIRING_DAYS, certificates_expiring, people_for

OWN_UNIT = "本级"
GRANTED = "辖区外授权"


@dataclass
class UnitBar:
    """One bar: a direct child unit of the reader's unit (its whole subtree), the unit itself, or grants."""

    label: str
    unit: Unit | None
    by_class: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_class.values())


def supervised_entities(user: Any) -> Any:
    """Entities in the jurisdiction that are still supervised (closed ones are left out)."""
    return scope(Entity.objects.all(), user).exclude(status=EntityStatus.CLOSED)


def closed_entities_count(user: Any) -> int:
    """Closed entities in the jurisdiction: the entity list counts them, the dashboard does not."""
    return scope(Entity.objects.all(), user).filter(status=EntityStatus.CLOSED).count()


def entities_by_class(user: Any) -> list[tuple[str, str, int]]:
    """(class code, Chinese label, count) for every supervision class, zero included."""
    rows = supervised_entities(user).order_by().values_list("supervision_class").annotate(n=Count("id"))
    counts = dict(rows)
    return [(c.value, str(c.label), int(counts.get(c.value, 0))) for c in SupervisionClass]


def entities_by_unit(user: Any) -> list[UnitBar]:
    """Entity counts per direct child unit of the reader's unit (each counting its subtree).

    Entities owned by the reader's unit itself form a "本级" bar; those reached only through an
    AccessGrant a "辖区外授权" bar. Both appear only when non-zero.
    """
    own: Unit | None = getattr(user, "unit", None)
    if own is None:
        return []
    children = list(Unit.objects.filter(parent=own).order_by("division_code", "name"))
    bars = {c.pk: UnitBar(c.short_name or c.name, c) for c in children}
    own_bar, granted_bar = UnitBar(OWN_UNIT, own), UnitBar(GRANTED, None)
    rows = (supervised_entities(user).order_by().values_list("owner_unit__path", "supervision_class")
            .annotate(n=Count("id")))
    for path, klass, n in rows:
        bar = granted_bar
        if path == own.path:
            bar = own_bar
        elif path.startswith(own.path):
            bar = bars.get(int(path[len(own.path):].split("/", 1)[0]), granted_bar)
        bar.by_class[klass] += n
    extra = [b for b in (own_bar, granted_bar) if b.total]
    _disambiguate(list(bars.values()))
    return [*bars.values(), *extra]


def _disambiguate(bars: list[UnitBar]) -> None:
    """Short names that collide ("综合执法大队" twice) fall back to the full names."""
    seen = Counter(b.label for b in bars)
    for b in bars:
        if seen[b.label] > 1 and b.unit is not None:
            b.label = b.unit.name


@dataclass
class ExpiringRow:
    certificate: EnforcementCertificate
    days_left: int


def certificates_expiring_soon(user: Any, *, today: date | None = None,
                               limit: int | None = None) -> tuple[list[ExpiringRow], int]:
    """Valid certificates ending within EXPIRING_DAYS (not renewed): the first `limit` rows and the count."""
    today = today or timezone.localdate()
    qs = certificates_expiring(user, within_days=EXPIRING_DAYS, today=today, include_expired=False)
    rows = [ExpiringRow(c, (c.valid_to - today).days) for c in (qs[:limit] if limit else qs)]
    return rows, qs.count()


def certificates_expired_count(user: Any, *, today: date | None = None) -> int:
    """Certificates of active people that have expired and were not renewed."""
    today = today or timezone.localdate()
    return certificates_expiring(user, within_days=-1, today=today).count()


def officer_counts(user: Any, *, today: date | None = None) -> tuple[int, int]:
    """(active officers, of whom with a certificate valid today)."""
    today = today or timezone.localdate()
    officers = people_for(user).filter(is_active=True, role_grants__role=Role.OFFICER)
    certified = officers.filter(certificates__revoked=False, certificates__valid_from__lte=today,
                                certificates__valid_to__gte=today)
    return officers.distinct().count(), certified.distinct().count()
