"""manage.py audit_checkpoint: make the signing key, or sign a checkpoint of the audit chain now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecoenforce.audit import anchoring
from ecoenforce.audit.checkpoint import CheckpointError


class Command(BaseCommand):
    help = "审计链签名检查点：--keygen 生成 SM2 签名密钥；不带参数则立即签署并追加一个检查点。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--keygen", action="store_true", help="生成签名私钥（仅后台任务进程需要）并发布公钥"
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="与 --keygen 同用：已有私钥时不重新生成"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["keygen"]:
                if options["if_missing"] and Path(settings.AUDIT_SIGNING_KEY_FILE).exists():
                    self.stdout.write("签名私钥已存在，未重新生成。")
                    return
                public = anchoring.keygen()
                self.stdout.write(f"已生成签名私钥：{settings.AUDIT_SIGNING_KEY_FILE}（仅后台任务进程可读）")
                self.stdout.write(f"公钥已追加到 {settings.AUDIT_PUBLIC_KEY_FILE}：{public}")
                return
            cp = anchoring.checkpoint_write(force=True)
        except CheckpointError as exc:
            raise CommandError(f"操作失败：{exc}") from exc
        if cp is None:
            raise CommandError("未配置签名私钥：请先运行 audit_checkpoint --keygen，或设置 AUDIT_SIGNING_KEY")
        self.stdout.write(f"已签署检查点：第 {cp.seq} 号事件，摘要 {cp.digest}，时间 {cp.time}")
        self.stdout.write(f"已追加到 {settings.AUDIT_CHECKPOINT_FILE}")
