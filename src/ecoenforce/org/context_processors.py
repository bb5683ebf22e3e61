"""Navigation by role: each entry shows only when the user holds its permission."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (label, url name, permission or None for any signed-in user)
NAV: tuple[tuple[str, str, str | None], ...] = (
    ("首页", "home", "dashboard.view"),
    ("监管对象", "entities:list", "entities.view"),
    ("执法事项", "catalog:browse", "catalog.view"),
    ("罚款计算", "catalog:calculator", "catalog.compute_penalty"),
    ("人员与执法证", "org:people", "org.view_people"),
    ("机构管理", "org:units", "org.manage_units"),
    ("角色授权", "org:roles", "org.grant_roles"),
    ("审计记录", "audit:events", "audit.view"),
    ("公示", "portal:home", None),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, perm in NAV:
        if perm is not None and not user.has_perm(perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # an app not installed in this deployment
            continue
        items.append({"label": label, "url": url, "active": request.path == url or (
            url != "/" and request.path.startswith(url))})
    return {"nav_items": items}
