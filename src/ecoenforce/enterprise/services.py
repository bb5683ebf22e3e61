"""Enterprise accounts (apply with the USCC, approved by the system administrator), evidence,
queries and applications. Each write: permission, validation, write and audit in one transaction."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ecoenforce.audit.models import Outcome
from ecoenforce.audit.services import audit_record
from ecoenforce.complaints import handoff, uploads
from ecoenforce.enterprise.models import (
    AccountState,
    Application,
    EnterpriseAccount,
    EnterpriseQuery,
    Evidence,
    QueryState,
)
from ecoenforce.entities.models import Entity, validate_uscc
from ecoenforce.org import services as org_services
from ecoenforce.org.permissions import Refused, authorize
from ecoenforce.org.roles import Role

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def account_of(user: Any) -> EnterpriseAccount | None:
    """The approved binding of an enterprise user; None for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(Role.ENTERPRISE):
        return None
    return (
        EnterpriseAccount.objects.select_related("entity")
        .filter(user=user, state=AccountState.APPROVED)
        .first()
    )


def require_account(user: Any, action: str) -> EnterpriseAccount:
    authorize(user, "enterprise.self_service", action=action)
    account = account_of(user)
    if account is None:
        raise Refused("企业账户尚未通过审核", action=action)
    return account


def enterprise_apply(
    *, uscc: str, username: str, password: str, contact_name: str, contact_phone: str
) -> EnterpriseAccount:
    """An enterprise asks for an account bound to its entity, found by its USCC (GB 32100)."""
    uscc = (uscc or "").strip().upper()
    try:
        validate_uscc(uscc)
    except ValidationError as exc:
        raise ValidationError({"uscc": exc.messages}) from exc
    entity = Entity.objects.select_related("owner_unit").filter(uscc=uscc).first()
    if entity is None:
        raise ValidationError({"uscc": "监管对象名录中没有该统一社会信用代码，请联系属地生态环境部门"})
    with transaction.atomic():
        user = org_services.user_create(
            by=None, username=username, password=password, unit=entity.owner_unit, real_name=contact_name
        )
        account = EnterpriseAccount(
            user=user, entity=entity, contact_name=contact_name, contact_phone=contact_phone
        )
        account.full_clean()
        account.save()
        audit_record(
            action="enterprise.apply",
            target=account,
            after={"entity": entity.pk, "user": user.pk},
            actor=user,
        )
    return account


def enterprise_decide(
    *, account: EnterpriseAccount, approve: bool, note: str = "", by: Any
) -> EnterpriseAccount:
    """The system administrator checks the binding (licence, letter of authorisation) and decides."""
    authorize(by, "enterprise.approve_accounts", account, action="enterprise.decide")
    if account.state != AccountState.PENDING:
        raise ValidationError("该申请已审核")
    with transaction.atomic():
        account.state = AccountState.APPROVED if approve else AccountState.REJECTED
        account.decided_by, account.decided_at, account.note = by, timezone.now(), (note or "")[:300]
        account.save()
        if approve:
            org_services.role_grant(by=None, user=account.user, role=Role.ENTERPRISE)
        audit_record(
            action="enterprise.decide", target=account, after={"state": account.state}, actor=by, reason=note
        )
    return account


def query_create(
    *,
    entity: Entity,
    subject_type: str,
    subject_id: str,
    title: str,
    question: str,
    legal_basis: str = "",
    due_date: date | None = None,
    by: Any,
) -> EnterpriseQuery:
    """A query to an entity (monitoring anomalies and the like); any app may call it."""
    authorize(by, "enterprise.query", entity, action="enterprise.query")
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": "答复期限不能早于今天"})
    q = EnterpriseQuery(
        entity=entity,
        subject_type=subject_type,
        subject_id=str(subject_id),
        title=title,
        question=question,
        legal_basis=legal_basis,
        due_date=due_date,
        asked_by=by,
    )
    q.full_clean()
    with transaction.atomic():
        q.save()
        audit_record(
            action="enterprise.query",
            target=q,
            after={"entity": entity.pk, "subject": subject_type},
            actor=by,
        )
    return q


