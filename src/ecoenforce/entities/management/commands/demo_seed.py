"""manage.py demo_seed [--entities N] [--if-empty]: deterministic demo data (see entities.demo_data)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecoenforce.entities import demo_data


class Command(BaseCommand):
    help = "载入演示数据：廊坊市生态环境局、6个县级执法大队、约40个乡镇站、人员与执法证、N个监管对象"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--entities", type=int, default=3000, help="监管对象数量（默认3000；基准测试可用100000）"
        )
        parser.add_argument("--if-empty", action="store_true", help="库中已有数据时什么也不做")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["entities"] < 0 or options["entities"] > 5_000_000:
            raise CommandError("--entities 应在 0 到 5000000 之间")
        if demo_data.has_data():
            if options["if_empty"]:
                self.stdout.write("数据库中已有数据，跳过演示数据载入（--if-empty）")
                return
            raise CommandError("数据库中已有数据：演示数据只能载入空库（或使用 --if-empty 跳过）")
        started = time.monotonic()
        structure, counts = demo_data.seed_all(entities=options["entities"])
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已载入：{1 + len(structure.counties) + len(structure.townships)} 个执法机构，"
                f"{len(structure.users)} 个用户，{counts.entities} 个监管对象，"
                f"{counts.permits} 张排污许可证，"
                f"{counts.outlets} 个排放口，{counts.limits} 条排放限值，{counts.monitoring_points} 个监测点"
                f"（用时 {time.monotonic() - started:.1f} 秒）"
            )
        )
