"""The positive list: criteria, nomination → review → approval → publication, removal on a trigger,
and the effect on the next draw (excluded or reduced weight, as the unit configures)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ecoenforce.audit.models import AuditEvent
from ecoenforce.entities.services import monitoring_point_add
from ecoenforce.inspections import positive, services
from ecoenforce.inspections.models import PositiveListEntry, PositiveStatus
from ecoenforce.inspections.pool import build_pool
from ecoenforce.org.permissions import Refused
from ecoenforce.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def eligible(make_entity: Any, leader: Any) -> Any:
    entity = make_entity(supervision_class="key")
    outlet = entity.outlets.get()
    monitoring_point_add(by=leader, outlet=outlet, mn="MN131022000000000000001")
    return entity


def listed(entity: Any, world: Any) -> Any:
    entry = positive.positive_list_nominate(entity=entity, by=world.user("county_a", Role.TEAM_LEADER))
    entry = positive.positive_list_review(
        entry=entry, approve=True, by=world.user("county_a", Role.LEGAL_REVIEWER)
    )
    entry = positive.positive_list_approve(
        entry=entry, approve=True, by=world.user("county_a", Role.BUREAU_HEAD)
    )
    return positive.positive_list_publish(entry=entry, by=world.user("county_a", Role.BUREAU_HEAD))


def test_criteria_come_from_the_data_file_with_sources(eligible: Any, make_entity: Any) -> None:
    results = {r["code"]: r for r in positive.evaluate(eligible)}
    assert set(results) == {"no_penalty", "permit_valid", "monitoring_connected", "no_open_problem"}
    assert all(r["met"] and r["source"] for r in results.values())
    unconnected = make_entity()
    assert not {r["code"]: r for r in positive.evaluate(unconnected)}["monitoring_connected"]["met"]


def test_workflow_and_roles(eligible: Any, world: Any, make_entity: Any) -> None:
    with pytest.raises(ValidationError, match="不符合纳入条件"):
        positive.positive_list_nominate(entity=make_entity(), by=world.user("county_a", Role.TEAM_LEADER))
    entry = positive.positive_list_nominate(entity=eligible, by=world.user("county_a", Role.OFFICER))
    with pytest.raises(ValidationError, match="不能重复提名"):
        positive.positive_list_nominate(entity=eligible, by=world.user("county_a", Role.TEAM_LEADER))
    with pytest.raises(Refused):  # the bureau head approves, he does not do the legal review
        positive.positive_list_review(entry=entry, approve=True, by=world.user("county_a", Role.BUREAU_HEAD))
    with pytest.raises(Refused):  # another county's reviewer
        positive.positive_list_review(
            entry=entry, approve=True, by=world.user("county_b", Role.LEGAL_REVIEWER)
        )
    entry = positive.positive_list_review(
        entry=entry, approve=True, by=world.user("county_a", Role.LEGAL_REVIEWER)
    )
    with pytest.raises(ValidationError, match="不能执行此操作"):
        positive.positive_list_publish(entry=entry, by=world.user("county_a", Role.BUREAU_HEAD))
    entry = positive.positive_list_approve(
        entry=entry, approve=True, by=world.user("county_a", Role.BUREAU_HEAD)
    )
    entry = positive.positive_list_publish(entry=entry, by=world.user("county_a", Role.BUREAU_HEAD))
    assert entry.status == PositiveStatus.PUBLISHED and entry.published_at
    actions = list(
        AuditEvent.objects.filter(target_type="inspections.positivelistentry", outcome="ok")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "positive_list.nominate",
        "positive_list.review",
        "positive_list.approve",
        "positive_list.publish",
    ]


def _file_case(entity: Any, world: Any, catalog: Any) -> Any:
    """Open a lead and a case against `entity` and approve the filing (批准立案), as cases does it."""
    from ecoenforce.cases.case_services import case_open
    from ecoenforce.cases.services import lead_open
    from ecoenforce.cases.transitions import case_transition
    from tests.cases.driver import ACT_DATE, BIG_ITEM
    from tests.factories import make_user

    unit, officer = world.units["county_a"], world.user("county_a", Role.OFFICER)
    lead = lead_open(
        unit=unit,
        entity=entity,
        source_kind="discovery",
        source_ref="T-positive-1",
        summary="检查发现超标排放",
        facts={},
        by=officer,
    )
    case = case_open(
        lead=lead,
        by=officer,
        title="超标排放大气污染物案",
        act_date=ACT_DATE,
        item_codes=[BIG_ITEM],
        officers=[officer, make_user("county_a_officer_pl2", unit, Role.OFFICER)],
    )
    return case, lambda: case_transition(
        case=case, action="approve_filing", by=world.user("county_a", Role.TEAM_LEADER)
    )


@pytest.fixture
def catalog(world: Any) -> Any:
    from datetime import date

    from ecoenforce.catalog.services import catalog_load_starter

    return catalog_load_starter(unit=world.units["city"], effective_from=date(2020, 1, 1))


def test_filing_a_case_removes_the_entity_and_the_next_draw_treats_it_accordingly(
    eligible: Any, world: Any, officers: Any, leader: Any, catalog: Any
) -> None:
    listed(eligible, world)
    unit = world.units["county_a"]
    row = next(e for e in build_pool(unit, timezone.localdate()).entities if e[0] == eligible.uscc)
    assert row[2] == "0.5"  # default: reduced weight (data/supervision_defaults.yaml)
    services.settings_update(unit=unit, by=leader, positive_effect="excluded", positive_weight=Decimal("0.5"))
    assert eligible.uscc not in {e[0] for e in build_pool(unit, timezone.localdate()).entities}
    case, approve = _file_case(eligible, world, catalog)
    # a case registered but not yet approved for filing leaves the entity listed
    assert positive.current_entry(eligible).status == PositiveStatus.PUBLISHED  # type: ignore[union-attr]
    case = approve()
    assert case.state == "investigating"
    entry = PositiveListEntry.objects.filter(entity=eligible).latest("id")
    assert entry.status == PositiveStatus.REMOVED and entry.removal_trigger == "case_filed"
    assert f"因被立案查处（{case.number or f'案件{case.pk}'}）" in entry.removal_notice
    event = AuditEvent.objects.get(action="positive_list.remove")
    assert event.actor_name == "system" and "case_filed" in event.after
    row = next(e for e in build_pool(unit, timezone.localdate()).entities if e[0] == eligible.uscc)
    assert row[2] == "1"  # back in routine draws with full weight
    assert positive.positive_list_remove(entity=eligible, trigger="case_filed") is None  # nothing to remove


def test_a_failing_removal_rolls_the_filing_back(
    eligible: Any, world: Any, officers: Any, catalog: Any, monkeypatch: Any
) -> None:
    """The hook runs inside the filing transaction: filing and removal happen together or not at all."""
    listed(eligible, world)
    case, approve = _file_case(eligible, world, catalog)

    def broken(**_kw: Any) -> None:
        raise RuntimeError("notice store down")

    monkeypatch.setattr(positive, "positive_list_remove", broken)
    with pytest.raises(RuntimeError):
        approve()
    case.refresh_from_db()
    assert case.state == "pending_filing"
    assert positive.current_entry(eligible).status == PositiveStatus.PUBLISHED  # type: ignore[union-attr]


def test_permit_lapse_sweep(eligible: Any, world: Any) -> None:
    listed(eligible, world)
    later = timezone.localdate() + timedelta(days=2000)
    removed = positive.positive_list_sweep(day=later)
    assert [e.entity_id for e in removed] == [eligible.pk]
    assert removed[0].removal_trigger == "permit_lapsed"


def test_unknown_trigger_is_refused(eligible: Any) -> None:
    with pytest.raises(ValidationError, match="未知的移出原因"):
        positive.positive_list_remove(entity=eligible, trigger="weather")
