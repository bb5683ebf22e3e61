"""A unit's own minimum inspection frequency: stricter only, audited, and used by the draw's due list."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from ecoenforce.audit.models import AuditEvent
from ecoenforce.entities.models import Entity
from ecoenforce.inspections import draw, frequency, services
from ecoenforce.inspections.models import FrequencyRule
from ecoenforce.inspections.models_work import Inspection, InspectionStatus
from ecoenforce.inspections.pool import build_pool
from ecoenforce.org.permissions import Refused
from ecoenforce.org.roles import Role

pytestmark = pytest.mark.django_db


def _inspected(world: Any, entity: Any, days_ago: int) -> None:
    Inspection.objects.create(
        unit=world.units["county_a"],
        entity=entity,
        kind="random",
        status=InspectionStatus.SUBMITTED,
        inspected_at=timezone.now() - timedelta(days=days_ago),
    )


def test_unit_shorter_period_makes_entity_due_and_drawn(
    world: Any, officers: Any, make_entity: Any, leader: Any
) -> None:
    unit = world.units["county_a"]
    keys = [make_entity(supervision_class="key") for _ in range(8)]
    for _ in range(4):
        make_entity(supervision_class="general")
    Entity.objects.filter(pk__in=[k.pk for k in keys]).update(created_at=timezone.now() - timedelta(days=400))
    for k in keys[1:]:
        _inspected(world, k, 30)
    _inspected(world, keys[0], 200)  # within the default year, outside six months
    today = timezone.localdate()
    assert build_pool(unit, today).due == []  # the defaults file: key entities once every 12 months

    frequency.frequency_rule_set(
        unit=unit, stratum="key", months="6", source="本局2026年监管计划", by=leader, day=today
    )
    rule = frequency.effective(unit, today)["key"]
    assert (rule.months, rule.source, rule.own) == (6, "本局2026年监管计划", True)
    event = AuditEvent.objects.get(action="frequency_rule.set")
    assert json.loads(event.after) == {"stratum": "key", "months": 6, "source": "本局2026年监管计划"}
    assert build_pool(unit, today).due == [keys[0].uscc]

    for seed in range(3):  # whatever the seed, the due entity is drawn
        plan = services.draw_plan_create(
            unit=unit,
            title=f"本单位频次{seed}",
            period="2026Q4",
            draw_time=timezone.now() + timedelta(hours=1),
            seed_kind="public",
            seed_description="2026年12月1日上证综合指数收盘点位",
            by=leader,
        )
        plan = services.draw_plan_publish(plan=services.draw_plan_commit(plan=plan, by=leader), by=leader)
        assert plan.pool["due"] == [keys[0].uscc]
        with time_machine.travel(plan.draw_time + timedelta(minutes=1), tick=False):
            plan = services.draw_run(plan=plan, seed_values=[str(seed)], by=leader)
        assert keys[0].uscc in {row[0] for row in plan.document["result"]["selected"]}
        assert draw.verify(plan.document) == []
        Inspection.objects.filter(draw_plan=plan).delete()


def test_unit_may_only_be_stricter_than_superior(world: Any, leader: Any) -> None:
    today = timezone.localdate()
    city_leader = world.user("city", Role.TEAM_LEADER)
    frequency.frequency_rule_set(
        unit=world.units["city"], stratum="general", months=24, source="市局规定", by=city_leader, day=today
    )
    county = world.units["county_a"]
    with pytest.raises(ValidationError, match="只能规定更严格"):
        frequency.frequency_rule_set(
            unit=county, stratum="general", months=36, source="x", by=leader, day=today
        )
    with pytest.raises(ValidationError, match="只能规定更严格"):  # the defaults file's 12 months for key
        frequency.frequency_rule_set(unit=county, stratum="key", months=13, source="x", by=leader, day=today)
    inherited = frequency.effective(county, today)["general"]
    assert (inherited.months, inherited.own) == (24, False)
    frequency.frequency_rule_set(
        unit=county, stratum="general", months=18, source="县局", by=leader, day=today
    )
    assert frequency.effective(county, today)["general"].months == 18
    # the superior tightens later: the shortest applies, the county's older 18 months does not undercut it
    frequency.frequency_rule_set(
        unit=world.units["city"], stratum="general", months=9, source="市局规定", by=city_leader, day=today
    )
    assert frequency.effective(county, today)["general"].months == 9
    assert AuditEvent.objects.filter(action="frequency_rule.set").count() == 3


def test_settings_page_sets_frequency(world: Any, leader: Any, client_for: Any) -> None:
    client = client_for(leader)
    page = client.get("/inspections/settings/").content.decode()
    assert "最低检查频次" in page and "闽清县实施方案" in page  # the default with its source
    client.post(
        "/inspections/settings/",
        {"action": "frequency", "stratum": "special", "months": "1", "source": "本局专项规定"},
    )
    page = client.get("/inspections/settings/").content.decode()
    assert "1个月检查一次" in page and "本局专项规定" in page
    response = client.post(
        "/inspections/settings/",
        {"action": "frequency", "stratum": "special", "months": "6", "source": "y"},
        follow=True,
    )
    assert "只能规定更严格" in response.content.decode()


def test_unit_deletes_its_own_rule_audited_and_an_outsider_cannot(
    world: Any, leader: Any, client_for: Any
) -> None:
    """Deleting the unit's own rule restores what it inherits; a leader of another unit is refused
    (service and page), an officer without the configure role too — each refusal audited, nothing lost."""
    county, today = world.units["county_a"], timezone.localdate()
    frequency.frequency_rule_set(
        unit=county, stratum="key", months=6, source="本局规定", by=leader, day=today
    )
    assert frequency.effective(county, today)["key"].months == 6

    outsider = world.user("county_b", Role.TEAM_LEADER)
    with pytest.raises(Refused):
        frequency.frequency_rule_delete(unit=county, stratum="key", by=outsider)
    # through the page the outsider can only name a stratum: it acts on the outsider's own unit
    client_for(outsider).post("/inspections/settings/", {"action": "frequency_delete", "stratum": "key"})
    officer = client_for(world.user("county_a", Role.OFFICER))
    response = officer.post("/inspections/settings/", {"action": "frequency_delete", "stratum": "key"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="frequency_rule.delete", outcome="refused").exists()
    assert FrequencyRule.objects.filter(unit=county, stratum="key").exists()
    assert not AuditEvent.objects.filter(action="frequency_rule.delete", outcome="ok").exists()

    page = client_for(leader).get("/inspections/settings/").content.decode()
    assert 'value="frequency_delete"' in page
    response = client_for(leader).post(
        "/inspections/settings/", {"action": "frequency_delete", "stratum": "key"}, follow=True
    )
    assert response.status_code == 200
    assert not FrequencyRule.objects.filter(unit=county, stratum="key").exists()
    rule = frequency.effective(county, today)["key"]
    assert (rule.months, rule.own) == (12, False)  # the defaults file again
    event = AuditEvent.objects.get(action="frequency_rule.delete", outcome="ok")
    assert json.loads(event.before) == {"stratum": "key", "months": 6, "source": "本局规定"}
    assert event.actor_id == leader.pk

    with pytest.raises(ValidationError, match="未规定"):  # nothing left to delete: refused, nothing audited
        frequency.frequency_rule_delete(unit=county, stratum="key", by=leader)
    assert AuditEvent.objects.filter(action="frequency_rule.delete", outcome="ok").count() == 1
