"""Inheritance: a lower unit's effective catalog = its superiors' published catalogs + its own additions and
refinements, on any date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from tests.catalog.test_catalog_support import ITEMS, as_data, draft, load_city, new_item, walk_to_published

from ecoenforce.catalog import selectors, services
from ecoenforce.catalog.models import today

pytestmark = pytest.mark.django_db

REFINE = {
    "code": "AIR-100-3",
    "implementing_subject": "固安县生态环境综合执法大队",
    "first_level": "乡镇",
    "township_delegable": True,
    "notes": "委托固安镇实施日常检查",
    "legal_basis": [{"law": "河北省生态环境保护条例", "article": 30, "kind": "地方性法规", "text": "……"}],
}


def _county_version(world, effective_from=None):
    version = draft(world, "county_a")
    leader = world.user("county_a", "team_leader")
    services.entry_add(
        version=version, by=leader, data=new_item("L131022-001", "露天焚烧沥青、油毡等产生有毒有害烟尘")
    )
    services.entry_refine(version=version, by=leader, data=REFINE)
    return walk_to_published(world, version, "county_a", effective_from=effective_from)


def test_county_catalog_is_the_citys_plus_its_additions_and_refinements(world, tmp_path):
    city_v1 = load_city(world, tmp_path)
    county_v1 = _county_version(world)
    catalog = selectors.effective_catalog(world.units["county_a"])
    assert [e.code for e in catalog.entries] == [i["code"] for i in ITEMS] + ["L131022-001"]
    assert [v.pk for v in catalog.versions] == [city_v1.pk, county_v1.pk]

    statutory = catalog.get("AIR-99-2")
    assert (statutory.origin_unit, statutory.origin_version) == (world.units["city"], city_v1)
    assert statutory.refinements == []
    local = catalog.get("L131022-001")
    assert (local.origin_unit, local.origin_version, local.origin.local) == (
        world.units["county_a"],
        county_v1,
        True,
    )

    refined = catalog.get("AIR-100-3")
    assert refined.origin_unit == world.units["city"]  # the item is still the city's
    assert (
        refined.name == ITEMS[2]["name"] and refined.sanction["max"] == "200000"
    )  # statutory fields unchanged
    assert (refined.implementing_subject, refined.first_level, refined.township_delegable) == (
        "固安县生态环境综合执法大队",
        "township",
        True,
    )
    assert refined.notes.endswith("委托固安镇实施日常检查")
    assert [b["law"] for b in refined.legal_basis] == [
        "中华人民共和国大气污染防治法",
        "河北省生态环境保护条例",
    ]
    assert refined.refined_by == [f"{world.units['county_a'].name} {county_v1.title}"]

    # The neighbouring county and the city see the city's catalog only.
    assert selectors.effective_catalog(world.units["county_b"]).codes() == {i["code"] for i in ITEMS}
    city = selectors.effective_catalog(world.units["city"])
    assert city.get("AIR-100-3").implementing_subject == ITEMS[2]["implementing_subject"]


def test_township_inherits_both_levels(world, tmp_path):
    load_city(world, tmp_path)
    _county_version(world)
    town = selectors.effective_catalog(world.units["town_a"])
    assert "L131022-001" in town.codes() and town.get("AIR-100-3").first_level == "township"
    assert [u.pk for u, _ in town.layers] == [world.units[k].pk for k in ("city", "county_a", "town_a")]
    assert town.layers[-1][1] is None  # the township has no catalog of its own


def test_effective_catalog_before_and_after_a_new_versions_effective_date(world, tmp_path):
    v1 = load_city(world, tmp_path)
    version = draft(world, "city", change_reason="年度调整")
    leader = world.user("city", "team_leader")
    services.entry_remove(entry=version.entries.get(code="EIA-31-1"), by=leader, reason="职能划转")
    services.entry_add(version=version, by=leader, data=new_item("AIR-108-1", "VOCs未密闭"), reason="新增")
    day = today() + timedelta(days=10)
    v2 = walk_to_published(world, version, "city", effective_from=day)

    for unit in ("city", "county_a"):
        before = selectors.effective_catalog(world.units[unit], day - timedelta(days=1))
        after = selectors.effective_catalog(world.units[unit], day)
        assert before.versions == [v1] and after.versions == [v2]
        assert "EIA-31-1" in before.codes() and "AIR-108-1" not in before.codes()
        assert "EIA-31-1" not in after.codes() and "AIR-108-1" in after.codes()
    # Long before the first version: nothing in force.
    assert selectors.effective_catalog(world.units["city"], today() - timedelta(days=1000)).entries == []

    states = {
        info.version.pk: (info.state, info.effective_to)
        for info in selectors.versions_for(world.units["city"])
    }
    assert states == {v2.pk: ("pending", None), v1.pk: ("in_force", day - timedelta(days=1))}
    later = {i.version.pk: i.state for i in selectors.versions_for(world.units["city"], on=day)}
    assert later == {v2.pk: "in_force", v1.pk: "superseded"}


def test_a_lower_unit_adds_only_new_codes_and_refines_only_inherited_ones(world, tmp_path):
    load_city(world, tmp_path)
    version = draft(world, "county_a")
    leader = world.user("county_a", "team_leader")
    with pytest.raises(ValidationError) as exc:
        services.entry_add(version=version, by=leader, data=as_data(ITEMS[0]))
    assert (
        "已在上级清单中" in exc.value.message_dict["code"][0] and "细化" in exc.value.message_dict["code"][0]
    )
    with pytest.raises(ValidationError) as exc:
        services.entry_refine(version=version, by=leader, data={**REFINE, "code": "AIR-999-1"})
    assert exc.value.message_dict["code"] == ["上级清单中没有编码为 AIR-999-1 的事项，无法细化"]
    city_draft = draft(world, "city")
    with pytest.raises(ValidationError, match="没有可细化的上级事项"):
        services.entry_refine(version=city_draft, by=world.user("city", "team_leader"), data=REFINE)


def test_a_refinement_cannot_change_the_statutory_fields(world, tmp_path):
    load_city(world, tmp_path)
    version = draft(world, "county_a")
    entry = services.entry_refine(
        version=version,
        by=world.user("county_a", "team_leader"),
        data={**REFINE, "name": "改名", "sanction": {"kind": "amount", "max": 1}},
    )
    assert (entry.name, entry.sanction, entry.power_type) == ("", {}, "")
    walk_to_published(world, version, "county_a")
    item = selectors.effective_item(world.units["county_a"], "AIR-100-3")
    assert item.name == ITEMS[2]["name"] and item.sanction["max"] == "200000"


def test_superior_removal_orphans_the_refinement_and_a_later_superior_addition_wins(world, tmp_path):
    load_city(world, tmp_path)
    _county_version(world)
    version = draft(world, "city", change_reason="调整")
    leader = world.user("city", "team_leader")
    services.entry_remove(entry=version.entries.get(code="AIR-100-3"), by=leader, reason="并入 AIR-99-3")
    services.entry_add(
        version=version,
        by=leader,
        data=new_item("L131022-001", "市级统一事项", first_level="设区的市"),
        reason="全市统一",
    )
    day = today() + timedelta(days=3)
    walk_to_published(world, version, "city", effective_from=day)

    catalog = selectors.effective_catalog(world.units["county_a"], day)
    assert "AIR-100-3" not in catalog.codes()
    assert [e.code for e in catalog.orphans] == ["AIR-100-3"]
    merged = catalog.get("L131022-001")
    assert merged.origin_unit == world.units["city"] and merged.name == "市级统一事项"
    assert [e.code for e in catalog.conflicts] == ["L131022-001"]


def test_versions_in_progress_never_count(world, tmp_path):
    load_city(world, tmp_path)
    version = draft(world, "county_a")
    services.entry_add(
        version=version, by=world.user("county_a", "team_leader"), data=new_item("L131022-009", "x")
    )
    services.version_submit(version=version, by=world.user("county_a", "team_leader"))
    assert "L131022-009" not in selectors.effective_catalog(world.units["county_a"]).codes()
    assert selectors.effective_catalog(world.units["county_a"]).layers[1][1] is None


def test_filter_by_text_type_level_category(world, tmp_path):
    load_city(world, tmp_path)
    entries = selectors.effective_catalog(world.units["city"]).entries
    assert [e.code for e in selectors.filter_entries(entries, q="自动监测")] == ["AIR-100-3"]
    assert [e.code for e in selectors.filter_entries(entries, q="第九十九条")] == ["AIR-99-2"]
    assert [e.code for e in selectors.filter_entries(entries, power_type="inspection")] == ["EPL-24-0"]
    assert [e.code for e in selectors.filter_entries(entries, first_level="county")] == ["AIR-100-3"]
    assert [e.code for e in selectors.filter_entries(entries, category="环评")] == ["EIA-31-1"]
    assert [e.code for e in selectors.filter_entries(entries, delegable=True)] == ["EPL-24-0"]
    assert selectors.categories(entries) == ["大气", "环评", "综合", "自动监测"]
