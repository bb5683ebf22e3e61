"""Load the shipped starter catalog as the root unit's first published version (demo set-up)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecoenforce.catalog.models import CatalogVersion
from ecoenforce.catalog.services import catalog_load_starter
from ecoenforce.org.models import Unit


class Command(BaseCommand):
    help = "Load catalog/data/starter_catalog.yaml as the first published catalog of the top unit."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--unit", type=int, help="unit id (default: the top unit)")
        parser.add_argument("--effective-from", type=date.fromisoformat, default=date(2026, 1, 1))
        parser.add_argument("--if-empty", action="store_true", help="do nothing when any catalog exists")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and CatalogVersion.objects.exists():
            self.stdout.write("catalog already present; nothing loaded")
            return
        unit = (
            Unit.objects.filter(pk=options["unit"]).first()
            if options["unit"]
            else Unit.objects.filter(parent__isnull=True).order_by("level", "pk").first()
        )
        if unit is None:
            raise CommandError("no unit to load the catalog into (run demo_seed first)")
        version = catalog_load_starter(unit=unit, effective_from=options["effective_from"])
        self.stdout.write(f"loaded {version.entries.count()} items into {unit.name} ({version})")
