"""Load the statute library from statutes/data/laws.yaml (idempotent: unchanged versions are kept)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ecoenforce.statutes.parse import StatuteParseError
from ecoenforce.statutes.services import statutes_load


class Command(BaseCommand):
    help = "载入法规库（法律、法规、规章及其条文）；重复运行只更新有变化的版本。"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = statutes_load()
        except (StatuteParseError, ValidationError) as exc:
            raise CommandError(f"法规库载入失败，未作任何改动：{exc}") from None
        for title, names in (("新增", report.created), ("更新", report.updated)):
            for name in names:
                self.stdout.write(f"{title}：{name}")
        self.stdout.write(
            f"法规库载入完成：新增{len(report.created)}个版本，更新{len(report.updated)}个版本，"
            f"未变{len(report.unchanged)}个版本，写入{report.articles}条。"
        )