def query_answer(
    *, query: EnterpriseQuery, answer: str, by: Any, attachment: tuple[str, bytes] | None = None
) -> EnterpriseQuery:
    """The enterprise answers a query, optionally with a file (a fault report, a maintenance record)."""
    account = require_account(by, "enterprise.answer")
    if query.entity_id != account.entity_id:
        raise Refused("只能答复本企业的问询", action="enterprise.answer", target=query)
    if query.state != QueryState.OPEN:
        raise ValidationError("该问询已答复")
    if not (answer or "").strip():
        raise ValidationError({"answer": "请填写答复内容"})
    ev = None
    if attachment is not None:
        ev = _evidence(account, "enterprise.query", str(query.pk), "答复附件", attachment[1], by)
    with transaction.atomic():
        query.answer, query.answered_by, query.answered_at = answer.strip(), by, timezone.now()
        query.state = QueryState.ANSWERED
        query.full_clean()
        query.save()
        if ev is not None:
            ev.save()
        audit_record(
            action="enterprise.answer",
            target=query,
            after={"state": query.state, "attachment": ev.sha256 if ev else ""},
            actor=by,
        )
    return query


def _evidence(
    account: EnterpriseAccount, subject_type: str, subject_id: str, note: str, data: bytes, by: Any
) -> Evidence:
    """A checked, stored, not yet saved Evidence: PDF or photo by its bytes (never by its name)."""
    found = uploads.sniff(data[:16])
    if data[:5] == b"%PDF-":
        content_type, ext = "application/pdf", "pdf"
    elif found is not None and found.kind == "photo":
        content_type, ext = found.content_type, found.extension
    else:
        raise ValidationError({"file": "只能上传PDF文件或照片（JPEG、PNG、WebP）"})
    if not 0 < len(data) <= MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": "文件不能为空，且不能超过 20 MB"})
    ev = Evidence(
        entity=account.entity,
        subject_type=subject_type[:40],
        subject_id=subject_id[:40],
        note=note,
        content_type=content_type,
        extension=ext,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
    )
    ev.file.save(f"evidence.{ext}", ContentFile(data), save=False)
    ev.full_clean()
    return ev


def evidence_upload(
    *, subject_type: str, subject_id: str, note: str, name: str, data: bytes, by: Any
) -> Evidence:
    """Rectification evidence, answering an order or a finding (subject) or general."""
    account = require_account(by, "enterprise.evidence")
    ev = _evidence(account, subject_type, subject_id, note, data, by)
    with transaction.atomic():
        ev.save()
        audit_record(
            action="enterprise.evidence",
            target=ev,
            after={
                "entity": account.entity_id,
                "sha256": ev.sha256,
                "subject": f"{subject_type}:{subject_id}",
            },
            actor=by,
        )
    return ev


def positive_list_apply(*, reason: str, by: Any) -> Application:
    """The enterprise applies for the positive list; the application enters inspections' workflow
    (handoff), where staff review and approve it as they do a nomination."""
    account = require_account(by, "enterprise.positive_list")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写申请理由"})
    app = Application(entity=account.entity, reason=reason.strip(), applied_by=by)
    app.full_clean()
    try:
        with transaction.atomic():
            app.handoff_ref = handoff.positive_list_apply(account.entity, reason=app.reason, by=by)
            app.save()
            audit_record(
                action="enterprise.positive_list",
                target=app,
                after={"entity": account.entity_id, "entry": app.handoff_ref},
                actor=by,
            )
    except ValidationError as exc:  # refused by the workflow: the refusal outlives the rollback
        audit_record(
            action="enterprise.positive_list",
            target=account.entity,
            outcome=Outcome.REFUSED,
            reason="；".join(exc.messages),
            actor=by,
        )
        raise
    return app


def record_foreign_attempt(*, by: Any, what: str, ref: str) -> None:
    """An enterprise user asked for something not its own (another entity's id): audited, then the
    page answers 404 so that nothing tells whether the id exists."""
    audit_record(
        action="enterprise.foreign_access",
        target=("enterprise.account", str(getattr(by, "pk", "")), str(by)),
        outcome=Outcome.REFUSED,
        reason=f"企业用户访问非本企业的{what}：{ref}"[:500],
        actor=by,
    )


def record_download(*, by: Any, provider: str, ref: str) -> None:
    audit_record(
        action="enterprise.download",
        target=(f"enterprise.{provider}", ref[:40], ref[:100]),
        actor=by,
    )
