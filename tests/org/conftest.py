"""Fixtures for the org pages: logged-in clients and the last audit events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ecoenforce.audit.models import AuditEvent


@pytest.fixture
def client_for(world: Any) -> Callable[..., Client]:
    """client_for("county_a", "sysadmin") → a client signed in as that user (or client_for(user))."""

    def make(unit_or_user: Any, role: str | None = None, **kwargs: Any) -> Client:
        user = world.user(unit_or_user, role) if role else unit_or_user
        client = Client(**kwargs)
        client.force_login(user)
        return client

    return make


def last_event(**filters: Any) -> AuditEvent | None:
    return AuditEvent.objects.filter(**filters).order_by("-seq").first()


def events_since(seq: int, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=seq, **filters).order_by("seq"))


def head_seq() -> int:
    event = AuditEvent.objects.order_by("-seq").first()
    return event.seq if event else 0
