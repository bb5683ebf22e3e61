"""From an entity to the calculator and back: decisions recorded for an entity are listed on its page.

The entity page shows a section only when it has something to say (no "待后续功能" placeholders)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ecoenforce.entities import services as es
from ecoenforce.penalty.models import DecidedPenalty
from tests.entities.conftest import entity_fields
from tests.penalty.test_consistency import record
from tests.penalty.test_penalty_calculator import AIR_99_2_LEVELS, URL, _levels, _post

pytestmark = pytest.mark.django_db


def plant(world, unit_key: str, n: int):
    unit = world.units[unit_key]
    return es.entity_create(by=world.user(unit_key, "team_leader"),
                            **entity_fields(n, unit.division_code, owner_unit=unit))


def test_an_entity_page_without_records_shows_no_empty_sections(world, client) -> None:
    entity = plant(world, "county_a", 8101)
    client.force_login(world.user("county_a", "officer"))
    html = client.get(reverse("entities:detail", args=[entity.pk])).content.decode()
    assert "待后续功能" not in html
    for section in ('id="cases"', 'id="penalty-decisions"', 'id="inspections"', 'id="alerts"'):
        assert section not in html, section
    assert 'id="profile"' in html and "暂无排污许可证" in html  # the registry says what is missing


def test_the_entity_page_links_to_the_calculator_for_that_entity(world, client) -> None:
    entity = plant(world, "county_a", 8102)
    client.force_login(world.user("county_a", "officer"))
    html = client.get(reverse("entities:detail", args=[entity.pk])).content.decode()
    link = re.search(r'id="to-calculator" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link == f"{URL}?entity={entity.pk}"
    page = client.get(link).content.decode()
    assert 'id="calc-entity"' in page and entity.name in page
    # the entity rides along when an item is chosen and when the penalty is recorded
    page = client.get(f"{URL}?entity={entity.pk}&item=AIR-99-2&on=2026-06-01").content.decode()
    assert f'<input type="hidden" name="entity" value="{entity.pk}">' in page
    fields = _levels(AIR_99_2_LEVELS)
    page = client.post(URL, _post("AIR-99-2", fields, entity=str(entity.pk))).content.decode()
    amount = re.search(r'name="record-decided_amount" value="([0-9.]+)"', page).group(1)
    response = client.post(URL, _post("AIR-99-2", fields, entity=str(entity.pk), action="record", **{
        "record-decision": "fine", "record-decided_amount": amount, "record-reason": ""}))
    assert response.status_code == 302 and f"entity={entity.pk}" in response["Location"]
    assert DecidedPenalty.objects.get().entity == entity
    html = client.get(reverse("entities:detail", args=[entity.pk])).content.decode()
    section = html.split('id="penalty-decisions"', 1)[1].split("</section>", 1)[0]
    assert "AIR-99-2" in section and "2026-06-01" in section


def test_an_entity_outside_the_jurisdiction_is_refused(world, client) -> None:
    other = plant(world, "county_b", 8103)
    client.force_login(world.user("county_a", "officer"))
    page = client.get(f"{URL}?entity={other.pk}").content.decode()
    assert "未找到该监管对象，或其不在您的辖区内" in page and other.name not in page
    with pytest.raises(PermissionDenied):
        record(world, entity=other)
    assert not DecidedPenalty.objects.exists()


def test_decisions_are_listed_only_to_readers_of_the_deciding_unit(world, client) -> None:
    entity = plant(world, "town_a", 8104)
    record(world, unit="county_a", entity=entity)
    client.force_login(world.user("town_a", "officer"))  # sees the entity, not county_a's decision
    html = client.get(reverse("entities:detail", args=[entity.pk])).content.decode()
    assert 'id="penalty-decisions"' not in html
    client.force_login(world.user("county_a", "officer"))
    html = client.get(reverse("entities:detail", args=[entity.pk])).content.decode()
    assert 'id="penalty-decisions"' in html
