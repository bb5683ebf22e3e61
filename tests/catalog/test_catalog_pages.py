"""Catalog pages and API: who gets 200, 403 or 404; each button only for the role that may press it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from tests.catalog.test_catalog_support import ITEMS, draft, load_city, new_item

from ecoenforce.audit.models import AuditEvent, Outcome
from ecoenforce.catalog import selectors, services
from ecoenforce.catalog.forms import entry_initial
from ecoenforce.catalog.models import CatalogVersion, VersionStatus, today

pytestmark = pytest.mark.django_db

READERS = ["officer", "team_leader", "legal_reviewer", "bureau_head", "complaint_handler", "supervisor"]
ADMINS = ["sysadmin", "secadmin", "auditadmin"]
LEGAL_STAFF = ["team_leader", "legal_reviewer", "bureau_head"]
NOT_LEGAL_STAFF = ["officer", "complaint_handler", "supervisor"]


@pytest.fixture
def setup(world, tmp_path):
    v1 = load_city(world, tmp_path)
    v2 = draft(world, "city", change_reason="年度调整")
    services.entry_add(
        version=v2, by=world.user("city", "team_leader"), data=new_item("AIR-108-1", "VOCs"), reason="新增"
    )
    return world, v1, v2


def _read_urls(world, v1):
    city = world.units["city"].pk
    return [
        reverse("catalog:browse"),
        reverse("catalog:item", args=["AIR-99-2"]) + f"?unit={city}",
        reverse("catalog:versions"),
        reverse("catalog:version", args=[v1.pk]),
        reverse("catalog:export"),
        "/api/catalog/effective",
        "/api/catalog/items/AIR-99-2",
        "/api/catalog/versions",
    ]


@pytest.mark.parametrize("role", READERS + ADMINS)
def test_reading_pages_by_role(setup, client, role):
    world, v1, _ = setup
    client.force_login(world.user("city", role))
    expected = 200 if role in READERS else 403
    for url in _read_urls(world, v1):
        assert client.get(url).status_code == expected, (role, url)


@pytest.mark.parametrize("role", READERS + ADMINS)
def test_workflow_pages_by_role(setup, client, role):
    world, _, v2 = setup
    client.force_login(world.user("city", role))
    drafts = client.get(reverse("catalog:drafts")).status_code
    detail = client.get(reverse("catalog:version", args=[v2.pk])).status_code
    entry_new = client.get(reverse("catalog:entry-new", args=[v2.pk])).status_code
    import_page = client.get(reverse("catalog:import", args=[v2.pk])).status_code
    if role in LEGAL_STAFF:
        assert (drafts, detail, entry_new, import_page) == (200, 200, 200, 200)
    elif role in NOT_LEGAL_STAFF:  # a version in progress does not exist for them
        assert (drafts, detail, entry_new, import_page) == (403, 404, 403, 403)
    else:
        assert (drafts, detail, entry_new, import_page) == (403, 403, 403, 403)


def test_anonymous_is_sent_to_login(setup, client):
    _, v1, _ = setup
    for url in (
        reverse("catalog:browse"),
        reverse("catalog:drafts"),
        reverse("catalog:version", args=[v1.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"]
    assert client.get("/api/catalog/effective").status_code == 401


def _buttons(client, user, version) -> set[str]:
    client.force_login(user)
    html = client.get(reverse("catalog:version", args=[version.pk])).content.decode()
    return {
        b
        for b in ("btn-submit", "btn-review", "btn-approve", "btn-publish", "btn-reopen")
        if f'id="{b}"' in html
    }


def test_each_button_only_for_the_role_that_may_press_it(setup, client):
    world, _, v2 = setup
    u = world.user
    assert _buttons(client, u("city", "team_leader"), v2) == {"btn-submit"}
    assert _buttons(client, u("city", "bureau_head"), v2) == {"btn-submit"}
    assert _buttons(client, u("county_a", "team_leader"), v2) == set()  # a superior's draft: 404 page
    v2 = services.version_submit(version=v2, by=u("city", "team_leader"))
    assert _buttons(client, u("city", "legal_reviewer"), v2) == {"btn-review"}
    assert _buttons(client, u("city", "team_leader"), v2) == set()
    assert _buttons(client, u("city", "bureau_head"), v2) == set()
    v2 = services.version_legal_review(
        version=v2, by=u("city", "legal_reviewer"), approve=True, opinion="同意"
    )
    assert _buttons(client, u("city", "bureau_head"), v2) == {"btn-approve"}
    assert _buttons(client, u("city", "legal_reviewer"), v2) == set()
    v2 = services.version_approve(version=v2, by=u("city", "bureau_head"))
    assert _buttons(client, u("city", "legal_reviewer"), v2) == {"btn-publish"}
    assert _buttons(client, u("city", "bureau_head"), v2) == {"btn-publish"}
    assert _buttons(client, u("city", "team_leader"), v2) == set()


def test_the_whole_workflow_through_the_pages(world, tmp_path, client):
    load_city(world, tmp_path)
    u = world.user
    client.force_login(u("county_a", "team_leader"))
    response = client.post(
        reverse("catalog:draft-create"),
        {"unit": world.units["county_a"].pk, "label": "2027年版", "change_reason": "本县细化"},
    )
    version = CatalogVersion.objects.get(unit=world.units["county_a"])
    assert response.status_code == 302 and response["Location"] == reverse(
        "catalog:version", args=[version.pk]
    )
    form = {
        "code": "L131022-001",
        "name": "露天焚烧沥青",
        "power_type": "penalty",
        "category": "大气",
        "legal_basis_text": "《河北省大气污染防治条例》第七十四条【处罚条款】：……处一万元以上十万元以下罚款",
        "sanction_kind": "amount",
        "sanction_min": "10000",
        "sanction_max": "100000",
        "implementing_subject": "固安县生态环境局",
        "first_level": "county",
        "change_reason": "本县多发",
    }
    bad = client.post(reverse("catalog:entry-new", args=[version.pk]), {**form, "sanction_min": "200000"})
    assert bad.status_code == 200 and "最低额 200000 大于最高额 100000" in bad.content.decode()
    assert client.post(reverse("catalog:entry-new", args=[version.pk]), form).status_code == 302
    refine = client.get(reverse("catalog:entry-refine", args=[version.pk]) + "?code=AIR-100-3")
    assert refine.status_code == 200 and "AIR-100-3" in refine.content.decode()
    assert (
        client.post(
            reverse("catalog:entry-refine", args=[version.pk]),
            {
                "code": "AIR-100-3",
                "implementing_subject": "固安县大队",
                "first_level": "township",
                "township_delegable": "on",
                "change_reason": "委托乡镇",
            },
        ).status_code
        == 302
    )
    client.post(reverse("catalog:submit", args=[version.pk]))
    client.force_login(u("county_a", "legal_reviewer"))
    client.post(reverse("catalog:review", args=[version.pk]), {"decision": "pass", "opinion": "合法"})
    client.force_login(u("county_a", "bureau_head"))
    client.post(reverse("catalog:approve", args=[version.pk]), {"decision": "approve"})
    client.post(
        reverse("catalog:publish", args=[version.pk]),
        {
            "effective_from": today().isoformat(),
            "filing_authority": "固安县司法局",
            "filing_number": "固司备1号",
            "filing_date": today().isoformat(),
        },
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED and version.filing_number == "固司备1号"
    entry = version.entries.get(code="L131022-001")
    assert entry.legal_basis[0] == {
        "law": "河北省大气污染防治条例",
        "article": "第七十四条",
        "kind": "处罚条款",
        "text": "……处一万元以上十万元以下罚款",
    }
    assert entry.sanction == {
        "kind": "amount",
        "min": "10000",
        "max": "100000",
        "base": None,
        "warning": False,
        "other_measures": [],
        "serious": None,
        "daily_penalty": False,
    }
    client.force_login(u("county_a", "officer"))
    page = client.get(reverse("catalog:browse")).content.decode()
    assert "露天焚烧沥青" in page and ITEMS[0]["name"] in page and "已细化" in page


def test_a_failed_step_explains_itself(setup, client):
    world, _, v2 = setup
    client.force_login(world.user("city", "team_leader"))
    response = client.post(reverse("catalog:publish", args=[v2.pk]), {}, follow=True)
    assert response.status_code == 403  # the team leader may not publish
    services.version_submit(version=v2, by=world.user("city", "team_leader"))
    client.force_login(world.user("city", "legal_reviewer"))
    response = client.post(
        reverse("catalog:review", args=[v2.pk]), {"decision": "pass", "opinion": ""}, follow=True
    )
    assert "请填写法制审核意见" in response.content.decode()
    client.force_login(world.user("city", "bureau_head"))
    response = client.post(reverse("catalog:approve", args=[v2.pk]), {"decision": "approve"}, follow=True)
    assert "不能批准（须先通过法制审核）" in response.content.decode()


def test_item_detail_shows_the_law_and_the_sanction_in_words(setup, client):
    world, _, _ = setup
    client.force_login(world.user("county_a", "officer"))
    html = client.get(reverse("catalog:item", args=["AIR-99-2"])).content.decode()
    assert "处十万元以上一百万元以下的罚款" in html
    assert (
        "《中华人民共和国大气污染防治法》第九十九条第（二）项" in html
        and ITEMS[0]["legal_basis"][1]["text"] in html
    )
    assert "拒不改正的，可以按日连续处罚" in html
    eia = client.get(reverse("catalog:item", args=["EIA-31-1"])).content.decode()
    assert "处建设项目总投资额百分之一以上百分之五以下的罚款" in eia
    assert client.get(reverse("catalog:item", args=["NOPE-1-1"])).status_code == 404


def test_units_outside_the_jurisdiction_are_refused_and_recorded(setup, client):
    world, _, _ = setup
    officer = world.user("county_a", "officer")
    client.force_login(officer)
    assert (
        client.get(reverse("catalog:browse") + f"?unit={world.units['city'].pk}").status_code == 200
    )  # superior
    assert (
        client.get(reverse("catalog:browse") + f"?unit={world.units['town_a'].pk}").status_code == 200
    )  # below
    response = client.get(reverse("catalog:browse") + f"?unit={world.units['county_b'].pk}")
    assert response.status_code == 403
    event = AuditEvent.objects.filter(outcome=Outcome.REFUSED).order_by("-seq").first()
    assert (event.action, event.actor_id, event.target_id) == (
        "catalog.view",
        officer.pk,
        str(world.units["county_b"].pk),
    )
    assert client.get(f"/api/catalog/effective?unit_id={world.units['county_b'].pk}").status_code == 403
    assert client.get("/api/catalog/effective?unit_id=999999").status_code == 404


def test_browse_search_and_htmx_partial(setup, client):
    world, _, _ = setup
    client.force_login(world.user("city", "officer"))
    page = client.get(reverse("catalog:browse") + "?q=自动监测", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "<html" not in html and "AIR-100-3" in html and "AIR-99-2" not in html
    full = client.get(reverse("catalog:browse") + "?power_type=inspection").content.decode()
    assert "EPL-24-0" in full and "AIR-99-2" not in full and "<html" in full
    past = client.get(reverse("catalog:browse") + f"?on={(today() - timedelta(days=500)).isoformat()}")
    assert "没有已发布生效的执法事项清单" in past.content.decode()


def test_api_effective_items_versions(setup, client):
    world, v1, v2 = setup
    client.force_login(world.user("county_a", "officer"))
    data = client.get("/api/catalog/effective?q=大气").json()
    assert data["unit"] == world.units["county_a"].name and data["total"] == len(ITEMS)
    assert {i["code"] for i in data["items"]} == {"AIR-99-2", "AIR-100-3"}
    assert data["layers"][0]["version_id"] == v1.pk and data["layers"][1]["version_id"] is None
    inspections = client.get("/api/catalog/effective?power_type=inspection").json()
    assert [i["code"] for i in inspections["items"]] == ["EPL-24-0"] and inspections["count"] == 1
    assert client.get("/api/catalog/effective?power_type=nonsense").status_code == 422
    item = client.get("/api/catalog/items/EIA-31-1").json()
    assert item["sanction"]["base"] == "total_investment" and item["origin_version_id"] == v1.pk
    assert item["sanction_text"][0] == "处建设项目总投资额百分之一以上百分之五以下的罚款"
    assert client.get("/api/catalog/items/NOPE-1-1").status_code == 404
    assert client.get("/api/catalog/effective?on=2026-13-40").status_code == 422
    city = world.units["city"].pk
    assert [v["id"] for v in client.get(f"/api/catalog/versions?unit_id={city}").json()] == [v1.pk]
    client.force_login(world.user("city", "legal_reviewer"))
    versions = client.get(f"/api/catalog/versions?unit_id={city}").json()
    assert [(v["id"], v["state"]) for v in versions] == [(v2.pk, "draft"), (v1.pk, "in_force")]
    client.force_login(world.user("city", "officer"))
    assert client.get(f"/api/catalog/diff?b={v2.pk}").status_code == 404  # a draft is not visible to officers


def test_saving_an_item_unchanged_through_the_form_changes_nothing(setup, client):
    world, v1, v2 = setup
    client.force_login(world.user("city", "team_leader"))
    for code in ("AIR-99-2", "EIA-31-1", "EPL-24-0"):
        entry = v2.entries.get(code=code)
        data = {k: v for k, v in entry_initial(entry).items() if v not in (None, False)}
        response = client.post(reverse("catalog:entry-edit", args=[v2.pk, entry.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert not AuditEvent.objects.filter(action="catalog.entry_update").exists()
    assert [i.code for i in selectors.diff(v1, v2).changed] == []
    entry = v2.entries.get(code="AIR-99-2")
    data = {k: v for k, v in entry_initial(entry).items() if v not in (None, False)}
    client.post(
        reverse("catalog:entry-edit", args=[v2.pk, entry.pk]),
        {**data, "first_level": "county", "change_reason": "下放"},
    )
    changed = selectors.diff(v1, v2).changed
    assert [(c.code, [f.field for f in c.changes], c.reason) for c in changed] == [
        ("AIR-99-2", ["first_level"], "下放")
    ]


def test_the_review_page_shows_what_changed_against_the_previous_version(world, tmp_path, client):
    """One item added to a copy of the published version: that row says 新增, the copied ones 未变."""
    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="年度调整")
    services.entry_add(version=version, by=world.user("city", "team_leader"),
                       data=new_item("AIR-108-1", "挥发性有机物未密闭"), reason="新增")
    version = services.version_submit(version=version, by=world.user("city", "team_leader"))
    client.force_login(world.user("city", "legal_reviewer"))
    html = client.get(reverse("catalog:version", args=[version.pk])).content.decode()
    assert "与上一版本的差别" in html and "新增 1 项，删除 0 项，修改 0 项" in html
    assert 'data-change="AIR-108-1">新增<' in html
    copied = [i["code"] for i in ITEMS]
    assert all(f'data-change="{code}">未变<' in html for code in copied)
