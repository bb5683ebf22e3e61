"""manage.py audit_verify: recompute every digest and link of the audit chain.

Exit 0 when the chain holds; 1 naming the first broken event (or a refused checkpoint); 2 on bad
arguments or a database without the audit tables. Operators read Chinese (audit.messages_zh words
the verifier's English findings); `--json` keeps the English finding for programs and logs.
Signed checkpoints (`--checkpoints FILE|URL`, and the platform's own checkpoint file when it
exists) and `--anchor SEQ:DIGEST` prove the chain was not rewritten up to that event.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from ecoenforce.audit import anchoring
from ecoenforce.audit.checkpoint import Checkpoint, CheckpointError
from ecoenforce.audit.messages_zh import problem_zh
from ecoenforce.audit.models import AuditEvent
from ecoenforce.audit.verify import ChainReport, verify_chain


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"--anchor 的格式应为 序号:摘要（64位十六进制），收到 {text!r}", returncode=2)
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = "校验审计链：重算每个事件的摘要与链接；发现断裂时指出第一个断裂的事件并以状态 1 退出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-seq",
            type=int,
            default=1,
            help="从该序号的事件开始校验，采信其所记前一事件摘要（默认 1）",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="PostgreSQL 上并行校验的进程数（默认：链较长时每个 CPU 一个）",
        )
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:DIGEST",
            help="另要求第 SEQ 号事件的摘要为 DIGEST（在平台之外保存的链头）",
        )
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE|URL",
            help="据以核对的签名检查点文件或网址（可多次指定；默认：平台自己的检查点文件）",
        )
        parser.add_argument(
            "--public-key",
            action="append",
            default=[],
            metavar="HEX",
            help="信任的 SM2 公钥（x||y，128位十六进制）；默认：平台发布的公钥文件",
        )
        parser.add_argument(
            "--json", action="store_true", help="输出一个 JSON 对象（供程序读取，问题描述为英文）"
        )
        parser.add_argument("--quiet", action="store_true", help="审计链完整时不输出任何内容")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["from_seq"] < 1:
            raise CommandError("--from-seq 须为 1 或更大的整数", returncode=2)
        anchors = [_anchor(a) for a in options["anchor"]]
        checkpoints = _load_checkpoints(options["checkpoints"])
        if "audit_auditevent" not in connection.introspection.table_names():
            raise CommandError(
                "此数据库中没有审计表（audit_auditevent），请先运行 manage.py migrate", returncode=2
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
            self.stderr.write(f"审计链断裂：{problem_zh(problem)}")
            self.stderr.write(_summary(report))
        elif not options["quiet"]:
            self.stdout.write(f"审计链完整：{_summary(report)}")
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
            raise CommandError(f"无法读取检查点 {source}：{exc}", returncode=2) from exc
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
        f"已校验 {report.checked} 个事件（第 {report.from_seq} 至 {report.last_seq} 号），"
        f"用时 {report.seconds:.2f} 秒，每秒 {report.rate:,.0f} 个事件，{report.workers} 个进程；"
        f"链头第 {report.head_seq} 号，摘要 {report.head_digest}"
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
