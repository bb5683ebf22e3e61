"""manage.py demo_logins: every demo login (username, role, unit, password)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ecoenforce.entities.demo_data import DEMO_PASSWORD
from ecoenforce.org.models import User
from ecoenforce.org.roles import ADMIN_ROLES, Role


class Command(BaseCommand):
    help = "列出演示账号（用户名、角色、单位、密码）"

    def handle(self, *args: Any, **options: Any) -> None:
        users = (
            User.objects.select_related("unit")
            .prefetch_related("role_grants")
            .order_by("unit__division_code", "username")
        )
        rows = []
        for user in users:
            roles = sorted(g.role for g in user.role_grants.all())
            labels = "、".join(Role(r).label for r in roles) or "（无角色）"
            rows.append(
                (user.username, labels, user.unit.name if user.unit else "", bool(set(roles) & ADMIN_ROLES))
            )
        if not rows:
            self.stdout.write("没有账号：请先运行 manage.py demo_seed")
            return
        self.stdout.write(f"演示账号（共 {len(rows)} 个），密码均为：{DEMO_PASSWORD}")
        self.stdout.write(f"{'用户名':<24}{'角色':<16}单位")
        for username, labels, unit, admin in rows:
            mark = " *" if admin else ""
            self.stdout.write(f"{username:<27}{labels + mark:<14}{unit}")
        self.stdout.write(
            "* 系统管理员、安全管理员、安全审计员（三员）首次登录须设置 TOTP 动态口令（身份验证器 App），"
            "之后每次登录都要输入动态口令。"
        )
        self.stdout.write("演示密码公开，仅用于演示环境；生产环境不得载入演示数据。")
