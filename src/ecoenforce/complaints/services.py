"""Every write to complaints: intake, dispatch, verification, reply, satisfaction, reopening, merging.

Each checks permission (the public may only submit and rate with its tracking code), validates,
writes and appends to the audit trail in one transaction. Audit snapshots never hold the reporter's
identity, only the complaint number and facts of the matter.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.complaints import deadlines, handoff, uploads
from ecoenforce.complaints.identity import seal_identity
from ecoenforce.complaints.models import (
    Channel,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    Finding,
    Satisfaction,
    Status,
)
from ecoenforce.org.divisions import validate_division_code
from ecoenforce.org.models import Unit
from ecoenforce.org.permissions import authorize

PUBLIC_ACTOR = "公众"


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def snapshot(c: Complaint) -> dict[str, Any]:
    """What the audit trail keeps: never the identity, never the tracking code."""
    return {
        "number": c.number,
        "channel": c.channel,
        "category": c.category,
        "status": c.status,
        "unit": c.unit_id,
        "division_code": c.division_code,
        "anonymous": c.anonymous,
        "finding": c.finding,
        "satisfaction": c.satisfaction,
        "merged_into": c.merged_into_id,
        "entity": c.entity_id,
        "external_ref": c.external_ref,
    }


def unit_for_place(division_code: str) -> Unit | None:
    """The responsible unit by place: the most specific active unit whose territory holds the code;
    the top unit when the place is unknown (it then dispatches by hand)."""
    from ecoenforce.entities.services import unit_for_division

    found = unit_for_division(division_code) if division_code else None
    return found or Unit.objects.filter(is_active=True).order_by("level", "path").first()


def _new_number() -> str:
    today = timezone.localdate()
    prefix = f"TS{today:%Y%m%d}"
    n = Complaint.objects.filter(number__startswith=prefix).count() + 1
    return f"{prefix}{n:04d}"


def _event(c: Complaint, kind: str, text: str, by: Any = None, *, public: bool = True) -> None:
    ComplaintEvent.objects.create(
        complaint=c,
        kind=kind,
        text=text[:500],
        public=public,
        by=by if getattr(by, "is_authenticated", False) else None,
    )


def _check_uploads(files: list[Upload]) -> list[tuple[Upload, uploads.Sniffed]]:
    if len(files) > uploads.MAX_FILES:
        raise ValidationError({"attachments": f"附件最多 {uploads.MAX_FILES} 个"})
    checked = []
    for f in files:
        found, reason = uploads.check(f.data[:16], len(f.data))
        if found is None:
            raise ValidationError({"attachments": f"“{f.name[:60]}”：{reason}"})
        checked.append((f, found))
    return checked


def _save_attachments(c: Complaint, checked: list[tuple[Upload, uploads.Sniffed]]) -> None:
    for f, found in checked:
        att = ComplaintAttachment(
            complaint=c,
            kind=found.kind,
            content_type=found.content_type,
            extension=found.extension,
            size=len(f.data),
            sha256=hashlib.sha256(f.data).hexdigest(),
        )
        att.file.save(f"upload.{found.extension}", ContentFile(f.data), save=False)
        att.save()


def complaint_submit(
    *,
    channel: str,
    category: str,
    description: str,
    address: str = "",
    division_code: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    identity: dict[str, str] | None = None,
    attachments: list[Upload] | None = None,
    external_ref: str = "",
    by: Any = None,
) -> tuple[Complaint, str]:
    """Register a complaint; returns it and its tracking code (shown once, only its hash is kept).

    The public submits on the portal (by=None, channel "portal"); phone, letter, visit and the
    12345/12369 transfers are entered by a handler (complaints.register). A transfer already
    received (same channel and transfer number) is not registered twice.
    """
    if channel != Channel.PORTAL or by is not None:
        authorize(by, "complaints.register", action="complaints.register")
    if external_ref and (
        existing := Complaint.objects.filter(channel=channel, external_ref=external_ref).first()
    ):
        raise ValidationError({"external_ref": f"该转办单已登记为{existing.number}，请勿重复提交"})
    if not (address or "").strip() and not division_code and latitude is None:
        raise ValidationError({"address": "请在地图上选点或填写地点"})
    if division_code:
        try:
            validate_division_code(division_code)
        except ValidationError as exc:
            raise ValidationError({"division_code": exc.messages}) from exc
    checked = _check_uploads(attachments or [])
    code = secrets.token_urlsafe(24)  # 192 bits: not guessable
    received = timezone.localdate()
    rule = deadlines.rule_for("handle", received)
    c = Complaint(
        channel=channel,
        category=category,
        description=(description or "").strip(),
        address=(address or "").strip(),
        division_code=division_code or "",
        latitude=latitude,
        longitude=longitude,
        external_ref=(external_ref or "").strip(),
        code_hash=code_hash(code),
        unit=unit_for_place(division_code),
        acknowledge_due=deadlines.due("acknowledge", received),
        handle_due=deadlines.due("handle", received),
        deadline_source=rule.source,
    )
    for _ in range(5):
        c.number = _new_number()
        seal_identity(c, identity or {})
        c.full_clean()
        try:
            with transaction.atomic():
                c.save()
                _save_attachments(c, checked)
                _event(c, "received", f"{c.get_channel_display()}收到，已登记，将转交{c.unit}办理。", by)
                audit_record(
                    action="complaints.submit", target=c, after=snapshot(c), actor=by, actor_name=PUBLIC_ACTOR
                )
            return c, code
        except IntegrityError:
            if external_ref and Complaint.objects.filter(channel=channel, external_ref=external_ref).exists():
                raise ValidationError({"external_ref": "该转办单已登记，请勿重复提交"}) from None
            continue  # another complaint took this number in the meantime
    raise ValidationError("系统繁忙，请稍后再试")


def _write(c: Complaint, action: str, before: dict[str, Any], by: Any, reason: str = "") -> None:
    c.full_clean()
    c.save()
    audit_record(action=action, target=c, before=before, after=snapshot(c), actor=by, reason=reason)


def _open_or_refuse(c: Complaint) -> None:
    if not c.is_open:
        raise ValidationError("该投诉举报已办结或已并案，不能再办理")


def complaint_dispatch(*, complaint: Complaint, unit: Unit, note: str = "", by: Any) -> Complaint:
    """交办: to the unit responsible by place (or another unit within the dispatcher's jurisdiction)."""
    authorize(by, "complaints.dispatch", complaint, action="complaints.dispatch")
    authorize(by, "complaints.dispatch", unit, action="complaints.dispatch")
    _open_or_refuse(complaint)
    with transaction.atomic():
        before = snapshot(complaint)
        complaint.unit, complaint.status = unit, Status.DISPATCHED
        ref = handoff.request_inspection(complaint, by=by)
        if ref:
            complaint.inspection_ref = ref
        _write(complaint, "complaints.dispatch", before, by, note)
        _event(complaint, "dispatched", f"已交由{unit}核查办理。", by)
    return complaint


def complaint_verify(
    *, complaint: Complaint, finding: str, verification: str, entity: Any = None, by: Any
) -> Complaint:
    """现场核查 recorded by an officer; a finding of violation opens a lead (through handoff)."""
    authorize(by, "complaints.verify", complaint, action="complaints.verify")
    _open_or_refuse(complaint)
    if finding not in Finding.values:
        raise ValidationError({"finding": "请选择核查结论"})
    if not (verification or "").strip():
        raise ValidationError({"verification": "请填写核查情况"})
    with transaction.atomic():
        before = snapshot(complaint)
        complaint.finding, complaint.verification = finding, verification.strip()
        complaint.entity = entity or complaint.entity
        complaint.verified_by, complaint.verified_at = by, timezone.now()
        complaint.status = Status.VERIFIED
        if finding in (Finding.VIOLATION, Finding.PARTLY) and not complaint.lead_ref:
            complaint.lead_ref = handoff.open_lead(complaint, by=by)
        _write(complaint, "complaints.verify", before, by)
        _event(complaint, "verified", "已完成现场核查。", by)
    return complaint


def complaint_reply(*, complaint: Complaint, reply: str, by: Any) -> Complaint:
    """答复 the reporter: the Code's art 146 (对实名举报的，应当反馈处理结果等情况); anonymous reporters
    read it with their tracking code."""
    authorize(by, "complaints.reply", complaint, action="complaints.reply")
    _open_or_refuse(complaint)
    if complaint.status != Status.VERIFIED:
        raise ValidationError("须先完成核查，才能答复举报人")
    if not (reply or "").strip():
        raise ValidationError({"reply": "请填写答复内容"})
    with transaction.atomic():
        before = snapshot(complaint)
        complaint.reply, complaint.replied_at, complaint.status = (
            reply.strip(),
            timezone.now(),
            Status.REPLIED,
        )
        _write(complaint, "complaints.reply", before, by)
        _event(complaint, "replied", "已答复举报人，请查看处理结果并评价。", by)
        for dup in complaint.duplicates.all():
            _event(dup, "replied", f"并案办理的{complaint.number}已答复：{complaint.reply}", by)
    return complaint


def complaint_rate(*, complaint: Complaint, satisfaction: str, note: str = "") -> Complaint:
    """The reporter's evaluation (with the tracking code). Unsatisfied reopens the complaint."""
    if complaint.status != Status.REPLIED:
        raise ValidationError("答复后才能评价，且每次答复只能评价一次")
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": "请选择满意度"})
    with transaction.atomic():
        before = snapshot(complaint)
        complaint.satisfaction, complaint.satisfaction_note = satisfaction, (note or "").strip()[:500]
        if satisfaction == Satisfaction.UNSATISFIED:
            complaint.status, complaint.reopen_count = Status.DISPATCHED, complaint.reopen_count + 1
            complaint.handle_due = deadlines.due("handle", timezone.localdate())
            text = "举报人不满意，已重新交办核查。"
        else:
            complaint.status, complaint.closed_at = Status.CLOSED, timezone.now()
            text = f"举报人评价：{complaint.get_satisfaction_display()}，已办结。"
        _write(complaint, "complaints.rate", before, None)
        _event(complaint, "rated", text)
    return complaint


def complaint_close(*, complaint: Complaint, reason: str, by: Any) -> Complaint:
    """Close a replied complaint the reporter did not evaluate."""
    authorize(by, "complaints.reply", complaint, action="complaints.close")
    if complaint.status != Status.REPLIED:
        raise ValidationError("只有已答复的投诉举报才能办结")
    with transaction.atomic():
        before = snapshot(complaint)
        complaint.status, complaint.closed_at = Status.CLOSED, timezone.now()
        _write(complaint, "complaints.close", before, by, reason)
        _event(complaint, "closed", "已办结。", by)
    return complaint


def complaint_merge(*, duplicate: Complaint, primary: Complaint, by: Any) -> Complaint:
    """并案: the duplicate keeps everything and links to the primary; its reporter follows the primary."""
    authorize(by, "complaints.dispatch", duplicate, action="complaints.merge")
    authorize(by, "complaints.dispatch", primary, action="complaints.merge")
    if duplicate.pk == primary.pk or primary.merged_into_id is not None:
        raise ValidationError("不能并入自身或已并案的投诉举报")
    _open_or_refuse(duplicate)
    with transaction.atomic():
        before = snapshot(duplicate)
        duplicate.merged_into, duplicate.status = primary, Status.MERGED
        _write(duplicate, "complaints.merge", before, by)
        _event(duplicate, "merged", f"与同一事项的{primary.number}合并办理，处理结果将在此同步告知。", by)
        _event(primary, "merged", f"并入同一事项的{duplicate.number}。", by, public=False)
    return duplicate


def complaint_extend(*, complaint: Complaint, days: int, reason: str, by: Any) -> Complaint:
    """Extend the handling deadline (at most 30 days, 信访工作条例 第三十四条), telling the reporter why."""
    authorize(by, "complaints.reply", complaint, action="complaints.extend")
    _open_or_refuse(complaint)
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写延期理由"})
    try:
        new_due = deadlines.extended(complaint.handle_due, days)
    except ValueError as exc:
        raise ValidationError({"days": "延长期限不得超过30日"}) from exc
    with transaction.atomic():
        before = snapshot(complaint)
        complaint.handle_due = new_due
        _write(complaint, "complaints.extend", before, by, reason)
        _event(complaint, "extended", f"办理期限延长至{new_due:%Y-%m-%d}，理由：{reason.strip()}", by)
    return complaint
