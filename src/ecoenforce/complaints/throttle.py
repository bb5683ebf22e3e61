"""Floods and scripted spam on the public intake: rate limits per address and per device, and the
arithmetic challenge (complaints.challenge). No outside CAPTCHA service: the platform runs offline.

Limits are counted in the database (IntakeHit), so they hold across gunicorn workers. Addresses and
device ids are kept only as salted hashes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ecoenforce.complaints import challenge
from ecoenforce.complaints.models import IntakeHit

DEVICE_COOKIE = "ee_device"
# (what, limit, window seconds)
LIMITS = {
    "submit-ip": (10, 3600),
    "submit-device": (3, 600),
    "lookup-ip": (30, 600),
}


def _hash(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|{value}".encode()).hexdigest()[:40]


def client_ip(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):  # behind the platform's own proxy
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded).split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def device_id(request: HttpRequest) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    return value if 20 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum() else ""


def ensure_device(request: HttpRequest, response: HttpResponse) -> None:
    if not device_id(request):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=365 * 86400,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def _keys(request: HttpRequest, action: str) -> list[tuple[str, str]]:
    keys = [(f"{action}-ip", _hash("ip:" + client_ip(request)))]
    if action == "submit":
        keys.append(("submit-device", _hash("dev:" + (device_id(request) or "none"))))
    return keys


def limited(request: HttpRequest, action: str) -> bool:
    """True when this address or device has used up its attempts in the window."""
    since = timezone.now()
    for what, key in _keys(request, action):
        limit, window = LIMITS[what]
        if (
            IntakeHit.objects.filter(key=f"{what}:{key}", at__gte=since - timedelta(seconds=window)).count()
            >= limit
        ):
            return True
    return False


def record(request: HttpRequest, action: str) -> None:
    IntakeHit.objects.bulk_create([IntakeHit(key=f"{what}:{key}") for what, key in _keys(request, action)])


def _challenge_key() -> bytes:
    return hashlib.sha256(f"complaint-challenge|{settings.SECRET_KEY}".encode()).digest()


def new_challenge() -> tuple[str, str]:
    return challenge.issue(_challenge_key())


def check_challenge(token: str, answer: str) -> str:
    """ "" when right and not used before (the nonce is then spent); else the reason in Chinese."""
    nonce, reason = challenge.verify(_challenge_key(), token, answer)
    if nonce is None:
        return reason
    key = f"nonce:{nonce}"
    try:
        with transaction.atomic():
            if IntakeHit.objects.filter(key=key).exists():
                return "此表单已提交过，请勿重复提交"
            IntakeHit.objects.create(key=key)
    except IntegrityError:  # pragma: no cover
        return "此表单已提交过，请勿重复提交"
    return ""
