"""A server-side arithmetic challenge against scripted floods, without any outside CAPTCHA (pure core).

The question and its nonce travel in an HMAC-signed token; the server keeps nothing until the answer
arrives. A used nonce is recorded by the caller so a token cannot be replayed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

MAX_AGE_SECONDS = 30 * 60


def _sign(key: bytes, body: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode().rstrip("=")


def issue(key: bytes, *, now: float | None = None) -> tuple[str, str]:
    """(question in Chinese, token)."""
    a, b = secrets.randbelow(40) + 10, secrets.randbelow(9) + 1
    body = json.dumps({"a": a, "b": b, "n": secrets.token_hex(16), "t": int(now or time.time())}).encode()
    packed = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return f"{a} 加 {b} 等于多少？", f"{packed}.{_sign(key, body)}"


def verify(key: bytes, token: str, answer: str, *, now: float | None = None) -> tuple[str | None, str]:
    """(nonce, "") when the answer is right and the token fresh and genuine; else (None, reason)."""
    packed, _, signature = (token or "").partition(".")
    try:
        body = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
        data = json.loads(body)
    except (ValueError, TypeError):
        return None, "验证题已失效，请重新作答"
    if not isinstance(data, dict) or not hmac.compare_digest(_sign(key, body), signature):
        return None, "验证题已失效，请重新作答"
    if (now or time.time()) - int(data.get("t", 0)) > MAX_AGE_SECONDS:
        return None, "验证题已过期，请重新作答"
    if (answer or "").strip() != str(int(data["a"]) + int(data["b"])):
        return None, "验证题答案不正确"
    return str(data["n"]), ""
