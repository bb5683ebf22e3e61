"""manage.py penalty_demo [--count N] [--if-empty]: a year of decided penalties (penalty.demo)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ecoenforce.penalty import demo

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "载入演示用的近一年裁量决定（经罚款计算器同一入口记录，供同案不同罚分析与首页统计）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=400, help="裁量决定条数（默认400）")
        parser.add_argument("--if-empty", action="store_true", help="已有裁量决定时什么也不做")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["count"] <= 100_000:
            raise CommandError("--count 应在 0 到 100000 之间")
        if demo.has_decisions():
            if options["if_empty"]:
                self.stdout.write("已有裁量决定，跳过演示裁量决定载入（--if-empty）")
                return
            raise CommandError("已有裁量决定：演示裁量决定只能载入空库（或使用 --if-empty 跳过）")
        if not demo.deciders():
            raise CommandError("没有市、县两级执法人员账户，无法记录裁量决定（请先运行 demo_seed）")
        started = time.monotonic()
        seeded = demo.seed_decisions(count=options["count"], today=timezone.localdate())
        for problem in seeded.skipped:
            logger.warning("penalty_demo skipped a decision: %s", problem)
        self.stdout.write(self.style.SUCCESS(
            f"演示裁量决定已载入：{seeded.decisions} 条，其中与基准金额不一致 {seeded.deviating} 条"
            f"（用时 {time.monotonic() - started:.1f} 秒）"
        ))
