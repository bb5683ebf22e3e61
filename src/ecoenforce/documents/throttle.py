"""Slowing down guessing on the public verification page: fruitless checks are counted per client
(a keyed digest of the address, never the address itself) in the database, so the limit holds
across web workers. Settings: DOCUMENT_VERIFY_MISSES (default 20) per DOCUMENT_VERIFY_WINDOW_MINUTES
(default 10)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ecoenforce.audit.chain import sm3_hex
from ecoenforce.documents.models import VerifyAttempt


def _limit() -> tuple[int, timedelta]:
    per = getattr(settings, "DOCUMENT_VERIFY_MISSES", 20)
    return int(per), timedelta(minutes=int(getattr(settings, "DOCUMENT_VERIFY_WINDOW_MINUTES", 10)))


def client_key(ip: str) -> str:
    """The client as kept for rate limiting: a digest of the address, not the address."""
    return sm3_hex(f"{settings.SECRET_KEY}|{ip}".encode())


def verify_blocked(ip: str) -> bool:
    """True when this client has had too many fruitless checks in the window."""
    misses, window = _limit()
    since = timezone.now() - window
    return VerifyAttempt.objects.filter(client=client_key(ip), at__gte=since).count() >= misses


def verify_miss(ip: str) -> None:
    _, window = _limit()
    now = timezone.now()
    VerifyAttempt.objects.filter(at__lt=now - window * 6).delete()  # keep the table small
    VerifyAttempt.objects.create(client=client_key(ip), at=now)
