"""The roles of the platform. A role says what you may do; your unit's subtree says where."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "执法人员"
    TEAM_LEADER = "team_leader", "执法队长"
    LEGAL_REVIEWER = "legal_reviewer", "法制审核人员"
    BUREAU_HEAD = "bureau_head", "局领导"
    COMPLAINT_HANDLER = "complaint_handler", "信访投诉受理人员"
    SUPERVISOR = "supervisor", "上级监督人员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITADMIN = "auditadmin", "安全审计员"
    ENTERPRISE = "enterprise", "企业用户"


# 三员分立 (GB/T 22239-2019 等保三级 8.1.4.2 / 8.1.10.4: separation of system, security and audit
# administration). One person holds at most one of them, and none of them with a business role.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})
BUSINESS_ROLES = frozenset(set(Role) - ADMIN_ROLES - {Role.ENTERPRISE})
# Roles that act on enforcement data (write); the supervisor only reads.
ACTING_ROLES = frozenset({Role.OFFICER, Role.TEAM_LEADER, Role.LEGAL_REVIEWER, Role.BUREAU_HEAD})


def role_conflict(existing: set[str], new: str) -> str | None:
    """Why `new` may not be added to `existing`, in Chinese; None when it may."""
    if new in existing:
        return "该用户已拥有此角色"
    if new in ADMIN_ROLES and existing:
        return "三员分立：管理员角色不得与其他任何角色兼任"
    if existing & ADMIN_ROLES:
        return "三员分立：管理员不得兼任其他角色"
    if Role.ENTERPRISE in existing or (new == Role.ENTERPRISE and existing):
        return "企业用户账户只能为本企业办事，不得兼任执法或管理角色"
    return None
