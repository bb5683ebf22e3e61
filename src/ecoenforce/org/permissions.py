"""What each role may do (the `rules` predicates), and `authorize`, which services call first.

Object permissions add the jurisdiction: an action on an object is allowed only when the object's
unit lies in the user's subtree (or an AccessGrant covers it). The supervisor role reads only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from rules.permissions import add_perm
from rules.predicates import Predicate

from ecoenforce.org.jurisdiction import in_jurisdiction
from ecoenforce.org.roles import ACTING_ROLES, Role

R = Role
READERS = frozenset(
    {R.OFFICER, R.TEAM_LEADER, R.LEGAL_REVIEWER, R.BUREAU_HEAD, R.COMPLAINT_HANDLER, R.SUPERVISOR}
)
EDITORS = frozenset({R.OFFICER, R.TEAM_LEADER, R.BUREAU_HEAD})

# permission → roles that hold it. Writes on objects also need the object in the jurisdiction.
PERMISSIONS: dict[str, tuple[frozenset[str], bool]] = {
    # name: (roles, is_write)
    "entities.view": (READERS, False),
    "entities.change": (EDITORS, True),
    "entities.import": (EDITORS, True),
    "entities.export": (READERS, False),
    "org.view_people": (READERS | {R.SYSADMIN, R.SECADMIN}, False),
    "org.manage_units": (frozenset({R.SYSADMIN}), True),
    "org.manage_accounts": (frozenset({R.SYSADMIN}), True),
    "org.manage_certificates": (frozenset({R.SYSADMIN, R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "org.grant_roles": (frozenset({R.SECADMIN}), True),
    "org.manage_tokens": (frozenset({R.SECADMIN}), True),
    "org.account_security": (frozenset({R.SECADMIN}), True),  # unlock, reset a second factor
    "audit.view": (frozenset({R.AUDITADMIN}), False),
    "dashboard.view": (READERS, False),
    "catalog.view": (READERS, False),
    "catalog.draft": (frozenset({R.LEGAL_REVIEWER, R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "catalog.legal_review": (frozenset({R.LEGAL_REVIEWER}), True),
    "catalog.approve": (frozenset({R.BUREAU_HEAD}), True),
    "catalog.publish": (frozenset({R.LEGAL_REVIEWER, R.BUREAU_HEAD}), True),
    "catalog.compute_penalty": (READERS, False),
    "catalog.record_penalty": (ACTING_ROLES, True),
    "catalog.confirm_parameter": (frozenset({R.LEGAL_REVIEWER}), True),
    "catalog.consistency_report": (READERS - {R.OFFICER, R.COMPLAINT_HANDLER}, False),
    "statutes.view": (READERS, False),
    "statutes.load": (frozenset({R.LEGAL_REVIEWER}), True),
    # cases: the workflow table (cases/workflow.py) says which role takes which step
    "cases.view": (READERS, False),
    "cases.lead_open": (ACTING_ROLES | {R.COMPLAINT_HANDLER}, True),
    "cases.lead_triage": (frozenset({R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "cases.act": (ACTING_ROLES, True),
    "cases.take_over": (frozenset({R.BUREAU_HEAD}), True),
    "cases.export": (READERS, False),
    "documents.view": (READERS - {R.COMPLAINT_HANDLER}, False),
    "documents.issue": (ACTING_ROLES, True),
    "documents.revoke": (frozenset({R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "documents.casefile": (ACTING_ROLES, True),
    "documents.archive": (frozenset({R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "inspections.view": (READERS, False),
    "inspections.export": (READERS, False),
    "inspections.configure": (frozenset({R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "inspections.draw": (frozenset({R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "inspections.plan": (frozenset({R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "inspections.inspect": (frozenset({R.OFFICER, R.TEAM_LEADER}), True),
    "inspections.positive_nominate": (EDITORS, True),
    "inspections.positive_review": (frozenset({R.LEGAL_REVIEWER}), True),
    "inspections.positive_approve": (frozenset({R.BUREAU_HEAD}), True),
    "monitoring.view": (READERS, False),
    "monitoring.manage_devices": (EDITORS, True),
    "monitoring.feed": (EDITORS, True),  # power readings and alarm events (API, Excel)
    "monitoring.handle_alert": (frozenset({R.OFFICER, R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "monitoring.export": (READERS, False),
    # complaints and report rewards (issue 11)
    "complaints.view": (READERS, False),
    "complaints.register": (frozenset({R.COMPLAINT_HANDLER, R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "complaints.dispatch": (frozenset({R.COMPLAINT_HANDLER, R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "complaints.verify": (frozenset({R.OFFICER, R.TEAM_LEADER}), True),
    "complaints.reply": (frozenset({R.COMPLAINT_HANDLER, R.TEAM_LEADER, R.BUREAU_HEAD}), True),
    "complaints.view_identity": (frozenset({R.COMPLAINT_HANDLER, R.BUREAU_HEAD}), False),
    "complaints.reward_propose": (frozenset({R.COMPLAINT_HANDLER, R.TEAM_LEADER}), True),
    "complaints.reward_approve": (frozenset({R.BUREAU_HEAD}), True),
    "complaints.reward_pay": (frozenset({R.COMPLAINT_HANDLER}), True),
    "enterprise.self_service": (frozenset({R.ENTERPRISE}), False),
    "enterprise.approve_accounts": (frozenset({R.SYSADMIN}), True),
    "enterprise.query": (READERS - {R.SUPERVISOR}, True),
}
assert all(not (roles - set(Role)) for roles, _ in PERMISSIONS.values())
assert not (EDITORS - ACTING_ROLES)


class Refused(PermissionDenied):
    """A refused action; carries what was attempted so the audit trail can record it."""

    def __init__(self, message: str, *, action: str = "", target: Any = None) -> None:
        super().__init__(message)
        self.action = action
        self.target = target


def _predicate(roles: frozenset[str], is_write: bool) -> Predicate:
    def allowed(user: Any, obj: Any = None) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.has_role(*roles):
            return False
        return obj is None or in_jurisdiction(user, obj, write=is_write)

    return Predicate(allowed)


for _name, (_roles, _write) in PERMISSIONS.items():
    add_perm(_name, _predicate(_roles, _write))  # type: ignore[no-untyped-call]


def can(user: Any, perm: str, obj: Any = None) -> bool:
    if perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm}")
    return bool(user.has_perm(perm, obj))


def authorize(user: Any, perm: str, obj: Any = None, *, action: str = "") -> None:
    """Raise Refused (recorded in the audit trail by the web layer) unless `user` may do `perm`."""
    if can(user, perm, obj):
        return
    if obj is not None and can(user, perm):
        message = "该对象不在您的辖区内，无权操作"
    else:
        message = "您的角色无权执行此操作"
    raise Refused(message, action=action or perm, target=obj)
