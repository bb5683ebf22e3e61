"""Record a refused case action (bad input, a repeated form, a rule of the procedure) in the audit
trail, in its own transaction: the refused write has rolled back, the refusal stays. A Refused
(permission) is recorded by the web layer already; this covers the ValidationErrors."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ecoenforce.audit.models import Outcome
from ecoenforce.audit.services import audit_record

log = logging.getLogger(__name__)


def messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def record_refusal(*, by: Any, action: str, target: Any, exc: ValidationError) -> None:
    try:
        with transaction.atomic():
            audit_record(
                actor=by,
                action=action,
                target=target,
                outcome=Outcome.REFUSED,
                reason="；".join(messages_of(exc))[:2000],
            )
    except Exception:  # never hide the user's error behind a failing audit write; the log keeps it
        log.exception("could not record refused %s", action)
