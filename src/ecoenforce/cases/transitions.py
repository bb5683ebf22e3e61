"""`case_transition`: the one service that moves a case through the procedure.

It authorizes (role and jurisdiction), locks the case row (select_for_update), refuses a repeated
step-form token, cleans the step's data, asks the workflow table with the requirement facts, then in
the same transaction writes the state, the step's fields, the clocks started and stopped, a
CaseEvent and the audit event. A refusal changes nothing; the web layer records it in the audit
trail. Two concurrent transitions on one case serialize on the row lock: the second sees the new
state and is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.cases import clocks, document_door, registry, workflow
from ecoenforce.cases.case_services import case_snapshot, has_valid_certificate
from ecoenforce.cases.facts import facts_for
from ecoenforce.cases.models import Case, CaseEvent
from ecoenforce.cases.refusals import record_refusal
from ecoenforce.cases.steps_decision import STEPS
from ecoenforce.cases.workflow import ACTIONS, State
from ecoenforce.org.permissions import Refused, authorize

KEY_MAX = 64


def actor_roles(case: Case, by: Any, today: dt.date | None = None) -> frozenset[str]:
    """The actor's platform roles plus "handler" / "presiding" relations to this case."""
    today = today or timezone.localdate()
    roles = set(by.role_codes)
    if case.officers.filter(officer=by).exists() and has_valid_certificate(by, today):
        roles.add(workflow.HANDLER)
    hearing = getattr(case, "hearing", None) if hasattr(case, "hearing") else None
    if hearing is not None and hearing.presiding_id == by.pk:
        roles.add(workflow.PRESIDING)
    return frozenset(roles)


def _next_seq(case: Case) -> int:
    return (CaseEvent.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0) + 1


def _clean_key(key: str | None) -> str | None:
    key = str(key or "").strip()[:KEY_MAX]
    return key or None


def case_transition(
    *,
    case: Case,
    action: str,
    by: Any,
    data: Mapping[str, Any] | None = None,
    reason: str = "",
    idempotency_key: str | None = None,
) -> Case:
    """Take step `action` on `case`; returns the case as written. Raises Refused or ValidationError
    (that one recorded here as a refusal; a Refused is recorded by the web layer)."""
    authorize(by, "cases.act", case, action=f"cases.{action}")
    try:
        return _transition(case, action, by, data, reason, idempotency_key)
    except ValidationError as exc:
        record_refusal(by=by, action=f"cases.{action}", target=case, exc=exc)
        raise


def _transition(
    case: Case,
    action: str,
    by: Any,
    data: Mapping[str, Any] | None,
    reason: str,
    idempotency_key: str | None,
) -> Case:
    spec = ACTIONS.get(action)
    if spec is None:
        raise ValidationError({"action": "未知的办案步骤"})
    reason = str(reason or "").replace("\x00", "").strip()[:2000]
    if spec.needs_reason and not reason:
        raise ValidationError({"reason": f"「{spec.label}」须填写理由"})
    key, today = _clean_key(idempotency_key), timezone.localdate()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if key and CaseEvent.objects.filter(case=locked, idempotency_key=key).exists():
            raise ValidationError({"__all__": "该步骤已经提交过（重复提交），未再次办理"})
        roles = actor_roles(locked, by, today)
        gate = workflow.check(State(locked.state), action, roles, dict.fromkeys(spec.requires, True))
        if not gate.allowed:  # state and role first: a form error must not hide "not now / not you"
            raise Refused(gate.message, action=f"cases.{action}", target=locked)
        prepare, apply = STEPS.get(action, (None, None))
        clean = dict(prepare(locked, data or {}, today)) if prepare else {}
        facts = facts_for(locked, spec.requires, clean, today)
        verdict = workflow.check(State(locked.state), action, roles, facts)
        if not verdict.allowed:
            message = verdict.message
            if not facts.get("instant_review_clean", True):  # say what to correct, not only "no"
                from ecoenforce.cases.reviewing import instant_review

                message += "：" + "；".join(instant_review(locked, today).hard)
            raise Refused(message, action=f"cases.{action}", target=locked)
        _write(locked, spec, by, clean, reason, key, today, apply)
    return locked


def _write(
    case: Case,
    spec: workflow.Action,
    by: Any,
    clean: dict[str, Any],
    reason: str,
    key: str | None,
    today: dt.date,
    apply: Any,
) -> None:
    before = case_snapshot(case)
    from_state = case.state
    event_data = apply(case, by, clean, today) if apply else {}
    target = spec.target
    if spec.code == "resume":
        target = State(event_data["resume_to"])
    if target is not None:
        case.state = target
    for code in spec.stops:
        clocks.stop(case, code, today)
    for code in spec.starts:
        if code in ("payment", "publicity") and case.served_on:
            clocks.start(case, code, case.served_on)
        elif code != "decision_extension":
            clocks.start(case, code, today)
    case.updated_at = timezone.now()
    case.full_clean(exclude=["lead"], validate_constraints=False)
    case.save()
    try:
        with transaction.atomic():
            CaseEvent.objects.create(
                case=case,
                seq=_next_seq(case),
                action=spec.code,
                label=spec.label,
                from_state=from_state,
                to_state=case.state,
                actor=by,
                reason=reason,
                data=_jsonable(event_data),
                idempotency_key=key,
            )
    except IntegrityError:
        raise ValidationError({"__all__": "该步骤已经提交过（重复提交），未再次办理"}) from None
    audit_record(
        actor=by,
        action=f"cases.{spec.code}",
        target=case,
        before=before,
        after=case_snapshot(case) | {"step": _jsonable(event_data)},
        reason=reason,
    )
    document_door.on_step(case=case, action=spec.code, by=by, key=key)
    if spec.code == "approve_filing":  # 批准立案: the case is filed; other apps react in this transaction
        registry.case_filed(case, by)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "pk"):
        return value.pk
    return str(value)
