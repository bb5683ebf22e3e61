"""Alerts: raised by the rules (deduplicated), then handled by officers: new → confirmed → lead, or dismissed.

Off-site review in practice first asks the enterprise to explain an anomaly (fault report, maintenance
record): new → explaining → (explanation recorded) → new again for the officer's decision.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import MonitoringPoint
from ecoenforce.monitoring import handoff
from ecoenforce.monitoring.models import Alert, AlertStatus
from ecoenforce.monitoring.rules import Finding
from ecoenforce.org.permissions import authorize

S = AlertStatus
BASIS_FILE = Path(__file__).parent / "data" / "rule_basis.yaml"


@cache
def rule_basis() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = yaml.safe_load(BASIS_FILE.read_text(encoding="utf-8"))
    return data


def rule_label(rule: str) -> str:
    return str(rule_basis().get(rule, {}).get("label", rule))


def _snapshot(a: Alert) -> dict[str, Any]:
    return {"status": a.status, "rule": a.rule, "point": a.point_id, "window_end": a.window_end.isoformat()}


def alert_raise(*, point_id: int, pollutant: str, finding: Finding, origin: dt.datetime) -> Alert:
    """Create the alert, or extend the one with the same (rule, point, pollutant, start). System action."""
    start = origin + dt.timedelta(hours=finding.start)
    end = origin + dt.timedelta(hours=finding.end + 1)
    point = MonitoringPoint.objects.select_related("outlet__entity__owner_unit").get(pk=point_id)
    entity = point.outlet.entity
    summary = f"{entity.name} {point.mn} {rule_label(finding.rule)}" + (
        f"（{pollutant}）" if pollutant else ""
    )
    facts = {**finding.facts, "basis": rule_basis().get(finding.rule, {}).get("basis", "")}
    with transaction.atomic():
        alert, created = Alert.objects.select_for_update().get_or_create(
            rule=finding.rule,
            point=point,
            pollutant=pollutant,
            window_start=start,
            defaults={
                "owner_unit": entity.owner_unit,
                "entity": entity,
                "severity": finding.severity,
                "window_end": end,
                "summary": summary[:300],
                "facts": facts,
            },
        )
        if created:
            audit_record(
                actor=None,
                actor_name="系统（在线监控规则）",
                action="alert.raise",
                target=alert,
                after=_snapshot(alert),
            )
        elif alert.window_end != end or alert.facts != facts:
            alert.window_end, alert.facts = max(alert.window_end, end), facts
            alert.severity = max(alert.severity, finding.severity)
            alert.occurrences += 1
            alert.save(update_fields=["window_end", "facts", "severity", "occurrences", "updated_at"])
    return alert


def _move(alert: Alert, *, by: Any, action: str, allowed: set[str], to: str, **changes: Any) -> Alert:
    authorize(by, "monitoring.handle_alert", alert, action=f"alert.{action}")
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status not in allowed:
            raise ValidationError(f"告警当前状态为“{locked.get_status_display()}”，不能执行此操作")
        before = _snapshot(locked)
        locked.status = to
        locked.handled_by = by
        for k, v in changes.items():
            setattr(locked, k, v)
        locked.full_clean()
        locked.save()
        audit_record(
            actor=by,
            action=f"alert.{action}",
            target=locked,
            before=before,
            after={**_snapshot(locked), **{k: str(v) for k, v in changes.items()}},
        )
    return locked


def alert_request_explanation(
    *, alert: Alert, by: Any, question: str = "", due_date: dt.date | None = None
) -> Alert:
    """Ask the entity to explain before a lead is opened: the alert waits for the explanation, and
    with the enterprise service installed the question reaches the entity's own pages, where it
    answers (with a fault report or maintenance record) — one transaction, audited in both apps."""
    text = (question or "").strip() or (
        f"贵单位{alert.point.mn}监测点于{alert.window_start:%Y-%m-%d %H:%M}"
        f"至{alert.window_end:%Y-%m-%d %H:%M}"
        f"出现“{rule_label(alert.rule)}”告警，请说明原因，并提供故障报告、维护记录等材料。"
    )
    with transaction.atomic():
        moved = _move(alert, by=by, action="request_explanation", allowed={S.NEW}, to=S.EXPLAINING)
        basis = str(rule_basis().get(alert.rule, {}).get("basis", ""))
        handoff.ask_enterprise(alert=moved, question=text[:4000], basis=basis, due_date=due_date, by=by)
    return moved


def alert_record_explanation(*, alert: Alert, explanation: str, by: Any) -> Alert:
    text = (explanation or "").strip()
    if not text:
        raise ValidationError({"explanation": "请填写企业的说明（如故障报告、维护记录）"})
    return _move(
        alert, by=by, action="record_explanation", allowed={S.EXPLAINING}, to=S.NEW, explanation=text
    )


def alert_confirm(*, alert: Alert, by: Any) -> Alert:
    return _move(alert, by=by, action="confirm", allowed={S.NEW, S.EXPLAINING}, to=S.CONFIRMED)


def alert_dismiss(*, alert: Alert, reason: str, by: Any) -> Alert:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": "排除告警须说明理由"})
    return _move(
        alert,
        by=by,
        action="dismiss",
        allowed={S.NEW, S.EXPLAINING, S.CONFIRMED},
        to=S.DISMISSED,
        reason=text[:500],
    )


def alert_open_lead(*, alert: Alert, by: Any) -> Alert:
    """A confirmed alert opens a lead in the cases app, citing the catalog item it points to."""
    authorize(by, "monitoring.handle_alert", alert, action="alert.open_lead")
    if alert.status != S.CONFIRMED:
        raise ValidationError("只有已确认的告警才能转为线索")
    if not handoff.cases_available():
        raise ValidationError("案件线索功能尚未启用，暂不能转为线索")
    basis = rule_basis().get(alert.rule, {})
    kind = alert.point.outlet.kind
    facts = {
        **alert.facts,
        "catalog_item": basis.get("catalog", {}).get(kind, ""),
        "rule": rule_label(alert.rule),
        "window": f"{alert.window_start:%Y-%m-%d %H:%M} 至 {alert.window_end:%Y-%m-%d %H:%M}",
    }
    with transaction.atomic():
        lead = handoff.open_lead(alert=alert, summary=alert.summary, facts=facts, by=by)
        ref = str(getattr(lead, "pk", ""))
        return _move(alert, by=by, action="open_lead", allowed={S.CONFIRMED}, to=S.LEAD, lead_ref=ref[:64])
