"""Submitting a catalog draft asks its confirmation exactly once; declining it leaves the draft a draft."""

from __future__ import annotations

import pytest

from ecoenforce.catalog import services
from ecoenforce.catalog.models import CatalogVersion, VersionStatus
from tests.catalog.test_catalog_support import draft, load_city, new_item
from tests.factories import make_world

pytestmark = [pytest.mark.browser]


def _draft_with_a_change(world, tmp_path) -> CatalogVersion:
    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="调整")
    services.entry_add(version=version, by=world.user("city", "team_leader"),
                       data=new_item("AIR-108-1", "挥发性有机物未密闭"), reason="新增")
    return version


@pytest.mark.parametrize("accept", [False, True])
def test_submit_asks_once(transactional_db, live_server, login, tmp_path, accept):
    world = make_world()
    version = _draft_with_a_change(world, tmp_path)
    page = login(world.user("city", "team_leader"))
    dialogs: list[str] = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", answer)
    page.goto(f"{live_server.url}/catalog/versions/{version.pk}/")
    page.locator("form[data-confirm] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert dialogs == ["提交后草稿不能再修改，确定提交法制审核？"]
    version.refresh_from_db()
    assert version.status == (VersionStatus.LEGAL_REVIEW if accept else VersionStatus.DRAFT)
