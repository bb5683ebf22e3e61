"""Inspection plans (capacity, visit cap, progress) and campaigns (own checklist, partners)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ecoenforce.inspections import onsite, plans, services
from ecoenforce.inspections.models_work import PlanStatus
from tests.inspections.helpers import full_submission

pytestmark = pytest.mark.django_db


def test_visit_cap_is_enforced(world: Any, leader: Any, make_entity: Any) -> None:
    unit = world.units["county_a"]
    services.settings_update(
        unit=unit, by=leader, visit_cap_per_year=2, visit_cap_source="某省2025年公布的上限"
    )
    entity = make_entity()
    plan = plans.inspection_plan_create(
        unit=unit, year=2027, quarter=None, title="2027年度现场检查计划", by=leader
    )
    plans.plan_task_add(plan=plan, kind="key", entity=entity, planned_visits=2, by=leader)
    with pytest.raises(ValidationError, match="超过本省年度上限2次"):
        plans.plan_task_add(plan=plan, kind="follow_up", entity=entity, planned_visits=1, by=leader)


def test_capacity_check_and_progress(world: Any, leader: Any, make_entity: Any, officers: list[Any]) -> None:
    unit = world.units["county_a"]
    plan = plans.inspection_plan_create(
        unit=unit, year=2027, quarter=1, title="2027年第一季度计划", by=leader
    )
    entity = make_entity()
    task = plans.plan_task_add(plan=plan, kind="key", entity=entity, planned_visits=2, by=leader)
    cap = plans.capacity(plan)
    assert cap.officers == 5 and cap.workdays > 50 and cap.enough
    plans.plan_task_add(plan=plan, kind="draw", planned_visits=10000, by=leader)
    with pytest.raises(ValidationError, match="超过可用执法力量"):
        plans.inspection_plan_approve(plan=plan, by=leader)
    plan.tasks.filter(kind="draw").delete()
    assert plans.inspection_plan_approve(plan=plan, by=leader).status == PlanStatus.APPROVED
    visit = onsite.inspection_create(
        unit=unit, entity=entity, kind="planned", officers=officers[:2], by=leader, plan_task=task
    )
    onsite.inspection_submit(inspection=visit, submission=full_submission(visit), by=officers[0])
    row = plans.progress(plan)[0]
    assert (row["done"], row["planned"], row["percent"]) == (1, 2, 50)


def test_campaign_checklist_reaches_the_inspection(
    world: Any, leader: Any, make_entity: Any, officers: list[Any]
) -> None:
    entity = make_entity()
    campaign = plans.campaign_create(
        unit=world.units["county_a"],
        theme="2026年冬季大气污染防治专项行动",
        starts_on=date(2026, 11, 1),
        ends_on=date(2027, 2, 28),
        checklist=["重污染天气应急减排措施落实到位", ""],
        partners=["县公安局"],
        approval_ref="固环执〔2026〕8号",
        targets=[entity],
        by=leader,
    )
    visit = onsite.inspection_create(
        unit=world.units["county_a"],
        entity=entity,
        kind="campaign",
        officers=officers[:2],
        campaign=campaign,
        by=leader,
    )
    assert visit.items.filter(category="专项检查", text="重污染天气应急减排措施落实到位").exists()
    with pytest.raises(ValidationError):
        plans.campaign_create(
            unit=world.units["county_a"],
            theme="空",
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 10, 1),
            checklist=["x"],
            by=leader,
        )
