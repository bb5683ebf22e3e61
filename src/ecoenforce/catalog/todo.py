"""The catalog's lines on the home to-do panel: versions in progress that wait for this user's step."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ecoenforce.catalog import selectors
from ecoenforce.catalog.models import VersionStatus
from ecoenforce.org.permissions import can
from ecoenforce.org.todo import TodoItem, register_todo

# status → (permission whose holder takes the next step, what the panel says)
STEPS: dict[str, tuple[str, str]] = {
    VersionStatus.DRAFT: ("catalog.draft", "草稿待提交法制审核"),
    VersionStatus.REJECTED: ("catalog.draft", "已退回，待修改"),
    VersionStatus.LEGAL_REVIEW: ("catalog.legal_review", "待法制审核"),
    VersionStatus.REVIEWED: ("catalog.approve", "法制审核通过，待局领导批准"),
    VersionStatus.APPROVED: ("catalog.publish", "已批准，待发布"),
}


def items(user: Any) -> list[TodoItem]:
    out = []
    for version in selectors.open_versions_for(user):  # scoped to the jurisdiction
        step = STEPS.get(version.status)
        if step is None or not can(user, step[0], version):
            continue
        own = user.pk in (version.created_by_id, version.submitted_by_id)
        if version.status == VersionStatus.LEGAL_REVIEW and own:
            continue  # the drafter does not review his own draft (services refuse it)
        url = reverse("catalog:version", args=[version.pk])
        out.append(TodoItem(f"执法事项清单 {version.unit.name} {version.title}：{step[1]}", url))
    return out


def register() -> None:
    register_todo("catalog.versions", label="执法事项清单修订", items=items, perms=selectors.WORKFLOW_PERMS,
                  order=30)
