"""Load catalog/data/code_catalog.yaml (the catalog under the 生态环境法典) as the top unit's next
published version, through the workflow: drafted, legally reviewed, approved and published by the
unit's own staff (demo set-up). Idempotent: does nothing when the unit already has that version."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ecoenforce.catalog.models import CatalogVersion, VersionStatus
from ecoenforce.catalog.services.code import CODE_IN_FORCE, Actors, Filing, catalog_load_code
from ecoenforce.org.models import Unit, User
from ecoenforce.org.roles import Role


def _staff(unit: Unit, role: str, exclude: tuple[User, ...] = ()) -> User:
    users = (
        User.objects.filter(unit=unit, is_active=True).exclude(pk__in=[u.pk for u in exclude]).order_by("pk")
    )
    user = next((u for u in users if u.has_role(role)), None)
    if user is None:
        raise CommandError(
            f"{unit.name}没有可用的「{Role(role).label}」账户，无法走审核流程（请先运行 demo_seed）"
        )
    return user


class Command(BaseCommand):
    help = (
        "载入按《生态环境法典》编制的执法事项清单（自2026年8月15日起施行），"
        "经审核、批准、发布流程发布为最高一级单位的清单版本。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--unit", type=int, help="单位编号（默认：最高一级单位）")
        parser.add_argument("--filing-authority", default="同级人民政府司法行政部门")
        parser.add_argument("--filing-number", default="演示备案-法典版清单")
        parser.add_argument("--filing-date", type=date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        unit = (
            Unit.objects.filter(pk=options["unit"]).first()
            if options["unit"]
            else Unit.objects.filter(parent__isnull=True).order_by("level", "pk").first()
        )
        if unit is None:
            raise CommandError("没有可导入清单的单位（请先运行 demo_seed）")
        done = CatalogVersion.objects.filter(
            unit=unit, status=VersionStatus.PUBLISHED, effective_from=CODE_IN_FORCE
        ).first()
        if done is not None:
            self.stdout.write(f"{unit.name}已有自2026年8月15日起施行的清单版本（{done.title}），未重复导入")
            return
        drafter = _staff(unit, Role.TEAM_LEADER)
        actors = Actors(
            drafter=drafter,
            reviewer=_staff(unit, Role.LEGAL_REVIEWER, (drafter,)),
            approver=_staff(unit, Role.BUREAU_HEAD),
            publisher=_staff(unit, Role.BUREAU_HEAD),
        )
        filing = Filing(options["filing_authority"], options["filing_number"], options["filing_date"])
        try:
            version = catalog_load_code(unit=unit, actors=actors, filing=filing)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None
        self.stdout.write(
            f"已发布{unit.name}{version.title}：{version.entries.count()}项，自2026年8月15日起施行"
        )
