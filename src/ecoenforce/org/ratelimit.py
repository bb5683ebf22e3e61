"""A small fixed-window rate limiter on Django's cache (no outside service).

Counts hits per key in windows of `window` seconds. With one process the default local-memory
cache is exact; with several gunicorn workers set CACHES to the database cache (docs/operations.md)
so every worker counts in one place. Used for login, TOTP and API calls per address, and to
aggregate anonymous refusals in the audit trail.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Hit:
    count: int  # hits in this window, this one included
    limit: int

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    @property
    def first(self) -> bool:
        return self.count == 1


def hit(key: str, *, limit: int, window: int) -> Hit:
    """Count one hit for `key`; `allowed` is False once more than `limit` fell in this window."""
    bucket = int(time.time() // window)
    name = f"rl:{key}:{bucket}"
    cache.add(name, 0, timeout=window * 2)
    try:
        count = cache.incr(name)
    except ValueError:  # evicted between add and incr
        cache.set(name, 1, timeout=window * 2)
        count = 1
    return Hit(count=count, limit=limit)


def peek(key: str, *, window: int) -> int:
    return int(cache.get(f"rl:{key}:{int(time.time() // window)}", 0))
