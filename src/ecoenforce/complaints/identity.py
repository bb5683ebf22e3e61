"""The reporter's identity: sealed at rest with a key outside the database, revealed only with a trace.

The Code's art 146 (“接受举报的机关应当及时处理并对举报人的相关信息予以保密”) and art 1238 (retaliation
against a reporter) are why: the name and contact are sealed (complaints.sealing, AES-256-GCM) with
the key from IDENTITY_KEY (base64) or the file var/identity_key (generated once, mode 0600, like the
secret key); only roles holding complaints.view_identity may open it, and every opening is an audit
event. Nothing here is ever given to the reported entity.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from ecoenforce.audit.services import audit_record
from ecoenforce.complaints import sealing
from ecoenforce.complaints.models import Complaint
from ecoenforce.org.permissions import authorize

FIELDS = ("name", "phone", "address")
LABELS = {"name": "姓名", "phone": "联系电话", "address": "联系地址"}


@lru_cache(maxsize=1)
def _key() -> bytes:
    if value := os.environ.get("IDENTITY_KEY"):
        key = base64.b64decode(value)
    else:
        path = Path(settings.VAR_DIR) / "identity_key"
        if not path.exists():
            path.write_bytes(base64.b64encode(sealing.new_key()))
            path.chmod(0o600)
        key = base64.b64decode(path.read_bytes().strip())
    if len(key) != sealing.KEY_BYTES:
        raise RuntimeError("IDENTITY_KEY must be 32 bytes (base64)")
    return key


def _bound(complaint: Complaint) -> str:
    return f"complaint:{complaint.number}"


def seal_identity(complaint: Complaint, identity: dict[str, str]) -> None:
    """Put the sealed identity on the (unsaved or saved) complaint; empty identity → anonymous."""
    clean = {k: (identity.get(k) or "").strip() for k in FIELDS}
    if not any(clean.values()):
        complaint.anonymous, complaint.identity_sealed, complaint.reporter_key = True, "", ""
        return
    complaint.anonymous = False
    complaint.identity_sealed = sealing.seal(_key(), clean, bound_to=_bound(complaint))
    complaint.reporter_key = reporter_key(clean)


def reporter_key(identity: dict[str, str]) -> str:
    """The same person (by phone, else by name) gives the same key; the key reveals neither."""
    basis = (
        "".join(ch for ch in identity.get("phone", "") if ch.isdigit()) or identity.get("name", "").strip()
    )
    if not basis:
        return ""
    return hmac.new(_key(), f"reporter|{basis}".encode(), hashlib.sha256).hexdigest()


def identity_reveal(*, complaint: Complaint, by: Any, purpose: str) -> dict[str, str]:
    """Open the identity for a role that needs it; the opening itself is recorded (who, when, why)."""
    authorize(by, "complaints.view_identity", complaint, action="complaints.view_identity")
    if complaint.anonymous or not complaint.identity_sealed:
        return {}
    data = sealing.unseal(_key(), complaint.identity_sealed, bound_to=_bound(complaint))
    audit_record(
        action="complaints.view_identity", target=complaint, reason=purpose[:200] or "查看举报人信息"
    )
    return data
