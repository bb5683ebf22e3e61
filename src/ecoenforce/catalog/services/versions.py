"""The lifecycle of a unit's catalog version (see the package docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.catalog import selectors
from ecoenforce.catalog.models import CatalogEntry, CatalogVersion, VersionStatus, today
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import Refused, authorize

ENTRY_FIELDS = (
    "name",
    "power_type",
    "category",
    "legal_basis",
    "sanction",
    "implementing_subject",
    "first_level",
    "township_delegable",
    "notes",
    "predecessors",
)


def version_snapshot(version: CatalogVersion) -> dict[str, Any]:
    return {
        "unit": version.unit_id,
        "number": version.number,
        "label": version.label,
        "status": version.status,
        "based_on": version.based_on_id,
        "effective_from": version.effective_from,
        "change_reason": version.change_reason,
        "entries": version.entries.count() if version.pk else 0,
        "filing_authority": version.filing_authority,
        "filing_number": version.filing_number,
        "filing_date": version.filing_date,
    }


def _lock(version: CatalogVersion) -> CatalogVersion:
    return (
        CatalogVersion.objects.select_for_update(of=("self",))
        .select_related("unit", "based_on")
        .get(pk=version.pk)
    )


def _require(version: CatalogVersion, *statuses: str, doing: str) -> None:
    if version.status not in statuses:
        raise ValidationError(f"{version.title}当前状态为「{version.get_status_display()}」，不能{doing}")


def _touch(version: CatalogVersion) -> None:
    _require(version, VersionStatus.DRAFT, doing="修改（只有草稿可以修改）")


def version_create_draft(*, unit: Unit, by: User, label: str = "", change_reason: str = "") -> CatalogVersion:
    """Open a new draft for `unit`, copying its latest published version (or empty)."""
    authorize(by, "catalog.draft", unit, action="catalog.draft_create")
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        if existing := selectors.open_version(unit):
            raise ValidationError(
                f"本单位已有未发布的清单版本（{existing.title}，{existing.get_status_display()}），请在该版本上继续"
            )
        based_on = selectors.latest_published(unit)
        number = (CatalogVersion.objects.filter(unit=unit).aggregate(n=Max("number"))["n"] or 0) + 1
        version = CatalogVersion(
            unit=unit,
            number=number,
            label=label.strip(),
            based_on=based_on,
            change_reason=change_reason.strip(),
            created_by=by,
        )
        version.full_clean()
        version.save()
        if based_on is not None:
            CatalogEntry.objects.bulk_create(
                [
                    CatalogEntry(
                        version=version,
                        position=e.position,
                        code=e.code,
                        action=e.action,
                        local=e.local,
                        updated_by=by,
                        **{f: getattr(e, f) for f in ENTRY_FIELDS},
                    )
                    for e in based_on.entries.all()
                ]
            )
        audit_record(actor=by, action="catalog.draft_create", target=version, after=version_snapshot(version))
    return version


def version_update_meta(
    *, version: CatalogVersion, by: User, label: str, change_reason: str
) -> CatalogVersion:
    authorize(by, "catalog.draft", version, action="catalog.draft_edit")
    with transaction.atomic():
        version = _lock(version)
        _touch(version)
        before = version_snapshot(version)
        version.label, version.change_reason = label.strip(), change_reason.strip()
        version.full_clean()
        version.save(update_fields=["label", "change_reason"])
        audit_record(
            actor=by,
            action="catalog.draft_edit",
            target=version,
            before=before,
            after=version_snapshot(version),
        )
    return version


def _has_changes(version: CatalogVersion) -> bool:
    if version.based_on is None:
        return version.entries.exists()
    return not selectors.diff(version.based_on, version).is_empty


def version_submit(*, version: CatalogVersion, by: User) -> CatalogVersion:
    """Send a draft to legal review."""
    authorize(by, "catalog.draft", version, action="catalog.submit")
    with transaction.atomic():
        version = _lock(version)
        _require(version, VersionStatus.DRAFT, doing="提交法制审核")
        if version.based_on is not None and not version.change_reason:
            raise ValidationError({"change_reason": "请填写动态调整说明（本版本相对上一版本调整的原因）"})
        if not _has_changes(version):
            raise ValidationError("清单没有任何事项或与上一版本相比没有任何调整，无需提交")
        before = version_snapshot(version)
        version.status, version.submitted_by, version.submitted_at = (
            VersionStatus.LEGAL_REVIEW,
            by,
            timezone.now(),
        )
        version.save(update_fields=["status", "submitted_by", "submitted_at"])
        audit_record(
            actor=by, action="catalog.submit", target=version, before=before, after=version_snapshot(version)
        )
    return version


MAX_OPINION_CHARS = 2000  # an opinion is read by people and copied into the audit event (issue 10 §4)


def _check_opinion(opinion: str) -> None:
    if "\x00" in opinion:
        raise ValidationError({"opinion": "意见中含有不允许的空字符，请删除后再提交"})
    if len(opinion.strip()) > MAX_OPINION_CHARS:
        raise ValidationError({"opinion": f"意见不能超过{MAX_OPINION_CHARS}字"})


def version_legal_review(*, version: CatalogVersion, by: User, approve: bool, opinion: str) -> CatalogVersion:
    """法制审核: pass to the bureau head, or send back to the drafter, with a written opinion."""
    authorize(by, "catalog.legal_review", version, action="catalog.legal_review")
    if by.pk in (version.created_by_id, version.submitted_by_id):
        raise Refused(
            "法制审核人员不得审核本人起草或提交的清单（起草与审核分离）",
            action="catalog.legal_review",
            target=version,
        )
    if not opinion.strip():
        raise ValidationError({"opinion": "请填写法制审核意见"})
    _check_opinion(opinion)
    with transaction.atomic():
        version = _lock(version)
        _require(version, VersionStatus.LEGAL_REVIEW, doing="进行法制审核")
        before = version_snapshot(version)
        version.status = VersionStatus.REVIEWED if approve else VersionStatus.REJECTED
        version.reviewed_by, version.reviewed_at, version.review_opinion = by, timezone.now(), opinion.strip()
        version.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_opinion"])
        audit_record(
            actor=by,
            action="catalog.legal_review",
            target=version,
            before=before,
            after=version_snapshot(version),
            reason=("审核通过：" if approve else "退回修改：") + opinion.strip(),
        )
    return version


def version_approve(
    *, version: CatalogVersion, by: User, approve: bool = True, opinion: str = ""
) -> CatalogVersion:
    """The bureau head approves a reviewed version, or returns it with an opinion."""
    authorize(by, "catalog.approve", version, action="catalog.approve")
    if not approve and not opinion.strip():
        raise ValidationError({"opinion": "退回时请填写意见"})
    _check_opinion(opinion)
    with transaction.atomic():
        version = _lock(version)
        _require(version, VersionStatus.REVIEWED, doing="批准（须先通过法制审核）")
        before = version_snapshot(version)
        version.status = VersionStatus.APPROVED if approve else VersionStatus.REJECTED
        version.approved_by, version.approved_at, version.approval_opinion = (
            by,
            timezone.now(),
            opinion.strip(),
        )
        version.save(update_fields=["status", "approved_by", "approved_at", "approval_opinion"])
        audit_record(
            actor=by,
            action="catalog.approve",
            target=version,
            before=before,
            after=version_snapshot(version),
            reason=("批准" if approve else "退回修改") + (f"：{opinion.strip()}" if opinion.strip() else ""),
        )
    return version


def version_reopen(*, version: CatalogVersion, by: User) -> CatalogVersion:
    """A version sent back becomes a draft again (its opinions stay on record)."""
    authorize(by, "catalog.draft", version, action="catalog.reopen")
    with transaction.atomic():
        version = _lock(version)
        _require(version, VersionStatus.REJECTED, doing="重新修改")
        before = version_snapshot(version)
        version.status = VersionStatus.DRAFT
        version.save(update_fields=["status"])
        audit_record(
            actor=by, action="catalog.reopen", target=version, before=before, after=version_snapshot(version)
        )
    return version


def _check_publication(
    version: CatalogVersion, effective_from: date | None, filing: Mapping[str, Any], allow_past: bool = False
) -> None:
    errors: dict[str, str] = {}
    latest = selectors.latest_published(version.unit)
    if effective_from is None:
        errors["effective_from"] = "请填写生效日期"
    elif effective_from < today() and not allow_past:
        errors["effective_from"] = "生效日期不能早于今天（已生效的清单不得追溯变更）"
    elif latest is not None and latest.effective_from and effective_from <= latest.effective_from:
        errors["effective_from"] = (
            f"生效日期必须晚于上一版本（{latest.title}）的生效日期 {latest.effective_from:%Y-%m-%d}"
        )
    for key, label in (
        ("filing_authority", "备案机关"),
        ("filing_number", "备案号"),
        ("filing_date", "备案日期"),
    ):
        if not filing.get(key):
            errors[key] = f"请填写{label}（向司法行政部门备案的记录）"
    if filing.get("filing_date") and filing["filing_date"] > today():
        errors["filing_date"] = "备案日期不能晚于今天"
    if errors:
        raise ValidationError(errors)


def version_publish(
    *,
    version: CatalogVersion,
    by: User,
    effective_from: date | None,
    filing_authority: str,
    filing_number: str,
    filing_date: date | None,
    in_force_by_law: str = "",
) -> CatalogVersion:
    """Publish an approved version from `effective_from`, with its filing record (备案).

    `in_force_by_law` (the statute's own words) allows a past effective date: a catalog that records
    a law already in force by its own terms (the 生态环境法典 from 2026-08-15); it is audited.
    """
    authorize(by, "catalog.publish", version, action="catalog.publish")
    filing: dict[str, Any] = {
        "filing_authority": filing_authority.strip(),
        "filing_number": filing_number.strip(),
        "filing_date": filing_date,
    }
    with transaction.atomic():
        version = _lock(version)
        _require(version, VersionStatus.APPROVED, doing="发布（须先经局领导批准）")
        _check_publication(version, effective_from, filing, allow_past=bool(in_force_by_law.strip()))
        before = version_snapshot(version)
        previous = selectors.latest_published(version.unit)
        version.status, version.effective_from = VersionStatus.PUBLISHED, effective_from
        version.published_by, version.published_at = by, timezone.now()
        version.filing_authority = filing_authority.strip()
        version.filing_number = filing_number.strip()
        version.filing_date = filing_date
        version.full_clean()
        version.save()
        after = version_snapshot(version) | {"supersedes": previous.pk if previous else None}
        audit_record(
            actor=by, action="catalog.publish", target=version, before=before, after=after,
            reason=f"依法生效日期：{in_force_by_law.strip()}" if in_force_by_law.strip() else "",
        )
    return version
