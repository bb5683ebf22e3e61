"""Verification codes printed on every issued document (pure: no Django).

A code is 25 characters of Crockford's base32 (0-9, A-Z without I, L, O, U): 125 random bits from
`secrets`, so guessing one is hopeless even without the portal's rate limit. It is printed in five
groups of five so a person can type it from paper; input is forgiving (lower case, spaces and
dashes, O for 0, I/L for 1).
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 25  # 25 × 5 bits = 125 bits
GROUP = 5
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh random code in its canonical (ungrouped, upper-case) form."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(text: str) -> str | None:
    """The canonical form of what a person typed, or None when it cannot be a code."""
    cleaned = "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-_")
    cleaned = cleaned.translate(_CONFUSABLE)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def grouped(code: str) -> str:
    """The printed form: ABCDE-FGHJK-…"""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
