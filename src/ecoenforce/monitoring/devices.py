"""Device credentials: a salted SHA-256 of the logger's PW, checked on every packet from a cache.

A slow password hash (PBKDF2) would cost ~100 ms per packet; PW is a 6-character shared code sent
in clear text in every packet (HJ 212 Table 3), so the hash only keeps it out of database dumps.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass


def hash_pw(pw: str, salt: str | None = None) -> tuple[str, str]:
    salt = salt or secrets.token_hex(8)
    return salt, hashlib.sha256((salt + pw).encode()).hexdigest()


def check_pw(pw: str, salt: str, digest: str) -> bool:
    return hmac.compare_digest(hashlib.sha256((salt + pw).encode()).hexdigest(), digest)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    device_id: int
    point_id: int
    salt: str
    digest: str
    modbus_crc: bool


class DeviceCache:
    """MN → DeviceInfo, loaded in one query and refreshed when an unknown MN shows up (at most every 5 s)."""

    def __init__(self, refresh_every: float = 5.0) -> None:
        self._by_mn: dict[str, DeviceInfo] = {}
        self._loaded_at = 0.0
        self._refresh_every = refresh_every
        self._lock = threading.Lock()

    def load(self) -> None:
        from ecoenforce.monitoring.models import Device

        rows = Device.objects.values_list("mn", "id", "point_id", "pw_salt", "pw_hash", "accept_modbus_crc")
        fresh = {mn: DeviceInfo(i, p, s, h, m) for mn, i, p, s, h, m in rows}
        with self._lock:
            self._by_mn = fresh
            self._loaded_at = time.monotonic()

    def get(self, mn: str) -> DeviceInfo | None:
        info = self._by_mn.get(mn)
        if info is None and time.monotonic() - self._loaded_at > self._refresh_every:
            self.load()
            info = self._by_mn.get(mn)
        return info

    def invalidate(self) -> None:
        self._loaded_at = 0.0
