"""Draw plans through the services: commit → publish → run once → publish result, refusals audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from ecoenforce.audit.models import AuditEvent
from ecoenforce.inspections import draw, services
from ecoenforce.inspections.models import DrawStatus
from ecoenforce.inspections.models_work import Inspection
from ecoenforce.org.permissions import Refused
from ecoenforce.org.roles import Role

pytestmark = pytest.mark.django_db


def after_draw_time(plan: Any) -> Any:
    return time_machine.travel(plan.draw_time + timedelta(minutes=1), tick=False)


def test_full_lifecycle_creates_tasks_and_verifies(published_plan: Any, leader: Any) -> None:
    plan = published_plan
    assert plan.plan["pool_counts"] == {"general": 4, "key": 2}
    assert plan.plan["rules"]["key"] == {"mode": "ratio", "value": "0.25"}  # defaults file
    with after_draw_time(plan):
        plan = services.draw_run(plan=plan, seed_values=["3391.27"], by=leader)
    assert plan.status == DrawStatus.DRAWN
    assert draw.verify(plan.document) == []
    tasks = list(Inspection.objects.filter(draw_plan=plan))
    assert len(tasks) == len(plan.document["result"]["selected"]) == 2  # ⌈2×25%⌉ + ⌈4×5%⌉
    for task in tasks:
        assert task.officers.count() == 2
    plan = services.draw_result_publish(plan=plan, by=leader)
    assert plan.status == DrawStatus.RESULT_PUBLISHED
    actions = set(
        AuditEvent.objects.filter(target_type="inspections.drawplan").values_list("action", flat=True)
    )
    assert {
        "draw_plan.create",
        "draw_plan.commit",
        "draw_plan.publish",
        "draw.run",
        "draw.publish_result",
    } <= actions


def test_second_run_is_refused_and_audited(published_plan: Any, leader: Any) -> None:
    with after_draw_time(published_plan):
        services.draw_run(plan=published_plan, seed_values=["1"], by=leader)
        with pytest.raises(ValidationError, match="只能抽取一次"):
            services.draw_run(plan=published_plan, seed_values=["2"], by=leader)
    assert Inspection.objects.filter(draw_plan=published_plan).count() == 2  # nothing duplicated
    assert AuditEvent.objects.filter(action="draw.run", outcome="refused").count() == 1


def test_public_seed_before_draw_time_is_refused(published_plan: Any, leader: Any) -> None:
    with pytest.raises(ValidationError, match="未到计划公示的抽取时间"):
        services.draw_run(plan=published_plan, seed_values=["1"], by=leader)


def test_stale_pool_is_refused(published_plan: Any, leader: Any, make_entity: Any) -> None:
    make_entity()  # the directory changed after the commitment
    with after_draw_time(published_plan), pytest.raises(ValidationError, match="发生了变化"):
        services.draw_run(plan=published_plan, seed_values=["1"], by=leader)
    published_plan.refresh_from_db()
    assert published_plan.status == DrawStatus.PUBLISHED and not Inspection.objects.exists()
    assert AuditEvent.objects.filter(
        action="draw.run", outcome="refused", reason__contains="stale_pool"
    ).exists()


def test_empty_pool_is_refused(world: Any, leader: Any, officers: Any) -> None:
    plan = services.draw_plan_create(
        unit=world.units["county_a"],
        title="空",
        period="2026Q4",
        draw_time=timezone.now() + timedelta(hours=1),
        seed_kind="public",
        seed_description="某指数",
        by=leader,
    )
    with pytest.raises(ValidationError, match="抽查对象库为空"):
        services.draw_plan_commit(plan=plan, by=leader)


def test_witness_seed_must_match_commitments(
    world: Any, leader: Any, officers: Any, make_entity: Any
) -> None:
    make_entity()
    values = ["7391", "1024"]
    plan = services.draw_plan_create(
        unit=world.units["county_a"],
        title="见证",
        period="2026Q4",
        draw_time=timezone.now() + timedelta(hours=1),
        seed_kind="witness",
        seed_description="两名见证人",
        by=leader,
        witness_commitments=[draw.witness_commitment(v) for v in values],
    )
    plan = services.draw_plan_publish(plan=services.draw_plan_commit(plan=plan, by=leader), by=leader)
    with pytest.raises(ValidationError, match="第2名见证人"):
        services.draw_run(plan=plan, seed_values=["7391", "9999"], by=leader)
    plan = services.draw_run(plan=plan, seed_values=values, by=leader)  # witnesses need no waiting
    assert plan.status == DrawStatus.DRAWN


def test_too_few_officers_after_recusal(world: Any, leader: Any, make_entity: Any) -> None:
    entity = make_entity(supervision_class="special")
    # two officers in county_a's subtree (county_a_officer, town_a_officer); one declares a conflict
    services.recusal_declare(
        officer=world.user("town_a", Role.OFFICER), entity=entity, reason="亲属任职", by=leader
    )
    plan = services.draw_plan_create(
        unit=world.units["county_a"],
        title="人员不足",
        period="2026Q4",
        draw_time=timezone.now() + timedelta(hours=1),
        seed_kind="public",
        seed_description="某指数",
        by=leader,
    )
    plan = services.draw_plan_publish(plan=services.draw_plan_commit(plan=plan, by=leader), by=leader)
    with after_draw_time(plan), pytest.raises(ValidationError, match="不足2名"):
        services.draw_run(plan=plan, seed_values=["1"], by=leader)


def test_roles_and_jurisdiction(published_plan: Any, world: Any) -> None:
    with pytest.raises(Refused):
        services.draw_plan_publish(plan=published_plan, by=world.user("county_a", Role.OFFICER))
    with pytest.raises(Refused), after_draw_time(published_plan):
        services.draw_run(plan=published_plan, seed_values=["1"], by=world.user("county_b", Role.TEAM_LEADER))


def test_same_result_in_any_database_order(published_plan: Any, leader: Any) -> None:
    """The committed pool is what the platform read; the published pool rows are sorted, and a
    recomputation from the rows in reverse order gives the same result."""
    with after_draw_time(published_plan):
        plan = services.draw_run(plan=published_plan, seed_values=["42"], by=leader)
    doc = plan.document
    pool = doc["pool"]
    again = draw.run(
        doc["plan"], pool["entities"][::-1], pool["officers"][::-1], pool["recusals"][::-1], ["42"]
    )
    assert again["result_digest"] == doc["result_digest"]


def test_result_publication_deadline_in_working_days(published_plan: Any, leader: Any) -> None:
    with time_machine.travel(datetime(2026, 9, 30, 10, 0, tzinfo=UTC), tick=False):
        services.DrawPlan.objects.filter(pk=published_plan.pk).update(draw_time=timezone.now())
        published_plan.refresh_from_db()
        plan = services.draw_run(plan=published_plan, seed_values=["5"], by=leader)
    # drawn 2026-09-30; 10-01..10-07 National Day holiday; working days 10-08, 10-09, 10-10 (a Saturday
    # made a working day), 10-12..16, 10-19..23, 10-26..30, 11-02, 11-03: the 20th is 2026-11-03
    assert services.result_publish_due(plan) == date(2026, 11, 3)


def test_minimum_frequency_entities_are_always_drawn(
    world: Any, officers: Any, make_entity: Any, leader: Any
) -> None:
    """Key entities not inspected for a year (data/supervision_defaults.yaml minimum_frequency) are due:
    always in the draw, whatever the seed; an entity inspected within the year is not."""
    from ecoenforce.entities.models import Entity
    from ecoenforce.inspections.models_work import InspectionStatus
    from ecoenforce.inspections.pool import build_pool

    keys = [make_entity(supervision_class="key") for _ in range(8)]
    for _ in range(4):
        make_entity(supervision_class="general")
    long_ago = timezone.now() - timedelta(days=400)
    stale, fresh = keys[0], keys[1]
    Entity.objects.filter(pk__in=[stale.pk, fresh.pk]).update(created_at=long_ago)
    Inspection.objects.create(
        unit=world.units["county_a"],
        entity=fresh,
        kind="random",
        status=InspectionStatus.SUBMITTED,
        inspected_at=timezone.now() - timedelta(days=100),
    )
    pool = build_pool(world.units["county_a"], timezone.localdate())
    assert pool.due == [stale.uscc]  # new entities: their year runs from their entry in the directory
    drawn_stale = 0
    for seed in range(3):
        plan = services.draw_plan_create(
            unit=world.units["county_a"],
            title=f"最低频次{seed}",
            period="2026Q4",
            draw_time=timezone.now() + timedelta(hours=1),
            seed_kind="public",
            seed_description="2026年12月1日上证综合指数收盘点位",
            by=leader,
        )
        plan = services.draw_plan_publish(plan=services.draw_plan_commit(plan=plan, by=leader), by=leader)
        assert plan.plan["due_count"] == 1 and plan.pool["due"] == [stale.uscc]
        with after_draw_time(plan):
            plan = services.draw_run(plan=plan, seed_values=[f"{seed}"], by=leader)
        selected = [row for row in plan.document["result"]["selected"] if row[1] == "key"]
        assert len(selected) == 2  # ⌈8 × 25%⌉: the due one counts against the ratio
        drawn_stale += stale.uscc in {row[0] for row in selected}
        assert draw.verify(plan.document) == []
        Inspection.objects.filter(draw_plan=plan).delete()  # keep the recusal pool unchanged
    assert drawn_stale == 3
