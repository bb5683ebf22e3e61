"""Signed checkpoints, Django side: keys, the checkpoint file, writing one, checking the chain against them.

The pure core (SM2, the signed bytes, parsing) is checkpoint.py. Here: where the keys and the file
live (settings AUDIT_*), when a checkpoint is due, and which stored event disagrees with a signed
head. The web process never needs the private key: only the worker's periodic job and the
`audit_checkpoint` command sign.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ecoenforce.audit import chain
from ecoenforce.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    generate_private_key,
    key_id,
    make_checkpoint,
    parse_lines,
    public_key_of,
    verify_checkpoint,
)
from ecoenforce.audit.models import AuditEvent

log = logging.getLogger(__name__)
FETCH_TIMEOUT_SECONDS = 30
MAX_SOURCE_BYTES = 200 * 1024 * 1024


# --- keys ------------------------------------------------------------------------------------


def signing_key() -> str | None:
    """The private key (hex) from AUDIT_SIGNING_KEY or the key file; None when neither is set."""
    text = os.environ.get("AUDIT_SIGNING_KEY", "").strip()
    path = Path(settings.AUDIT_SIGNING_KEY_FILE)
    if not text and path.exists():
        text = path.read_text(encoding="ascii").strip()
    if text and (len(text) != 64 or not all(c in "0123456789abcdefABCDEF" for c in text)):
        raise CheckpointError("the audit signing key is not 64 hexadecimal characters")
    return text.lower() or None


def public_keys(extra: Iterable[str] = ()) -> dict[str, str]:
    """key_id → public key: the published key file (every key ever used, one a line) and `extra`."""
    path = Path(settings.AUDIT_PUBLIC_KEY_FILE)
    lines = path.read_text(encoding="ascii").split() if path.exists() else []
    keys = [
        k.strip().lower().removeprefix("04") if len(k.strip()) == 130 else k.strip().lower()
        for k in [*lines, *extra]
        if k.strip()
    ]
    return {key_id(k): k for k in keys if len(k) == 128}


def keygen() -> str:
    """A new signing key into AUDIT_SIGNING_KEY_FILE (0600); its public key appended to the key file."""
    private_path = Path(settings.AUDIT_SIGNING_KEY_FILE)
    if private_path.exists():
        raise CheckpointError(f"{private_path} exists; move it away before making a new key")
    private = generate_private_key()
    public = public_key_of(private)
    private_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(private + "\n")
    public_path = Path(settings.AUDIT_PUBLIC_KEY_FILE)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    with public_path.open("a", encoding="ascii") as out:
        out.write(public + "\n")
    return public


# --- the checkpoint file ---------------------------------------------------------------------


def read_checkpoints(path: Path | None = None) -> list[Checkpoint]:
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    return parse_lines(path.read_text(encoding="utf-8")) if path.exists() else []


def last_checkpoint(path: Path | None = None) -> Checkpoint | None:
    """The last line of the file (read from its end: the file grows by ~50,000 lines a year)."""
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return None
    with path.open("rb") as f:
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - 4096))
        tail = f.read().decode("utf-8", "replace").strip().splitlines()
    found = parse_lines(tail[-1]) if tail else []
    return found[-1] if found else None


def _append(path: Path, cp: Checkpoint) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)  # two workers never interleave a line
        out.write(cp.to_json() + "\n")
        out.flush()
        os.fsync(out.fileno())


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def checkpoint_due(last: Checkpoint | None, head_seq: int, now: dt.datetime) -> bool:
    """Every AUDIT_CHECKPOINT_EVENTS new events, and at least every AUDIT_CHECKPOINT_MINUTES."""
    if last is None:
        return True
    if head_seq - last.seq >= settings.AUDIT_CHECKPOINT_EVENTS:
        return True
    return now - _parse_time(last.time) >= dt.timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES)


def checkpoint_write(*, force: bool = False, now: dt.datetime | None = None) -> Checkpoint | None:
    """Sign the committed head and append it to the checkpoint file when due (or `force`).

    None when not due or when no signing key is configured (logged: the platform runs, unanchored).
    """
    from ecoenforce.audit.verify import read_head

    key = signing_key()
    if key is None:
        log.warning(
            "audit checkpoint skipped: no signing key (AUDIT_SIGNING_KEY or %s)",
            settings.AUDIT_SIGNING_KEY_FILE,
        )
        return None
    now = now or timezone.now()
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    head_seq, head_digest, _ = read_head()
    if not force and not checkpoint_due(last_checkpoint(path), head_seq, now):
        return None
    cp = make_checkpoint(head_seq, head_digest, chain.format_time(now), key)
    _append(path, cp)
    log.info("audit checkpoint written: seq %s digest %s", cp.seq, cp.digest)
    return cp


# --- checking the chain against checkpoints ----------------------------------------------------


def load_source(source: str) -> list[Checkpoint]:
    """Checkpoints from a file or an http(s) URL (the portal's JSON or a JSON Lines copy)."""
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"Accept": "application/json"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
            text = response.read(MAX_SOURCE_BYTES).decode("utf-8")
    else:
        text = Path(source).read_text(encoding="utf-8")
    return parse_lines(text)


@dataclass(frozen=True)
class Finding:
    seq: int
    problem: str  # English (logs, the command's output)
    refused_checkpoint: bool = False  # the checkpoint itself is not trustworthy (bad signature)

    def __str__(self) -> str:
        return f"event {self.seq}: {self.problem}"


def _stored_digests(seqs: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for i in range(0, len(seqs), 5000):
        rows = AuditEvent.objects.filter(seq__in=seqs[i : i + 5000]).values_list("seq", "digest")
        found.update(rows)
    return found


def _signed(cp: Checkpoint, keys: dict[str, str]) -> Finding | None:
    try:
        verify_checkpoint(cp, keys)
    except CheckpointError as exc:
        return Finding(cp.seq, f"checkpoint refused: {exc}", refused_checkpoint=True)
    return None


def check_checkpoints(
    checkpoints: Sequence[Checkpoint], keys: dict[str, str], head_seq: int
) -> Finding | None:
    """The first event that disagrees with a signed checkpoint, or a checkpoint refused; None if all agree.

    A hash chain's head commits to everything before it, so a checkpoint that agrees vouches for the
    whole chain up to it: only the newest checkpoint and those that disagree need their (slow,
    ~0.15 s) signature checked. A disagreeing checkpoint is believed only once its signature holds.
    """
    ordered = sorted(checkpoints, key=lambda c: (c.seq, c.time))
    if not ordered:
        return None
    stored = _stored_digests(sorted({c.seq for c in ordered if 0 < c.seq <= head_seq}))
    agreed = 0
    for cp in ordered:
        expected = chain.GENESIS_DIGEST if cp.seq == 0 else stored.get(cp.seq)
        if cp.seq <= head_seq and expected == cp.digest:
            agreed = cp.seq
            continue
        refused = _signed(cp, keys)
        if refused:
            return refused
        if cp.seq > head_seq:
            return Finding(
                cp.seq,
                f"the checkpoint signed at {cp.time} lies beyond the chain head "
                f"(seq {head_seq}); events were removed",
            )
        return Finding(
            cp.seq,
            f"digest differs from the checkpoint signed at {cp.time}; the chain was "
            f"rewritten after event {agreed} (the last checkpoint that agrees) and "
            f"at or before this event",
        )
    return _signed(ordered[-1], keys)
