"""Password rules for a 等保三级 system (GB/T 22239-2019 8.1.4.1 a: 口令具有复杂度要求并定期更换).

Django's own MinimumLengthValidator message is not translated in Django 5.2's zh_Hans catalog (its
msgid changed), so the length rule has its own validator here with a Chinese message.
`AUTH_PASSWORD_VALIDATORS` below is the list settings.py should use.
"""

from __future__ import annotations

import os
import re
import secrets
import string
from typing import Any

from django.core.exceptions import ValidationError

CLASSES = (
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"\d"), "数字"),
    (re.compile(r"[^A-Za-z0-9]"), "特殊字符"),
)

AUTH_PASSWORD_VALIDATORS: list[dict[str, Any]] = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "real_name", "phone", "email")},
    },
    {
        "NAME": "ecoenforce.org.passwords.LengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ecoenforce.org.passwords.ComplexityValidator"},
]


class LengthValidator:
    """At least `min_length` characters (Chinese message)."""

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码长度不足：至少须{self.min_length}个字符", code="password_too_short"
            )

    def get_help_text(self) -> str:
        return f"密码至少{self.min_length}个字符。"


class ComplexityValidator:
    """At least `min_classes` of: lower case, upper case, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        found = sum(1 for pattern, _ in CLASSES if pattern.search(password))
        if found < self.min_classes:
            raise ValidationError(
                f"密码须至少包含大写字母、小写字母、数字、特殊字符中的{self.min_classes}类",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须至少包含大写字母、小写字母、数字、特殊字符中的{self.min_classes}类。"


_SYMBOLS = "!@#%*-_+="
# Without look-alikes (0/O, 1/l/I) so a temporary password can be read out over the phone.
_LOWER = "".join(c for c in string.ascii_lowercase if c not in "lo")
_UPPER = "".join(c for c in string.ascii_uppercase if c not in "IO")
_DIGITS = "23456789"


def password_generate(length: int = 14) -> str:
    """A random temporary password with all four character classes (shown once, changed at login)."""
    pools = (_LOWER, _UPPER, _DIGITS, _SYMBOLS)
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(max(length, 12) - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def configured_min_length() -> int:
    """The minimum length of the validators in force (for the help text on the password page)."""
    from django.contrib.auth.password_validation import get_default_password_validators

    lengths = [int(v.min_length) for v in get_default_password_validators() if hasattr(v, "min_length")]
    return max(lengths, default=0)
