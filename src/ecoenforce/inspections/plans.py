"""Inspection plans (yearly/quarterly, checked against the officers available, the per-enterprise
visit cap) and campaigns (theme, period, targets, own checklist, partner agencies)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from chinese_calendar import get_workdays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import Entity
from ecoenforce.inspections.defaults import defaults
from ecoenforce.inspections.models_work import (
    Campaign,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
    PlanTask,
    TaskKind,
)
from ecoenforce.inspections.pool import officers_of, unit_settings
from ecoenforce.inspections.services import refuse
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import authorize


def period_bounds(year: int, quarter: int | None) -> tuple[date, date]:
    if quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def workdays(start: date, end: date) -> int:
    """Working days by chinese-calendar; for a year it has no holiday data yet, Monday to Friday."""
    try:
        return len(get_workdays(start, end))
    except NotImplementedError:
        return sum(
            1 for n in range(start.toordinal(), end.toordinal() + 1) if date.fromordinal(n).weekday() < 5
        )


@dataclass
class Capacity:
    officers: int
    workdays: int
    available: Decimal  # officer-days for on-site work
    required: Decimal  # Σ visits × officer-days per visit × team size

    @property
    def enough(self) -> bool:
        return self.required <= self.available


def capacity(plan: InspectionPlan) -> Capacity:
    start, end = period_bounds(plan.year, plan.quarter)
    officers = len(officers_of(plan.unit, start if start > date.today() else date.today()))
    days = workdays(start, end)
    share = Decimal(str(defaults()["capacity"]["on_site_share"]["value"]))
    team = int(defaults()["settings"]["team_size"]["value"])
    required = sum((t.planned_visits * t.officer_days * team for t in plan.tasks.all()), Decimal(0))
    return Capacity(officers, days, (officers * days * share).quantize(Decimal("0.1")), required)


def progress(plan: InspectionPlan) -> list[dict[str, Any]]:
    rows = plan.tasks.select_related("entity").annotate(
        done=Count(
            "inspections",
            filter=Q(inspections__status__in=[InspectionStatus.SUBMITTED, InspectionStatus.PUBLISHED]),
        )
    )
    return [
        {
            "task": t,
            "done": t.done,
            "planned": t.planned_visits,
            "percent": min(100, round(100 * t.done / t.planned_visits)) if t.planned_visits else 100,
        }
        for t in rows
    ]


def inspection_plan_create(
    *, unit: Unit, year: int, quarter: int | None, title: str, by: User
) -> InspectionPlan:
    authorize(by, "inspections.plan", unit, action="inspection_plan.create")
    plan = InspectionPlan(unit=unit, year=year, quarter=quarter, title=(title or "").strip(), created_by=by)
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        audit_record(
            actor=by,
            action="inspection_plan.create",
            target=plan,
            after={"year": year, "quarter": quarter, "title": plan.title},
        )
    return plan


def _planned_visits(entity: Entity, year: int) -> int:
    total = PlanTask.objects.filter(entity=entity, plan__year=year).aggregate(n=Sum("planned_visits"))["n"]
    return int(total or 0)


def plan_task_add(
    *,
    plan: InspectionPlan,
    kind: str,
    by: User,
    entity: Entity | None = None,
    planned_visits: int = 1,
    officer_days: Decimal = Decimal(1),
    note: str = "",
) -> PlanTask:
    """Add a task; the province's yearly cap of planned visits per enterprise is enforced (data)."""
    authorize(by, "inspections.plan", plan, action="plan_task.add")
    if entity is not None:
        authorize(by, "inspections.plan", entity, action="plan_task.add")
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError("计划已批准，不能再增加任务")
    task = PlanTask(
        plan=plan,
        kind=kind,
        entity=entity,
        planned_visits=planned_visits,
        officer_days=officer_days,
        note=(note or "").strip(),
    )
    task.full_clean()
    if kind == TaskKind.KEY and entity is None:
        raise ValidationError("重点监管任务须指明企业")
    cap = unit_settings(plan.unit).visit_cap_per_year
    if entity is not None and cap is not None and _planned_visits(entity, plan.year) + planned_visits > cap:
        refuse(
            by=by,
            action="plan_task.add",
            target=plan,
            code="visit_cap",
            message=f"{entity.name}{plan.year}年计划入企检查将超过本省年度上限{cap}次",
        )
    with transaction.atomic():
        task.save()
        audit_record(
            actor=by,
            action="plan_task.add",
            target=plan,
            after={"kind": kind, "entity": getattr(entity, "pk", None), "visits": planned_visits},
        )
    return task


def inspection_plan_approve(*, plan: InspectionPlan, by: User) -> InspectionPlan:
    authorize(by, "inspections.plan", plan, action="inspection_plan.approve")
    cap = capacity(plan)
    if plan.status != PlanStatus.DRAFT:
        refuse(by=by, action="inspection_plan.approve", target=plan, message="计划已批准")
    if not cap.enough:
        refuse(
            by=by,
            action="inspection_plan.approve",
            target=plan,
            code="capacity",
            message=f"计划所需 {cap.required} 人·日，超过可用执法力量 {cap.available} 人·日，请调整计划",
        )
    with transaction.atomic():
        plan.status = PlanStatus.APPROVED
        plan.save(update_fields=["status"])
        audit_record(
            actor=by,
            action="inspection_plan.approve",
            target=plan,
            after={"required": str(cap.required), "available": str(cap.available)},
        )
    return plan


def campaign_create(
    *,
    unit: Unit,
    theme: str,
    starts_on: date,
    ends_on: date,
    checklist: Sequence[str],
    by: User,
    partners: Sequence[str] = (),
    approval_ref: str = "",
    targets: Sequence[Entity] = (),
) -> Campaign:
    """A campaign; 专项 actions need approval or filing (环办执法〔2025〕4号), so the reference is kept."""
    authorize(by, "inspections.plan", unit, action="campaign.create")
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "结束日期不能早于开始日期"})
    items = [
        {"code": str(i), "text": t.strip()[:400], "basis": ""}
        for i, t in enumerate(checklist, 1)
        if t.strip()
    ]
    if not items:
        raise ValidationError({"checklist": "专项行动至少应有一项检查内容"})
    campaign = Campaign(
        unit=unit,
        theme=(theme or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        checklist=items,
        partners=[p.strip() for p in partners if p.strip()],
        approval_ref=(approval_ref or "").strip(),
        created_by=by,
    )
    campaign.full_clean()
    for entity in targets:
        authorize(by, "inspections.plan", entity, action="campaign.create")
    with transaction.atomic():
        campaign.save()
        campaign.targets.set(targets)
        audit_record(
            actor=by,
            action="campaign.create",
            target=campaign,
            after={
                "theme": campaign.theme,
                "items": len(items),
                "partners": campaign.partners,
                "targets": [e.pk for e in targets],
            },
        )
    return campaign
