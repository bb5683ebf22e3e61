"""Demo complaints for `make demo`: reports in each county at every stage of handling, so the figures
(受理、办结率、满意率) and the pages have something to show. Deterministic (seeded)."""

from __future__ import annotations

import random
from typing import Any

from django.core.management.base import BaseCommand

from ecoenforce.complaints import services
from ecoenforce.complaints.models import Channel, Complaint, Finding
from ecoenforce.org.models import Unit, User
from ecoenforce.org.roles import Role

PLACES = ("工业园区东路", "河道南岸", "城乡结合部", "开发区北区", "镇中心")
TEXTS = {
    "air": "夜间烟囱冒黑烟，气味刺鼻。",
    "water": "排水口排放发黑污水，河面有泡沫。",
    "noise": "工地夜间施工，噪声扰民。",
    "solid": "路边倾倒建筑垃圾和废桶。",
}


def _holder(role: str, unit: Unit) -> User | None:
    """A user with `role` whose unit covers `unit` (the most local first)."""
    users = User.objects.filter(is_active=True, role_grants__role=role, unit__isnull=False).select_related(
        "unit"
    )
    covering = [u for u in users if u.unit is not None and unit.path.startswith(u.unit.path)]
    return max(covering, key=lambda u: len(u.unit.path)) if covering else None  # type: ignore[union-attr]


class Command(BaseCommand):
    help = "载入演示投诉举报（--if-empty：仅在尚无投诉举报时载入）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="仅在尚无投诉举报时载入")
        parser.add_argument("--count", type=int, default=42, help="载入的件数（按 seed 004 的 42 件）")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["if_empty"] and Complaint.objects.exists():
            self.stdout.write("已有投诉举报，未载入演示数据")
            return
        rng = random.Random(4)
        counties = list(Unit.objects.filter(is_active=True, level=3))
        if not counties:
            self.stdout.write("没有县级执法机构，请先运行 demo_seed")
            return
        for i in range(opts["count"]):
            self._one(rng, rng.choice(counties), i)
        self.stdout.write(f"演示投诉举报已载入：{opts['count']} 件")

    def _one(self, rng: random.Random, county: Unit, i: int) -> None:
        category = rng.choice(list(TEXTS))
        identity = {} if i % 3 else {"name": f"群众{i:02d}", "phone": f"1380000{i:04d}"}
        c, _ = services.complaint_submit(
            channel=Channel.PORTAL,
            category=category,
            description=TEXTS[category],
            address=f"{county.name[:3]}{rng.choice(PLACES)}",
            division_code=county.division_code,
            identity=identity,
        )
        handler, officer = _holder(Role.COMPLAINT_HANDLER, county), _holder(Role.OFFICER, county)
        if handler is None or officer is None or i % 7 == 6:
            return  # some stay just received
        services.complaint_dispatch(complaint=c, unit=county, by=handler)
        finding = Finding.VIOLATION if i % 2 else Finding.NO_VIOLATION
        services.complaint_verify(
            complaint=c, finding=finding, verification="现场核查：" + TEXTS[category], by=officer
        )
        services.complaint_reply(complaint=c, reply="已现场核查并依法处理。", by=handler)
        if i % 5:
            services.complaint_rate(complaint=c, satisfaction="satisfied" if i % 11 else "basic")
