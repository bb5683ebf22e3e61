"""`manage.py draw_verify FILE`: recompute a published draw (docs/draw.md); exit 0 when it holds,
1 naming what differs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecoenforce.inspections.draw import verify


class Command(BaseCommand):
    help = "验证公开的双随机抽查结果（JSON文件）：一致时退出码为0，不一致时为1并列出差异"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="公开的抽查结果JSON文件；- 表示标准输入")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.stderr.write(f"无法读取文件 {name}：{exc}")
            sys.exit(1)
        differences = verify(text)
        if differences:
            self.stderr.write("验证未通过：")
            for line in differences:
                self.stderr.write(f"- {line}")
            sys.exit(1)
        self.stdout.write("验证通过：抽查结果与计划、对象库和随机种子一致")
