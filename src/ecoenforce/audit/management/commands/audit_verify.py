"""manage.py audit_verify: recompute every digest and link of the audit chain.

Exit 0 when the chain holds; 1 naming the first broken event (or a refused checkpoint); 2 on bad
arguments or a database without the audit tables. Output is English (logs and operators'
terminals). Signed checkpoints (`--checkpoints FILE|URL`, and the platform's own checkpoint file
when it exists) and `--anchor SEQ:DIGEST` prove the chain was not rewritten up to that event.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from ecoenforce.audit import anchoring
from ecoenforce.audit.checkpoint import Checkpoint, CheckpointError
from ecoenforce.audit.models import AuditEvent
from ecoenforce.audit.verify import ChainReport, verify_chain


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"--anchor wants SEQ:DIGEST (64 hex characters), got {text!r}", returncode=2)
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail; exit 1 naming the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-seq",
            type=int,
            default=1,
            help="start at this event, taking its prev_digest as given (default 1)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="worker processes on PostgreSQL (default: one per CPU for large chains)",
        )
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:DIGEST",
            help="also require event SEQ to have DIGEST (a head kept outside the platform)",
        )
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE|URL",
            help="signed checkpoints to check against (repeatable; default: the platform's checkpoint file)",
        )
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="HEX",
            help="a trusted SM2 public key (x||y, 128 hex characters); default: the published key file",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
        parser.add_argument("--quiet", action="store_true", help="print nothing when the chain holds")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["from_seq"] < 1:
            raise CommandError("--from-seq must be 1 or more", returncode=2)
        anchors = [_anchor(a) for a in options["anchor"]]
        checkpoints = _load_checkpoints(options["checkpoints"])
        if "audit_auditevent" not in connection.introspection.table_names():
            raise CommandError(
                "this database has no audit tables (audit_auditevent): run manage.py migrate first",
                returncode=2,
            )
        report = verify_chain(from_seq=options["from_seq"], workers=options["workers"])
        problem = str(report.first_break) if report.first_break else _anchor_problem(anchors, report)
        if not problem and checkpoints:
            keys = anchoring.public_keys(options["public_key"])
            finding = anchoring.check_checkpoints(checkpoints, keys, report.head_seq)
            problem = str(finding) if finding else ""
        if options["json"]:
            self.stdout.write(json.dumps(_as_dict(report, problem)))
        elif problem:
            self.stderr.write(f"AUDIT CHAIN BROKEN at {problem}")
            self.stderr.write(_summary(report))
        elif not options["quiet"]:
            self.stdout.write(f"audit chain OK: {_summary(report)}")
        if problem:
            raise SystemExit(1)


def _load_checkpoints(sources: list[str]) -> list[Checkpoint]:
    if not sources and settings.AUDIT_CHECKPOINT_FILE.exists():
        sources = [str(settings.AUDIT_CHECKPOINT_FILE)]
    found: list[Checkpoint] = []
    for source in sources:
        try:
            found.extend(anchoring.load_source(source))
        except (OSError, ValueError, CheckpointError) as exc:
            raise CommandError(f"cannot read checkpoints from {source}: {exc}", returncode=2) from exc
    return found


def _anchor_problem(anchors: list[tuple[int, str]], report: ChainReport) -> str:
    for seq, digest in sorted(anchors):
        if seq > report.head_seq:
            return (
                f"event {seq}: anchor lies beyond the chain head (seq {report.head_seq}); events were removed"
            )
        stored = AuditEvent.objects.filter(seq=seq).values_list("digest", flat=True).first()
        if stored != digest:
            return f"event {seq}: digest differs from the anchor {digest}; the chain was rewritten"
    return ""


def _summary(report: ChainReport) -> str:
    return (
        f"checked {report.checked} events (seq {report.from_seq}..{report.last_seq}) "
        f"in {report.seconds:.2f} s, "
        f"{report.rate:,.0f} events/s, {report.workers} process(es); "
        f"head seq {report.head_seq} digest {report.head_digest}"
    )


def _as_dict(report: ChainReport, problem: str) -> dict[str, Any]:
    return {
        "ok": not problem,
        "checked": report.checked,
        "from_seq": report.from_seq,
        "last_seq": report.last_seq,
        "head_seq": report.head_seq,
        "head_digest": report.head_digest,
        "seconds": round(report.seconds, 3),
        "events_per_second": round(report.rate),
        "workers": report.workers,
        "broken_seq": report.first_break.seq if report.first_break else None,
        "problem": problem or None,
    }
