"""entities_for / entity_get_for: scoping by jurisdiction (subtree and AccessGrant), filters, 404."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.http import Http404

from ecoenforce.audit.models import AuditEvent, Outcome
from ecoenforce.entities.selectors import EntityFilters, entities_for, entity_get_for
from ecoenforce.org.models import AccessGrant


@pytest.fixture
def four(make_entity: Any) -> dict[str, Any]:
    return {
        "county_a": make_entity("county_a", name="甲县化工", supervision_class="key"),
        "town_a": make_entity("town_a", name="甲镇纸业", industry_code="C2221", status="suspended"),
        "county_b": make_entity("county_b", name="乙县水泥", industry_code="C3011"),
        "town_b": make_entity("town_b", name="乙镇热电", industry_code="D4412", supervision_class="special"),
    }


def names(user: Any, **filters: Any) -> set[str]:
    return {e.name for e in entities_for(user, EntityFilters(**filters))}


def test_scoped_to_subtree(world: Any, four: dict[str, Any]) -> None:
    assert names(world.user("city", "supervisor")) == {"甲县化工", "甲镇纸业", "乙县水泥", "乙镇热电"}
    assert names(world.user("county_a", "officer")) == {"甲县化工", "甲镇纸业"}
    assert names(world.user("county_b", "complaint_handler")) == {"乙县水泥", "乙镇热电"}
    assert names(world.user("town_a", "officer")) == {"甲镇纸业"}


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditadmin"])
def test_admin_roles_see_nothing(world: Any, four: dict[str, Any], role: str) -> None:
    assert names(world.user("city", role)) == set()


def test_access_grant_to_unit_adds_its_subtree(world: Any, four: dict[str, Any]) -> None:
    AccessGrant.objects.create(
        unit=world.units["county_a"], target_unit=world.units["town_b"], reason="交叉检查"
    )
    assert names(world.user("county_a", "officer")) == {"甲县化工", "甲镇纸业", "乙镇热电"}
    entity_get_for(world.user("county_a", "officer"), four["town_b"].pk)


def test_expired_grant_gives_nothing(world: Any, four: dict[str, Any]) -> None:
    AccessGrant.objects.create(
        unit=world.units["county_a"],
        target_unit=world.units["county_b"],
        reason="过期",
        valid_from=date.today() - timedelta(days=30),
        valid_to=date.today() - timedelta(days=1),
    )
    assert names(world.user("county_a", "officer")) == {"甲县化工", "甲镇纸业"}


def test_object_grant(world: Any, four: dict[str, Any]) -> None:
    AccessGrant.objects.create(
        unit=world.units["county_a"],
        model_label="entities.entity",
        object_id=four["county_b"].pk,
        reason="上级指定",
    )
    assert names(world.user("county_a", "officer")) == {"甲县化工", "甲镇纸业", "乙县水泥"}


def test_filters(world: Any, four: dict[str, Any]) -> None:
    user = world.user("city", "team_leader")
    assert names(user, q="纸业") == {"甲镇纸业"}
    assert names(user, q=four["county_b"].uscc[:12].lower()) >= {"乙县水泥"}
    assert names(user, q=four["county_b"].uscc) == {"乙县水泥"}
    assert names(user, supervision_class="key") == {"甲县化工"}
    assert names(user, status="suspended") == {"甲镇纸业"}
    assert names(user, industry="C30") == {"乙县水泥"}
    assert names(user, unit=world.units["county_b"].pk) == {"乙县水泥", "乙镇热电"}
    assert names(world.user("county_a", "officer"), unit=world.units["county_b"].pk) == set()


def test_filters_from_params_ignore_junk() -> None:
    f = EntityFilters.from_params(
        {"q": " 纸\x00业 ", "class": "nonsense", "status": "closed", "unit": "12x", "industry": "c26"}
    )
    assert f == EntityFilters(q="纸业", supervision_class="", status="closed", unit=None, industry="C26")


def test_get_outside_jurisdiction_is_404_and_recorded(world: Any, four: dict[str, Any]) -> None:
    officer = world.user("county_a", "officer")
    assert entity_get_for(officer, four["town_a"].pk) == four["town_a"]
    with pytest.raises(Http404):
        entity_get_for(officer, four["county_b"].pk)
    event = AuditEvent.objects.filter(action="entity.view").order_by("-seq").first()
    assert event is not None
    assert event.outcome == Outcome.REFUSED
    assert "outside jurisdiction" in event.reason
    assert event.actor_id == officer.pk and event.target_id == str(four["county_b"].pk)


def test_get_missing_is_404_without_event(world: Any) -> None:
    with pytest.raises(Http404):
        entity_get_for(world.user("city", "officer"), 999999)
    with pytest.raises(Http404):
        entity_get_for(world.user("city", "officer"), "abc")
    assert not AuditEvent.objects.filter(action="entity.view").exists()


def test_name_search_count_is_capped(world: Any, make_entity: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecoenforce.entities import selectors

    for i in range(4):
        make_entity("county_a", name=f"固安化工{i}")
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 2)
    user = world.user("county_a", "officer")
    page = selectors.entities_page(user, EntityFilters(q="化工"), 1, per_page=2)
    assert page.paginator.count_display == "2+" and page.paginator.count_truncated
    assert [e.name for e in page.object_list] == ["固安化工0", "固安化工1"]
    exact = selectors.entities_page(user, EntityFilters(), 1, per_page=2)
    assert exact.paginator.count == 4 and exact.paginator.count_display == "4"


def test_large_lists_count_estimated_on_postgresql(
    world: Any, make_entity: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    from ecoenforce.entities import selectors

    for i in range(4):
        make_entity("county_a", name=f"企业{i}")
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 2)
    page = selectors.entities_page(world.user("county_a", "officer"), EntityFilters(), 1, per_page=2)
    if connection.vendor == "postgresql":
        assert page.paginator.count_estimated
        assert page.paginator.count_display.startswith("约 ")
        assert page.paginator.count >= 3
    else:
        assert not page.paginator.count_estimated
        assert page.paginator.count_display == "4"
    assert len(page.object_list) == 2
