"""Diff of two versions (动态调整): items added, removed and changed (field by field), with reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from tests.catalog.test_catalog_support import ITEMS, draft, load_city, new_item, walk_to_published

from ecoenforce.catalog import selectors, services
from ecoenforce.catalog.models import today

pytestmark = pytest.mark.django_db


def _second_version(world, tmp_path):
    v1 = load_city(world, tmp_path)
    version = draft(world, "city", change_reason="2027年度动态调整：新法施行")
    leader = world.user("city", "team_leader")
    services.entry_add(
        version=version,
        by=leader,
        data=new_item("AIR-108-1", "VOCs废气未密闭收集"),
        reason="执法实践中多发，补充列入",
    )
    services.entry_remove(
        entry=version.entries.get(code="EIA-31-1"), by=leader, reason="划转自然资源部门实施"
    )
    entry = version.entries.get(code="AIR-99-2")
    changed = {
        **ITEMS[0],
        "legal_basis": entry.legal_basis,
        "sanction": {**ITEMS[0]["sanction"], "min": 200000},
        "first_level": "县级",
    }
    services.entry_update(entry=entry, by=leader, data=changed, reason="地方性法规提高了罚款下限")
    v2 = walk_to_published(world, version, "city", effective_from=today() + timedelta(days=1))
    return v1, v2


def test_diff_lists_added_removed_changed_with_reasons(world, tmp_path):
    v1, v2 = _second_version(world, tmp_path)
    result = selectors.diff(v1, v2)
    assert [(i.code, i.reason) for i in result.added] == [("AIR-108-1", "执法实践中多发，补充列入")]
    assert [(i.code, i.name, i.reason) for i in result.removed] == [
        ("EIA-31-1", ITEMS[1]["name"], "划转自然资源部门实施")
    ]
    assert [(i.code, i.reason) for i in result.changed] == [("AIR-99-2", "地方性法规提高了罚款下限")]
    changes = {c.field: c for c in result.changed[0].changes}
    assert set(changes) == {"sanction", "first_level"}
    assert changes["first_level"].before == "设区的市" and changes["first_level"].after == "县级"
    assert "处十万元以上一百万元以下的罚款" in changes["sanction"].before
    assert "处二十万元以上一百万元以下的罚款" in changes["sanction"].after
    assert result.unchanged == 2
    assert [(v.pk, r) for v, r in result.version_reasons] == [(v2.pk, "2027年度动态调整：新法施行")]
    reverse_diff = selectors.diff(v2, v1)
    assert [i.code for i in reverse_diff.added] == ["EIA-31-1"] and [
        i.code for i in reverse_diff.removed
    ] == ["AIR-108-1"]


def test_diff_across_several_versions_collects_the_reasons_of_each_step(world, tmp_path):
    v1, _ = _second_version(world, tmp_path)
    version = draft(world, "city", change_reason="第三版调整")
    leader = world.user("city", "team_leader")
    entry = version.entries.get(code="EPL-24-0")
    services.entry_update(
        entry=entry,
        by=leader,
        data={**ITEMS[3], "legal_basis": entry.legal_basis, "notes": "双随机抽查"},
        reason="明确检查方式",
    )
    v3 = walk_to_published(world, version, "city", effective_from=today() + timedelta(days=2))
    result = selectors.diff(v1, v3)
    assert {i.code: i.reason for i in result.changed} == {
        "AIR-99-2": "地方性法规提高了罚款下限",
        "EPL-24-0": "明确检查方式",
    }
    assert [i.reason for i in result.removed] == ["划转自然资源部门实施"]
    assert [r for _, r in result.version_reasons] == ["2027年度动态调整：新法施行", "第三版调整"]


def test_identical_versions_have_an_empty_diff(world, tmp_path):
    v1 = load_city(world, tmp_path)
    version = draft(world, "city")
    result = selectors.diff(v1, version)
    assert result.is_empty and result.unchanged == len(ITEMS)


def test_refinements_in_a_lower_units_diff_carry_the_inherited_name(world, tmp_path):
    load_city(world, tmp_path)
    county = draft(world, "county_a")
    services.entry_refine(
        version=county,
        by=world.user("county_a", "team_leader"),
        data={"code": "AIR-100-3", "first_level": "乡镇"},
    )
    v1 = walk_to_published(world, county, "county_a")
    version = draft(world, "county_a", change_reason="调整")
    services.entry_update(
        entry=version.entries.get(),
        by=world.user("county_a", "team_leader"),
        data={"code": "AIR-100-3", "first_level": "县级"},
        reason="收回",
    )
    result = selectors.diff(v1, version)
    assert [(i.code, i.name) for i in result.changed] == [("AIR-100-3", ITEMS[2]["name"])]


def test_diff_page_and_api(world, tmp_path, client):
    v1, v2 = _second_version(world, tmp_path)
    client.force_login(world.user("county_a", "officer"))  # a county reads the city's published history
    page = client.get(reverse("catalog:diff") + f"?b={v2.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "划转自然资源部门实施" in html
        and "执法实践中多发，补充列入" in html
        and "地方性法规提高了罚款下限" in html
    )
    data = client.get(f"/api/catalog/diff?a={v1.pk}&b={v2.pk}").json()
    assert [i["code"] for i in data["added"]] == ["AIR-108-1"]
    assert data["removed"][0]["reason"] == "划转自然资源部门实施"
    assert {c["field"] for c in data["changed"][0]["changes"]} == {"sanction", "first_level"}
    first = client.get(reverse("catalog:diff") + f"?b={v1.pk}")
    assert first.status_code == 302  # the first version has nothing to compare with
