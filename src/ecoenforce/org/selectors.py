"""Reads of units and people, always within the reader's jurisdiction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from ecoenforce.org.jurisdiction import scope, visible_units
from ecoenforce.org.models import EnforcementCertificate, Unit, User


def units_for(user: Any) -> QuerySet[Unit]:
    return visible_units(user)


def people_for(user: Any) -> QuerySet[User]:
    return scope(User.objects.select_related("unit"), user, field="unit").order_by("unit__path", "username")


def certificates_expiring(user: Any, *, within_days: int = 60, today: date | None = None) -> QuerySet[EnforcementCertificate]:
    """Valid certificates whose validity ends within `within_days` (and those already expired)."""
    today = today or date.today()
    qs = scope(EnforcementCertificate.objects.select_related("officer", "officer__unit"), user, field="officer__unit")
    return qs.filter(revoked=False, valid_to__lte=today + timedelta(days=within_days)).order_by("valid_to")
