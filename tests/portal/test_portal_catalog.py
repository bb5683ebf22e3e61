"""The public catalog pages: open without login; only published versions ever appear."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from tests.catalog.test_catalog_support import ITEMS, draft, load_city, new_item, walk_to_published

from ecoenforce.catalog import services
from ecoenforce.catalog.models import today

pytestmark = pytest.mark.django_db

SECRET_NAME = "尚在审核的秘密事项"


@pytest.fixture
def published(world, tmp_path):
    """City v1 in force, county_a v1 in force (one local item), city v2 pending, county_b in review."""
    v1 = load_city(world, tmp_path)
    county = draft(world, "county_a")
    services.entry_add(
        version=county,
        by=world.user("county_a", "team_leader"),
        data=new_item("L131022-001", "露天焚烧沥青等产生有毒有害烟尘"),
    )
    county = walk_to_published(world, county, "county_a")
    city2 = draft(world, "city", change_reason="新法施行后的动态调整")
    services.entry_remove(
        entry=city2.entries.get(code="EIA-31-1"), by=world.user("city", "team_leader"), reason="职能划转"
    )
    city2 = walk_to_published(world, city2, "city", effective_from=today() + timedelta(days=30))
    review = draft(world, "county_b", change_reason="内部讨论稿")
    services.entry_add(
        version=review, by=world.user("county_b", "team_leader"), data=new_item("L131023-001", SECRET_NAME)
    )
    review = services.version_submit(version=review, by=world.user("county_b", "team_leader"))
    city3 = draft(world, "city", change_reason="起草中的第三版")
    services.entry_add(
        version=city3,
        by=world.user("city", "team_leader"),
        data=new_item("AIR-108-9", "草稿事项"),
        reason="草稿",
    )
    return world, {"v1": v1, "county": county, "city2": city2, "review": review, "city3": city3}


def test_portal_works_logged_out(published, client):
    world, _ = published
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200 and "执法事项清单" in home.content.decode()
    units = client.get(reverse("portal:catalog")).content.decode()
    for key in ("city", "county_a", "county_b", "town_a", "town_b"):
        assert world.units[key].name in units
    assert "继承上级清单" in units

    page = client.get(reverse("portal:catalog-unit", args=[world.units["county_a"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "露天焚烧沥青等产生有毒有害烟尘" in html and ITEMS[0]["name"] in html
    assert "EIA-31-1" in html  # the city's v2 (which removes it) is not yet in force

    item = client.get(
        reverse("portal:catalog-item", args=[world.units["county_a"].pk, "AIR-99-2"])
    ).content.decode()
    assert "处十万元以上一百万元以下的罚款" in item and ITEMS[0]["legal_basis"][1]["text"] in item


def test_drafts_and_versions_in_review_never_appear(published, client):
    world, versions = published
    pages = [
        reverse("portal:home"),
        reverse("portal:catalog"),
        reverse("portal:catalog-unit", args=[world.units["county_b"].pk]),
        reverse("portal:catalog-history", args=[world.units["county_b"].pk]),
        reverse("portal:catalog-history", args=[world.units["city"].pk]),
        reverse("portal:catalog-unit", args=[world.units["city"].pk]) + "?q=草稿",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        for hidden in (
            SECRET_NAME,
            "L131023-001",
            "内部讨论稿",
            "起草中的第三版",
            "草稿事项",
            "法制审核中",
            "草稿</span>",
        ):
            assert hidden not in html, (url, hidden)
    for key in ("review", "city3"):
        version = versions[key]
        url = reverse("portal:catalog-version", args=[version.unit_id, version.pk])
        assert client.get(url).status_code == 404
    item = reverse("portal:catalog-item", args=[world.units["county_b"].pk, "L131023-001"])
    assert client.get(item).status_code == 404


def test_history_shows_published_versions_with_dates_and_reasons(published, client):
    world, versions = published
    html = client.get(reverse("portal:catalog-history", args=[world.units["city"].pk])).content.decode()
    assert "第1版" in html and "第2版" in html and "第3版" not in html
    assert "新法施行后的动态调整" in html and "现行有效" in html and "已发布，尚未生效" in html
    assert (today() + timedelta(days=30)).isoformat() in html
    assert (today() + timedelta(days=29)).isoformat() in html  # v1's last day in force
    change = client.get(
        reverse("portal:catalog-version", args=[world.units["city"].pk, versions["city2"].pk])
    )
    text = change.content.decode()
    assert change.status_code == 200 and "删除 1 项" in text and "职能划转" in text
    first = client.get(reverse("portal:catalog-version", args=[world.units["city"].pk, versions["v1"].pk]))
    assert first.status_code == 200 and "AIR-99-2" in first.content.decode()
    wrong_unit = reverse("portal:catalog-version", args=[world.units["county_a"].pk, versions["city2"].pk])
    assert client.get(wrong_unit).status_code == 404


def test_search_and_htmx_partial(published, client):
    world, _ = published
    url = reverse("portal:catalog-unit", args=[world.units["city"].pk])
    partial = client.get(url + "?q=总投资", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "EIA-31-1" in partial and "AIR-99-2" not in partial
    assert "EPL-24-0" in client.get(url + "?power_type=inspection").content.decode()


def test_unknown_unit_or_item_is_404(published, client):
    world, _ = published
    assert client.get(reverse("portal:catalog-unit", args=[999999])).status_code == 404
    assert (
        client.get(reverse("portal:catalog-item", args=[world.units["city"].pk, "NOPE-1-1"])).status_code
        == 404
    )


def test_portal_without_any_catalog(db, client):
    assert client.get(reverse("portal:catalog")).status_code == 200
    assert "暂无已发布的执法事项清单" in client.get(reverse("portal:catalog")).content.decode()
