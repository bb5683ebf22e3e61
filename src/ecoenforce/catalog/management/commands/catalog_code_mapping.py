"""Write docs/code-mapping.md (old item → Code item) from the two catalog files; --check only compares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ecoenforce.catalog.code_mapping import counts, render, rows


def doc_path() -> Path:
    return Path(settings.PROJECT_DIR) / "docs" / "code-mapping.md"


class Command(BaseCommand):
    help = "由平台随附清单与法典版清单生成新旧事项编码对照表（docs/code-mapping.md）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="只检查：对照表与清单数据不一致时报错")
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        table = rows()
        text = render(table)
        path = options["output"] or doc_path()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} 与清单数据不一致，请运行 manage.py catalog_code_mapping 重新生成")
            self.stdout.write("对照表与清单数据一致")
            return
        path.write_text(text, encoding="utf-8")
        n = counts(table)
        self.stdout.write(
            f"已写入 {path}：替代 {n['mapped']} 项，沿用 {n['kept']} 项，"
            f"取消 {n['gone']} 项，新增 {n['new']} 项"
        )
