"""Navigation by role: each entry shows only when the user holds its permission."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (label, url name, permission or None for any signed-in user)
NAV: tuple[tuple[str, str, str | None], ...] = (
    ("首页", "home", None),  # every role: the to-do panel (and the dashboard for readers)
    ("监管对象", "entities:list", "entities.view"),
    ("案件办理", "cases:todo", "cases.view"),
    ("执法事项", "catalog:browse", "catalog.view"),
    ("清单修订与审核", "catalog:drafts", "catalog.draft"),
    ("罚款计算", "penalty:calculator", "catalog.compute_penalty"),
    ("法规库", "statutes:list", "statutes.view"),
    ("执法文书", "documents:list", "documents.view"),
    ("监督检查", "inspections:tasks", "inspections.view"),
    ("在线监控", "monitoring:points", "monitoring.view"),
    ("人员与执法证", "org:people", "org.view_people"),
    ("机构管理", "org:units", "org.manage_units"),
    ("账户管理", "org:accounts", "org.manage_accounts"),
    ("角色授权", "org:roles", "org.grant_roles"),
    ("接口令牌", "org:tokens", "org.manage_tokens"),
    ("审计记录", "audit:events", "audit.view"),
    ("投诉举报", "complaints:list", "complaints.view"),
    ("企业服务", "enterprise:home", "enterprise.self_service"),
    ("企业账户审核", "enterprise:accounts", "enterprise.approve_accounts"),
    ("企业问询", "enterprise:staff-queries", "enterprise.query"),
    ("公示", "portal:home", None),
)

# A user without the dashboard: the home page links to his own work page (first that exists).
LANDING: tuple[tuple[str, str], ...] = (
    ("org.manage_units", "org:units"),
    ("org.grant_roles", "org:roles"),
    ("audit.view", "audit:events"),
    ("enterprise.self_service", "enterprise:home"),
)


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # an app not installed in this deployment
        return None


def landing_url(user: Any) -> str:
    """The first page a user without the dashboard may open; "my account" when there is none."""
    for perm, name in LANDING:
        if user.has_perm(perm) and (url := _url(name)):
            return url
    return reverse("org:account")


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The entries the user may open; the one whose URL is the longest prefix of the path is active."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[dict[str, Any]] = []
    for label, name, perm in NAV:
        if perm is not None and not user.has_perm(perm):
            continue
        url = _url(name)
        if url is not None:
            items.append({"label": label, "url": url, "active": False})
    path = request.path
    matches = [i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
