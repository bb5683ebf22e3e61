"""Load the shipped starter catalog as the root unit's first published version (demo set-up)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecoenforce.catalog.models import CatalogVersion
from ecoenforce.catalog.services import catalog_load_starter
from ecoenforce.org.models import Unit


class Command(BaseCommand):
    help = "将起步清单作为最上级单位的第一版已发布执法事项清单导入。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--unit", type=int, help="单位编号（默认：最上级单位）")
        parser.add_argument("--effective-from", type=date.fromisoformat, default=date(2026, 1, 1))
        parser.add_argument("--if-empty", action="store_true", help="已有任何清单时不导入")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and CatalogVersion.objects.exists():
            self.stdout.write("已有执法事项清单，未导入起步清单。")
            return
        unit = (
            Unit.objects.filter(pk=options["unit"]).first()
            if options["unit"]
            else Unit.objects.filter(parent__isnull=True).order_by("level", "pk").first()
        )
        if unit is None:
            raise CommandError("没有可导入清单的单位（请先运行 demo_seed）")
        version = catalog_load_starter(unit=unit, effective_from=options["effective_from"])
        self.stdout.write(f"已导入起步清单：{unit.name}，{version.entries.count()} 项（{version}）")
