"""Fixtures for the org pages: logged-in clients and the last audit events."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
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


@pytest.fixture
def committed_world(transactional_db: Any, world: Any) -> Iterator[Any]:
    """The world committed (a live server sees it). Afterwards the audit table is emptied as its owner
    would: the PostgreSQL trigger lets Django's flush TRUNCATE it only when it is empty."""
    yield world
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cur.execute("DELETE FROM audit_auditevent")
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
